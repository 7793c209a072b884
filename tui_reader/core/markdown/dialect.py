"""What Hugo's Markdown (Goldmark with its default extensions) adds to CommonMark, read
the way Hugo reads it: shortcodes, footnotes, heading attributes and GitHub alerts; and
what Jekyll's Liquid tags and note vaults' ``[[wiki links]]`` add.

Both the counting pass (text.py) and the reading pane's document (document.py) use these,
so a construct is taken apart in one place. Each function is a no-op, at the cost of one
substring test, on a body that does not use the construct.
"""

from __future__ import annotations

import re
from urllib.parse import quote

# An escaped shortcode ("{{</* name */>}}") is printed by Hugo without its comment marks;
# the others are run by Hugo, and the reader keeps only what a reader would see of them.
_SHORTCODE = re.compile(
    r"\{\{(?:([<%])/\*(.*?)\*/([>%])|[<%]\s*(/?)\s*([\w./-]*)(.*?)\s*[%>])\}\}", re.S
)
_SHORTCODE_ATTR = re.compile(r"\b(caption|alt|title)\s*=\s*\"([^\"]*)\"")
_FOOTNOTE_DEF = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:", re.M)
FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\](?!:)")
_FOOTNOTE_LINE = re.compile(r"\n {0,3}\[\^([^\]\s]+)\]:[ \t]*")
# Goldmark's heading attributes: "{#id .class key=value}" at the end of the heading.
_HEADING_ATTRS = re.compile(r"[ \t]*\{[ \t]*([#.][^{}\n]*|[A-Za-z][\w-]*=[^{}\n]*)\}[ \t]*$")
_ATTR_ID = re.compile(r"(?:^|[ \t])#([^\s#.{}]+)")
ALERT = re.compile(r"\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*(?:\n|$)", re.I)


# Liquid tags ("{% name args %}"), but not Hugo's "{{% x %}}" delimiters around them.
_LIQUID = re.compile(r"(?<!\{)\{%-?[ \t]*(\w+)([^%\n]*?)-?%\}(?!\})")
_LIQUID_COMMENT = re.compile(r"\{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\}", re.S)
_WIKI_LINK = re.compile(r"(!?)\[\[([^\[\]|#\n]*)(?:#([^\[\]|\n]*))?(?:\|([^\[\]\n]*))?\]\]")
_CODE_SPAN = re.compile(r"(`+[^`\n]*`+)")
_SLUG_DROP = re.compile(r"[^\w\- ]", re.UNICODE)


# Cheap tests for a 5 MB body: a regex with a literal first character scans several times
# faster here than `"[[" in text` and `"[^" in text` one after the other.
_MAY_TEMPLATE = re.compile(r"\{[{%]")
_MAY_LINK = re.compile(r"\[[\[^]")


def prepare(markdown: str) -> tuple[str, dict[str, int]]:
    """A body as both the counting pass and the reading pane read it: shortcodes and Liquid
    tags resolved, wiki links made Markdown links; with its footnotes' numbers."""
    markdown = strip_shortcodes(markdown)
    if _MAY_LINK.search(markdown) is None:
        return markdown, {}
    markdown = wiki_links(markdown)
    return markdown, footnote_numbers(markdown)


def liquid_tags(markdown: str) -> str:
    """Jekyll's Liquid tags read as what they stand for: ``{% highlight go %}`` ...
    ``{% endhighlight %}`` is a code fence, ``{% raw %}`` keeps what it holds as text, a
    comment goes, and every other tag (include, if, for, assign, post_url) leaves nothing."""
    if "{%" not in markdown:
        return markdown
    markdown = _LIQUID_COMMENT.sub("", markdown)

    def replace(match: re.Match[str]) -> str:
        name, args = match.group(1).lower(), match.group(2).strip()
        line_start = match.start() == 0 or match.string[match.start() - 1] == "\n"
        if name == "highlight" and line_start:
            return "```" + (args.split()[0] if args else "")
        if name == "endhighlight" and line_start:
            return "```"
        return ""

    return _LIQUID.sub(replace, markdown)


def wiki_links(markdown: str) -> str:
    """``[[Note]]``, ``[[Note|alias]]`` and ``[[Note#Heading]]`` as Markdown links to
    ``Note.md`` (and its heading's anchor); ``![[embed]]`` shows its name. Code fences and
    code spans keep theirs (a TOML ``[[feeds]]`` is no link)."""
    if "[[" not in markdown:
        return markdown
    from tui_reader.core.markdown.lines import closes_fence, fence_opening

    lines = markdown.split("\n")
    fence = ""
    for number, line in enumerate(lines):
        if fence:
            fence = "" if closes_fence(line, fence) else fence
        elif fence := fence_opening(line):
            continue
        elif "[[" in line:
            lines[number] = _wiki_prose(line)
    return "\n".join(lines)


