"""Value classes that cost nothing to define: the behaviour of ``@dataclass(frozen=True)`` (and
of a plain ``@dataclass`` with ``frozen=False``) from one base class, with code written only
for the classes whose objects a command makes, when it makes the first.

A dataclass writes and compiles its ``__init__``, ``__eq__``, ``__hash__``, ``__repr__``,
``__setattr__`` and ``__delattr__`` when its module is imported: about 0.35 ms a class on this
machine, and a command that reads one case defines some thirty (the workflow model, the
procedures' model, messages, reasons), a tenth of what ``dflow show`` costs above the
interpreter's own start (issue 17). With :class:`Value` the class statement only records its
fields, read from its annotations as dataclasses reads them (defaults and
``dataclasses.field(default_factory=..., compare=..., repr=...)`` included); equality, hash,
``repr`` and the frozen guard are methods written once, here; a class's ``__init__`` is written
(as a dataclass writes it, errors alike) when its first object is made. The type checker sees
a dataclass (:func:`typing.dataclass_transform`).

    class Title(Value):
        zh: str
        en: str = ""

    class Context(Value, frozen=False): ...

Most classes are never constructed by a command (the workflow model comes from the cache,
unpickled without ``__init__``). :func:`replace` and :func:`as_dict` stand for
``dataclasses.replace`` and ``dataclasses.asdict``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, Field, FrozenInstanceError, field
from typing import Any, ClassVar, TypeVar, dataclass_transform

V = TypeVar("V", bound="Value")

_set = object.__setattr__


@dataclass_transform(frozen_default=True, field_specifiers=(field, Field))
class Value:
    """The base of a value class: its annotated fields, in order (a base class's first), make
    its ``__init__``, equality, hash (when frozen) and ``repr``; a frozen one refuses changes."""

    __fields__: ClassVar[tuple[tuple[str, Any, Any, bool, bool], ...]] = ()  # name, default, factory, compare, repr
    __compared__: ClassVar[tuple[str, ...]] = ()
    __frozen__: ClassVar[bool] = True
    __match_args__: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, frozen: bool = True, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields = {spec[0]: spec for spec in cls.__fields__}
        for name, annotation in cls.__dict__.get("__annotations__", {}).items():
            if str(annotation).startswith(("ClassVar", "typing.ClassVar")):
                continue
            given = cls.__dict__.get(name, MISSING)
            default: Any = given
            factory: Any = MISSING
            compare, shown = True, True
            if isinstance(given, Field):
                default, factory, compare, shown = given.default, given.default_factory, given.compare, given.repr
                if default is MISSING:
                    delattr(cls, name)
                else:
                    setattr(cls, name, default)
            fields[name] = (name, default, factory, compare, shown)
        specs = tuple(fields.values())
        for before, after in zip(specs, specs[1:], strict=False):
            if (before[1] is not MISSING or before[2] is not MISSING) and after[1] is MISSING and after[2] is MISSING:
                raise TypeError(f"non-default argument {after[0]!r} follows default argument")
        cls.__fields__ = specs
        setattr(cls, "__match_args__", tuple(spec[0] for spec in specs))  # noqa: B010 - positional patterns, as a dataclass
        cls.__compared__ = tuple(spec[0] for spec in specs if spec[3])
        cls.__frozen__ = frozen
        if "__init__" not in cls.__dict__:  # its own is written at its first object
            cls.__init__ = _GENERIC_INIT  # type: ignore[method-assign]
        if not frozen:
            setattr(cls, "__hash__", None)  # noqa: B010 - as a dataclass with eq and not frozen: unhashable

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """The first object of a class made: its own ``__init__`` written (as a dataclass writes
        it) and put in place, then called. A class only ever unpickled, as the workflow model
        from the cache, never pays for one."""
        cls = type(self)
        made = cls.__dict__.get("__init__")
        if made is None or made is _GENERIC_INIT:
            made = _written_init(cls)
            cls.__init__ = made  # type: ignore[method-assign]
        made(self, *args, **kwargs)

    def __setattr__(self, name: str, value: Any) -> None:
        if self.__frozen__:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        _set(self, name, value)

    def __delattr__(self, name: str) -> None:
        if self.__frozen__:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        object.__delattr__(self, name)

    def _compared(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__compared__)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash(self._compared())

    def __repr__(self) -> str:
        shown = ", ".join(f"{spec[0]}={getattr(self, spec[0])!r}" for spec in self.__fields__ if spec[4])
        return f"{type(self).__qualname__}({shown})"


def _written_init(cls: type[Value]) -> Callable[..., None]:
    """`cls`'s ``__init__``: each field a parameter in order, a default or a factory's product
    when not given, set past the frozen guard; then ``__post_init__``, if the class has one."""
    names: dict[str, Any] = {"_set": _set, "_FACTORY": _FACTORY}
    params, lines = [], []
    for name, default, factory, _, _ in cls.__fields__:
        if factory is not MISSING:
            names[f"_f_{name}"] = factory
            params.append(f"{name}=_FACTORY")
            lines.append(f"  _set(self, {name!r}, _f_{name}() if {name} is _FACTORY else {name})")
        else:
            if default is not MISSING:
                names[f"_d_{name}"] = default
            params.append(name if default is MISSING else f"{name}=_d_{name}")
            lines.append(f"  _set(self, {name!r}, {name})")
    if hasattr(cls, "__post_init__"):
        lines.append("  self.__post_init__()")
    source = f"def __init__(self, {', '.join(params)}):\n" + ("\n".join(lines) or "  pass") + "\n"
    exec(source, names)  # noqa: S102 - our own text, of the class's field names
    made: Callable[..., None] = names["__init__"]
    made.__qualname__ = f"{cls.__qualname__}.__init__"
    return made


_FACTORY = object()  # a field with a factory not given
_GENERIC_INIT = Value.__init__


def replace(obj: V, **changes: Any) -> V:
    """A copy of `obj` with `changes` (as ``dataclasses.replace``)."""
    values = {spec[0]: getattr(obj, spec[0]) for spec in obj.__fields__}
    unknown = set(changes) - set(values)
    if unknown:
        raise TypeError(f"{type(obj).__name__} has no field {sorted(unknown)[0]!r}")
    return type(obj)(**(values | changes))


def as_dict(obj: Value) -> dict[str, Any]:
    """`obj`'s fields as a dict, value objects within it (and in lists, tuples and dicts) too."""
    return {spec[0]: _plain(getattr(obj, spec[0])) for spec in obj.__fields__}


def _plain(value: Any) -> Any:
    if isinstance(value, Value):
        return as_dict(value)
    if isinstance(value, list | tuple):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
