"""The verifier's fast paths give exactly the verdicts of the plain checks they replace.

`dflow audit verify` walks a million events, so its per-event checks take shortcuts: a text test
before parsing an event's data for evidence, a decoder and encoder made once for the canonical
check of stored data. Each is checked here against the straightforward code, on any input.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from decision_flow.engine.verification import _evidence_named, _evidence_parsed
from decision_flow.trail.canonical import _canonical_object, canonical_json

_TEXT = st.text(st.characters(codec="utf-8"), max_size=8)
_KEY = st.sampled_from(["sha256", "kind", "name", "size", "evidence", "Sha256", "sha256 "]) | _TEXT
_SCALAR = st.none() | st.booleans() | st.integers(-(2**70), 2**70) | _TEXT
_JSON = st.recursive(_SCALAR, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEY, inner, max_size=3))
_EVIDENCE = st.lists(st.dictionaries(_KEY, _JSON, max_size=4) | _JSON, max_size=3)
_DATA = st.dictionaries(_KEY, _JSON, max_size=3) | st.builds(
    lambda data, evidence: {**data, "evidence": evidence}, st.dictionaries(_KEY, _JSON, max_size=3), _EVIDENCE
)


@settings(max_examples=500, deadline=None)
@example(data={"evidence": [{"sha256": "ab" * 32, "kind": "draft"}]})
@example(data={"evidence": [{"kind": "draft", "sha256": None}], "note": "sha256"})
@given(data=_DATA)
def test_evidence_of_canonical_data_is_found_without_parsing_data_that_cannot_name_any(data: dict[str, Any]) -> None:
    """Canonical data (the only data a passing walk leaves) names evidence only if it holds the
    text `"sha256"`: the test before parsing skips no evidence."""
    text = canonical_json(data).decode("utf-8")
    assert _evidence_named(text) == _evidence_parsed(text)


def _canonical_by_dumps(text: str) -> bool:
    """Whether `text` is the canonical JSON of an object, by json.loads and json.dumps (the plain check)."""

    def refuse(word: str) -> Any:
        raise ValueError(word)

    if not text.startswith("{"):
        return False
    try:
        value = json.loads(text, parse_float=refuse, parse_constant=refuse)
        return type(value) is dict and canonical_json(value) == text.encode("utf-8")
    except (ValueError, RecursionError):
        return False


_EDITS = st.sampled_from([" ", "\\u0073", '"', "\\", "1.5", "NaN", "\ud800", "\\ud800", "é", ",", "}", "{"])


@settings(max_examples=500, deadline=None)
@example(data={"a": "\ud800"}, at=0, edit="", cut=False)  # a lone surrogate: no UTF-8 at all
@example(data={"sha256": 1}, at=2, edit="\\u0073", cut=True)  # the key spelt with an escape
@example(data={"n": 1}, at=5, edit="1.5", cut=True)  # a float
@given(data=_DATA, at=st.integers(0, 200), edit=_EDITS | _TEXT, cut=st.booleans())
def test_the_canonical_check_of_stored_data_agrees_with_json_dumps(
    data: dict[str, Any], at: int, edit: str, cut: bool
) -> None:
    """The check of stored data, with its decoder and encoder made once, agrees with json.loads
    and json.dumps on the canonical text of any object and on any edit of it."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    at = at % (len(text) + 1)
    edited = text[:at] + edit + text[at + (1 if cut else 0) :]
    for candidate in (text, edited):
        assert _canonical_object(candidate) == _canonical_by_dumps(candidate)


_HEX = st.text(st.sampled_from("0123456789abcdefABCDEFg \n٠"), min_size=62, max_size=66)


@settings(max_examples=300, deadline=None)
@example(value="0" * 64 + "\n")
@given(value=_HEX | st.text(max_size=70) | st.none() | st.integers())
def test_a_hash_is_64_lowercase_hexadecimal_digits_exactly_as_the_regular_expression_says(value: Any) -> None:
    """The hash test by str.strip accepts exactly what the regular expression [0-9a-f]{64} does."""
    import re

    from decision_flow.trail.canonical import _is_hash

    assert _is_hash(value) == (type(value) is str and re.fullmatch("[0-9a-f]{64}", value) is not None)
