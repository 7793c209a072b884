"""A fast path for the YAML front matter most posts have, with PyYAML's exact results.

Nearly every Hugo or Jekyll header is a handful of ``key: value`` lines, flow lists
(``tags: [a, b]``) and block lists (``- a``). PyYAML spends most of a 10,000-post scan
building and walking nodes for those few lines. This module splits such headers into
scalars itself, then gives each scalar to PyYAML's own resolver and constructors, so a
``date`` or ``draft`` comes out as the same object PyYAML would make.

Anything outside that small shape (quotes with escapes, comments after values, nesting,
anchors, multi-line scalars, tabs, indicators at the start of a value) returns
:data:`UNSUPPORTED`, and the caller hands the header to PyYAML. A property test checks
that every header this module accepts loads to the same value with PyYAML.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import yaml

UNSUPPORTED = object()

_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?:[ ]+(.*?))?[ ]*")
_ITEM_LINE = re.compile(r"([ ]*)-[ ]+(.*?)[ ]*")
# A plain scalar we can take as it is: no indicator first, no ": " or " #" inside, no
# flow or escape characters that PyYAML would read differently.
_PLAIN = re.compile(r"[^-?:,\[\]{}#&*!|>'\"%@`\s][^\t]*")
# Tabs, CR, a BOM, the other YAML line breaks (NEL, U+2028, U+2029), and what PyYAML's
# reader calls non-printable. Spelled as the characters it finds, not as the negation of
# those it allows: the same set, but the negated class takes 10 ms to compile at import.
_NOT_PLAIN_TEXT = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]"
)
_FLOW_ITEM = re.compile(r"[^-?:,\[\]{}#&*!|>'\"%@`\s][^,\[\]{}\t]*")


class _Resolver(yaml.resolver.Resolver):
    pass


class _Constructor(yaml.constructor.SafeConstructor):
    pass


_resolver: _Resolver | None = None
_constructor: _Constructor | None = None


def use_loader(loader: type[yaml.SafeLoader]) -> None:
    """Resolve and construct scalars exactly as ``loader`` does (its resolvers and
    constructors, e.g. YAML 1.2 booleans and forgiving timestamps)."""
    global _resolver, _constructor
    _Resolver.yaml_implicit_resolvers = loader.yaml_implicit_resolvers
    _Constructor.yaml_constructors = loader.yaml_constructors
    _resolver, _constructor = _Resolver(), _Constructor()
    _tag.cache_clear()


def _plain(text: str, flow: bool = False) -> Any:
    pattern = _FLOW_ITEM if flow else _PLAIN
    if not pattern.fullmatch(text) or ": " in text or " #" in text or text.endswith(":"):
        return UNSUPPORTED
    tag = _tag(text)
    if tag == _STR:
        return text
    assert _constructor is not None
    return _constructor.yaml_constructors[tag](_constructor, yaml.ScalarNode(tag, text))


_STR = "tag:yaml.org,2002:str"


@functools.lru_cache(maxsize=4096)
def _tag(text: str) -> str:
    """The tag PyYAML's resolver gives a plain scalar (keys and tags repeat a lot)."""
    assert _resolver is not None
    return _resolver.resolve(yaml.ScalarNode, text, (True, False))


def _scalar(text: str, flow: bool = False) -> Any:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        inner = text[1:-1]
        if text[0] in inner or "\\" in inner or (flow and "," in inner):
            return UNSUPPORTED
        return inner
    return _plain(text, flow)


def _flow_list(text: str) -> Any:
    inner = text[1:-1].strip()
    if not inner:
        return []
    items = []
    for part in inner.split(","):
        value = _scalar(part.strip(), flow=True)
        if value is UNSUPPORTED:
            return UNSUPPORTED
        items.append(value)
    return items


def load(header: str) -> Any:
    """The mapping PyYAML would load from ``header``, or :data:`UNSUPPORTED`."""
    if _NOT_PLAIN_TEXT.search(header) is not None:
        return UNSUPPORTED  # PyYAML refuses these characters; let it say so
    data: dict[str, Any] = {}
    list_key: str | None = None  # the key whose block list we are reading
    indent = -1  # the indentation of that list's items
    for line in header.split("\n"):
        if not line.strip() or line.startswith("#"):
            continue
        if list_key is not None:
            item = _ITEM_LINE.fullmatch(line)
            if item is not None:
                if indent < 0:
                    indent = len(item.group(1))
                elif len(item.group(1)) != indent:
                    return UNSUPPORTED
                value = _scalar(item.group(2))
                if value is UNSUPPORTED:
                    return UNSUPPORTED
                if data[list_key] is None:
                    data[list_key] = []
                data[list_key].append(value)
                continue
            list_key, indent = None, -1
        match = _KEY_LINE.fullmatch(line)
        if match is None:
            return UNSUPPORTED
        key, text = match.group(1), match.group(2) or ""
        if _tag(key) != _STR:
            return UNSUPPORTED  # a key such as "true" or "2024" is not a string to PyYAML
        if key in data:
            return UNSUPPORTED  # leave duplicates to PyYAML's own rules
        if not text:
            data[key] = None
            list_key = key
        elif text.startswith("[") and text.endswith("]"):
            data[key] = _flow_list(text)
        else:
            data[key] = _scalar(text)
        if data[key] is UNSUPPORTED:
            return UNSUPPORTED
    return data or UNSUPPORTED
