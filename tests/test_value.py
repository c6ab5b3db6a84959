"""A Value class behaves as the dataclass it replaces (issue 17: defined without generating
code): construction, defaults, equality, hashing, repr, immutability, pickling, replace."""

from __future__ import annotations

import dataclasses
import pickle
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from decision_flow.core.value import Value, as_dict, replace
from decision_flow.definition.workflow import Title


class Frozen(Value):
    name: str
    title: Title
    count: int = 0
    tags: tuple[str, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)
    text: str = field(default="", compare=False, repr=False)


@dataclass(frozen=True)
class Twin:
    name: str
    title: Title
    count: int = 0
    tags: tuple[str, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)
    text: str = field(default="", compare=False, repr=False)


class Mutable(Value, frozen=False):
    status: str = "pending"
    fields: dict[str, Any] = field(default_factory=dict)


ARGS: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
    (("a", Title("甲", "A")), {}),
    (("a", Title("甲", "A"), 3), {"tags": ("x",)}),
    ((), {"name": "b", "title": Title("乙", "B"), "params": {"k": 1}, "text": "long"}),
]


@pytest.mark.parametrize(("args", "kwargs"), ARGS)
def test_as_the_dataclass(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    ours, theirs = Frozen(*args, **kwargs), Twin(*args, **kwargs)
    assert repr(ours).replace("Frozen", "Twin") == repr(theirs)
    for spec in dataclasses.fields(Twin):
        assert getattr(ours, spec.name) == getattr(theirs, spec.name)
    assert ours == Frozen(*args, **kwargs) and ours != theirs
    assert replace(ours, text="other") == ours  # not compared, as the dataclass's
    assert replace(ours, count=9) != ours and replace(ours, count=9).count == 9


def test_defaults_are_fresh_and_hash_follows_equality() -> None:
    one, two = Frozen("a", Title("甲", "A")), Frozen("a", Title("甲", "A"))
    assert one.params is not two.params  # a factory per object
    assert Title("甲", "A") in {Title("甲", "A")} and hash(Title("甲", "A")) == hash(Title("甲", "A"))
    assert one.__match_args__ == ("name", "title", "count", "tags", "params", "text")


def test_frozen_refuses_changes_mutable_does_not() -> None:
    one = Frozen("a", Title("甲", "A"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.name = "b"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del one.name  # type: ignore[misc]
    state = Mutable()
    state.status = "completed"
    assert state == Mutable("completed") and state != Mutable()
    with pytest.raises(TypeError):
        hash(state)  # as a dataclass that is not frozen


BAD_CALLS: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
    (("a",), {}),
    (("a", Title("甲", "A")), {"nope": 1}),
    (("a", Title("甲", "A")), {"name": "b"}),
    (("a", Title("甲", "A"), 1, (), {}, "", "extra"), {}),
]


@pytest.mark.parametrize(("args", "kwargs"), BAD_CALLS)
def test_bad_calls_are_refused_as_a_dataclass_refuses_them(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    with pytest.raises(TypeError) as ours:
        Frozen(*args, **kwargs)
    with pytest.raises(TypeError) as theirs:
        Twin(*args, **kwargs)
    assert str(ours.value).replace("Frozen", "Twin") == str(theirs.value)


def test_a_default_before_a_required_field_is_refused_when_the_class_is_made() -> None:
    with pytest.raises(TypeError, match="non-default argument 'late' follows default argument"):

        class Bad(Value):
            early: int = 0
            late: int


def test_each_class_writes_its_own_init_at_its_first_object() -> None:
    """A subclass with more fields gets its own, not its base's (written first here)."""

    class Base(Value):
        a: int

    class More(Base):
        b: int = 2

    assert Base(1).a == 1 and More(1).b == 2 and More(1, 3) == More(a=1, b=3)
    with pytest.raises(TypeError):
        Base(1, 2)  # type: ignore[call-arg]


def test_pickled_and_read_back_equal() -> None:
    one = Frozen("a", Title("甲", "A"), 2, ("x",), {"k": [1]}, "text")
    back = pickle.loads(pickle.dumps(one, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == one and back.text == "text"


def test_as_dict_nests() -> None:
    one = Frozen("a", Title("甲", "A"), tags=("x",))
    assert as_dict(one) == {
        "name": "a",
        "title": {"zh": "甲", "en": "A"},
        "count": 0,
        "tags": ("x",),
        "params": {},
        "text": "",
    }
