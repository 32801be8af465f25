"""``json.dumps(value, ensure_ascii=False, indent=1)``'s text, made without its pure-Python encoder.

With an indent, the standard library encodes in Python, one generator per
nested dict and list: a third of the CPU of a contract's JSON-LD file
(≈ 7 000 values a contract). :func:`dumps_indented` writes the same text:
strings, numbers and constants by the encoder's own C functions, the layout
(one value a line, one space of indent a level, ``", "`` → ``",\\n"``, ``": "``)
as ``json.encoder`` lays it out. Anything else (a non-string key, a float that
is not finite, another type) goes to ``json.dumps`` itself.
"""

from __future__ import annotations

import json
import math
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any


class _Other(Exception):
    """A value this writer leaves to ``json.dumps``."""


def indent(level: int) -> str:
    """A new line and ``level`` spaces: the indent of a member at that level."""
    if level < len(_INDENTS):
        return _INDENTS[level]
    return "\n" + " " * level


_INDENTS = ["\n" + " " * level for level in range(16)]


def _write(value: Any, level: int, out: list[str]) -> None:
    """``value``'s text: its members one a line, in loops rather than generators (a
    contract's JSON-LD is ≈ 7 000 values, most of them strings: written at once)."""
    kind = type(value)
    if kind is str:
        out.append(encode_basestring(value))
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        inner, separator = indent(level + 1), "{"
        for key, item in value.items():
            if type(key) is not str:
                raise _Other
            _member(f"{separator}{inner}{encode_basestring(key)}: ", item, level, out)
            separator = ","
        out.append(indent(level) + "}")
    elif kind is list:
        if not value:
            out.append("[]")
            return
        inner, separator = indent(level + 1), "["
        for item in value:
            _member(separator + inner, item, level, out)
            separator = ","
        out.append(indent(level) + "]")
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif kind is int:
        out.append(int.__repr__(value))
    elif kind is float and math.isfinite(value):
        out.append(float.__repr__(value))
    else:
        raise _Other


def _member(prefix: str, item: Any, level: int, out: list[str]) -> None:
    """A member of a container at ``level``: what precedes it, then its value."""
    if type(item) is str:
        out.append(prefix + encode_basestring(item))
    else:
        out.append(prefix)
        _write(item, level + 1, out)


def dumps_indented(value: Any) -> str:
    """The same text as ``json.dumps(value, ensure_ascii=False, indent=1)``."""
    out: list[str] = []
    try:
        _write(value, 0, out)
    except _Other:
        return json.dumps(value, ensure_ascii=False, indent=1)
    return "".join(out)
