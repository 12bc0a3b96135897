"""parse_message never raises anything but ParseError, for any bytes."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ticketdesk.inbound.parsing import ParsedMessage, ParseError, parse_message, split_reply

from .corpus import all_messages

SEEDS = [p.read_bytes()[:20000] for p in all_messages()] or [
    b"From: a@example.com\r\nSubject: =?utf-8?b?w6Q=?=\r\n\r\nbody\r\n"
]


def _parse_or_parse_error(raw: bytes) -> None:
    try:
        parsed = parse_message(raw)
    except ParseError:
        return
    assert isinstance(parsed, ParsedMessage)
    assert isinstance(parsed.text, str)
    assert isinstance(parsed.html, str)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4000))
def test_arbitrary_bytes_never_crash_the_parser(raw: bytes) -> None:
    _parse_or_parse_error(raw)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(SEEDS),
    st.lists(st.tuples(st.integers(min_value=0), st.binary(max_size=8)), max_size=8),
    st.integers(min_value=0),
)
def test_mutated_corpus_messages_never_crash_the_parser(
    seed: bytes, edits: list[tuple[int, bytes]], cut: int
) -> None:
    raw = bytearray(seed)
    for position, chunk in edits:
        at = position % (len(raw) + 1)
        raw[at : at + len(chunk)] = chunk
    _parse_or_parse_error(bytes(raw[: cut % (len(raw) + 1) or len(raw)]))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_reply_splitting_never_crashes_or_loses_text(text: str) -> None:
    new_text, quoted = split_reply(text)
    assert sorted(f"{new_text}\n{quoted}".split()) == sorted(text.replace("\r", "\n").split())