def _wiki_prose(text: str) -> str:
    if "[[" not in text:
        return text
    pieces = _CODE_SPAN.split(text)  # odd pieces are code spans, kept as they are
    for index in range(0, len(pieces), 2):
        pieces[index] = _WIKI_LINK.sub(_wiki_link, pieces[index])
    return "".join(pieces)


def _wiki_link(match: re.Match[str]) -> str:
    embed, note, heading, alias = match.groups()
    note = note.strip()
    heading = (heading or "").strip()
    named = f"{note} › {heading}" if note and heading else note or heading
    label = (alias or "").strip() or named
    if embed or not named:
        return label
    target = quote(note + ("" if note.lower().endswith(".md") else ".md")) if note else ""
    return f"[{label.replace(']', '')}]({target}{'#' + slug(heading) if heading else ''})"


def slug(text: str) -> str:
    """A GitHub-style anchor: lower case, punctuation dropped, spaces to hyphens."""
    return _SLUG_DROP.sub("", text.strip().lower()).replace(" ", "-")


def strip_shortcodes(markdown: str) -> str:
    """Replace Hugo shortcodes so no raw braces reach the reading pane.

    Escaped ones (``{{</* x */>}}``) read as Hugo prints them, ``{{< x >}}``, in code and
    prose alike; paired shortcodes keep their inner text; ``figure``-like ones show their
    caption.
    """
    if _MAY_TEMPLATE.search(markdown) is None:
        return markdown
    markdown = liquid_tags(markdown)
    if "{{" not in markdown:
        return markdown

    def replace(match: re.Match[str]) -> str:
        opening, inner, closing_mark, closing, _name, args = match.groups()
        if opening is not None:
            return "{{" + opening + inner + closing_mark + "}}"
        if closing:
            return ""
        attrs = dict(_SHORTCODE_ATTR.findall(args))
        label = attrs.get("caption") or attrs.get("alt") or attrs.get("title")
        return f"*[{label}]*" if label else ""

    return _SHORTCODE.sub(replace, markdown)


def footnote_numbers(markdown: str) -> dict[str, int]:
    """Footnote label -> the number Hugo shows: defined labels, in order of first use."""
    if "[^" not in markdown:
        return {}
    defined = set(_FOOTNOTE_DEF.findall(markdown))
    numbers: dict[str, int] = {}
    for label in FOOTNOTE_REF.findall(markdown):
        if label in defined and label not in numbers:
            numbers[label] = len(numbers) + 1
    return numbers


def footnotes_plain(text: str, numbers: dict[str, int], marked: bool = False) -> str:
    """Footnotes as Hugo's plain text has them: a reference is its number, a definition
    line loses its ``[^label]:`` (unused definitions are dropped by Hugo; kept here).
    ``marked``: as the reading pane shows them, "[1]" and a note starting "[1] "."""

    def reference(match: re.Match[str]) -> str:
        number = numbers.get(match.group(1))
        if number is None:
            return match.group()
        return f"[{number}]" if marked else str(number)

    if marked:
        text = _FOOTNOTE_LINE.sub(lambda m: f"\n{reference(m)} ", text)
    else:
        text = _FOOTNOTE_LINE.sub("\n", text)
    return FOOTNOTE_REF.sub(reference, text)


def footnotes_to_end(markdown: str, numbers: dict[str, int]) -> str:
    """The body with each used footnote definition (and its indented lines) moved to the
    end, in number order, as Hugo lists them. Unused definitions go, as in Hugo."""
    if not numbers:
        return markdown
    kept: list[str] = []
    notes: dict[str, list[str]] = {}
    current: list[str] | None = None
    fence = False
    for line in markdown.split("\n"):
        if line.lstrip(" ").startswith(("```", "~~~")):
            fence = not fence
        match = None if fence else _FOOTNOTE_DEF.match(line)
        if match is not None:
            current = notes.setdefault(match.group(1), [])
            current.append(line)
            continue
        if current is not None and (not line.strip() or line.startswith(("    ", "\t"))):
            current.append(line)
            continue
        current = None
        kept.append(line)
    if not notes:
        return markdown
    ordered = [label for label in numbers if label in notes]
    tail = ["\n".join(notes[label]).rstrip("\n") for label in ordered]
    return "\n".join(kept).rstrip("\n") + "\n\n" + "\n\n".join(tail) + "\n"


def heading_attributes(content: str) -> tuple[str, str]:
    """A heading's text without Goldmark's ``{#id .class}``, and the id ('' if none)."""
    if "{" not in content:
        return content, ""
    match = _HEADING_ATTRS.search(content)
    if match is None:
        return content, ""
    anchor = _ATTR_ID.search(match.group(1))
    return content[: match.start()], anchor.group(1) if anchor else ""


def without_footnote_refs(content: str) -> str:
    """Heading text without footnote markers, which Hugo keeps out of its contents."""
    return FOOTNOTE_REF.sub("", content) if "[^" in content else content
