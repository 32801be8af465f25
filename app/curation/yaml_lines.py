"""A contract file's YAML read into dictionaries that remember their lines.

Curators edit these files by hand: every mapping keeps its own line and each
key's (:class:`LineDict`), so an error names ``file:line``, and a key written
twice is refused with both lines.

Reading is most of the cost of loading a contract, so it goes the fastest way
that gives the same objects: libyaml's parser and composer (C) make the node
tree; the tree is then turned into dictionaries, lists and strings by
:func:`_tree`, a loop over the node types the curated files use (mappings,
sequences, strings), every other scalar (numbers, booleans, dates, null) by
pyYAML's own constructor for its tag. Anything else — an alias, a merge key
(``<<``), an explicit tag, a key written twice, a file libyaml refuses — is read
again by pyYAML's own constructor (and, if that fails, by pyYAML's pure-Python
parser, whose error messages are the ones curators read): the same objects or
the same error as before.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode


class LineDict(dict[Any, Any]):
    """A mapping that remembers the YAML line of itself and of each key.

    Keys are whatever YAML made of them: strings in a well-formed file, but a
    curator's typo can give a number or a date, which ``check_keys`` reports.
    """

    line: int
    key_lines: dict[str, int]


class _LineMappings(yaml.constructor.SafeConstructor):
    """Mappings built as :class:`LineDict`, a key written twice refused."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"clé « {key} » en double (déjà ligne {seen[key]})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line + 1
        mapping = LineDict(super().construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {str(k): v for k, v in seen.items()}
        return mapping


class _LineLoader(_LineMappings, yaml.SafeLoader):
    """pyYAML's own parser: its error messages are the ones curators read."""


# libyaml's parser (≈ 10× faster: the YAML was 90 % of reading a contract); a file
# it refuses is read again by pyYAML's, so that errors keep their wording.
_FAST = hasattr(yaml, "CSafeLoader")


class _FastLineLoader(_LineMappings, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's parser (when pyYAML has it), the same mappings.

    libyaml asks the resolver for the tag of every scalar (≈ 1 200 a contract,
    in Python, trying the implicit types' regexes): a scalar's tag depends only
    on its kind, text and implicitness while no path resolver is registered (the
    safe loader has none), so each answer is remembered, per process.
    """

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is not ScalarNode or self.yaml_path_resolvers:
            return super().resolve(kind, value, implicit)
        key = (value, implicit)
        tag = _TAGS.get(key)
        if tag is None:
            if len(_TAGS) >= 65536:
                _TAGS.clear()
            tag = _TAGS[key] = super().resolve(kind, value, implicit)
        return tag


_TAGS: dict[tuple[str, tuple[bool, bool]], str] = {}  # a scalar's resolved tag


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _LineLoader.construct_mapping,  # type: ignore[type-var]
)
_FastLineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _FastLineLoader.construct_mapping,  # type: ignore[type-var]
)

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_INT = "tag:yaml.org,2002:int"
# Scalars pyYAML's safe constructor makes from their tag alone (no other node read).
_PLAIN_SCALARS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("null", "bool", "int", "float", "timestamp")
)


class _Unusual(Exception):
    """A node :func:`_tree` leaves to pyYAML's constructor, with the whole file."""


def read_yaml(text: str) -> object:
    """The document in ``text``, as pyYAML's safe loader with :class:`LineDict` mappings
    makes it (raises its ``YAMLError`` for a file it refuses, too deep a nesting included)."""
    if _FAST:
        loader = _FastLineLoader(text)  # type: ignore[call-arg]  # CSafeLoader(stream)
        try:
            node = loader.get_single_node()
            if node is not None:
                return _tree(node, loader, set())
        except (yaml.YAMLError, _Unusual, RecursionError):
            pass
        finally:
            loader.dispose()
        try:
            return yaml.load(text, Loader=_FastLineLoader)  # noqa: S506 - CSafeLoader subclass
        except (yaml.YAMLError, RecursionError):
            pass
    return _read_slowly(text)


def _read_slowly(text: str) -> object:
    """pyYAML's own Python loader, which says where it was when it gave up.

    Lists or mappings nested a few hundred levels deep exhaust Python's stack in
    pyYAML (``RecursionError``): a 500 on the review page and a traceback from
    ``cvkg validate``. They are refused as invalid YAML, at the line reached.
    """
    loader = _LineLoader(text)
    try:
        return loader.get_single_data()
    except RecursionError:
        raise yaml.MarkedYAMLError(
            problem="listes ou dictionnaires imbriqués trop profondément",
            problem_mark=loader.get_mark(),
        ) from None
    finally:
        loader.dispose()


def _tree(node: Node, constructor: _LineMappings, seen: set[int]) -> Any:
    """What pyYAML's constructor makes of ``node``, for mappings, sequences, strings and
    plain scalars; :class:`_Unusual` for anything else (a node met twice is an alias)."""
    if id(node) in seen:
        raise _Unusual
    seen.add(id(node))
    kind, tag = type(node), node.tag
    if kind is ScalarNode:
        if tag == _STR:
            return node.value
        value = node.value
        if tag == _INT and value.isascii() and value.isdigit() and value[0] != "0":
            return int(value)  # what pyYAML's construct_yaml_int makes of plain digits
        if tag in _PLAIN_SCALARS:
            return constructor.construct_object(node, deep=True)
    elif kind is SequenceNode:
        if tag == _SEQ:
            return [_tree(item, constructor, seen) for item in node.value]
    elif kind is MappingNode and tag == _MAP:
        mapping = LineDict()
        lines: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag != _STR or type(key_node) is not ScalarNode:
                raise _Unusual  # merge keys, "=" keys, keys that are not strings
            key = _tree(key_node, constructor, seen)
            if key in lines:
                raise _Unusual  # refused, in pyYAML's words
            lines[key] = key_node.start_mark.line + 1
            mapping[key] = _tree(value_node, constructor, seen)
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = lines
        return mapping
    raise _Unusual
