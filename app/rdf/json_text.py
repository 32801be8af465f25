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
from collections.abc import Iterable
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any


class _Other(Exception):
    """A value this writer leaves to ``json.dumps``."""


def _key(key: Any) -> str:
    if type(key) is not str:
        raise _Other
    return encode_basestring(key) + ": "  # type: ignore[no-any-return]


def _members(pairs: Iterable[tuple[str, Any]], level: int, brackets: str, out: list[str]) -> None:
    """An object's or array's members, one a line: ``(what precedes the value, value)``."""
    inner = "\n" + " " * (level + 1)
    separator = brackets[0]
    for prefix, item in pairs:
        out.append(separator + inner + prefix)
        separator = ","
        _write(item, level + 1, out)
    out.append("\n" + " " * level + brackets[1])


def _write(value: Any, level: int, out: list[str]) -> None:
    kind = type(value)
    if kind is str:
        out.append(encode_basestring(value))
    elif kind is dict or kind is list:
        if not value:
            out.append("{}" if kind is dict else "[]")
        elif kind is dict:
            _members(((_key(k), v) for k, v in value.items()), level, "{}", out)
        else:
            _members((("", v) for v in value), level, "[]", out)
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


def dumps_indented(value: Any) -> str:
    """The same text as ``json.dumps(value, ensure_ascii=False, indent=1)``."""
    out: list[str] = []
    try:
        _write(value, 0, out)
    except _Other:
        return json.dumps(value, ensure_ascii=False, indent=1)
    return "".join(out)
