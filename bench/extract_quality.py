"""How much of a page's article the extraction keeps, and how little else: word F1.

Each ``tests/pages/NAME.html`` (pages written for the tests, imitating real ones) has
``NAME.txt`` next to it: the text a reader should get, by hand. Both sides are cut into
lowercase words (letters and digits); precision is the share of extracted words that are
in the expected text, recall the share of expected words extracted (counted as
multisets), F1 their harmonic mean. A page whose expected text is empty (navigation
only) counts as right when no article comes out. Printed for tui-reader's extraction,
for trafilatura's own Markdown, and for all the page's text (what a reader without
extraction would show)::

    python bench/extract_quality.py
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tui_reader.core.fulltext.extract import ExtractError, extract  # noqa: E402
from tui_reader.core.markdown.text import plain_text  # noqa: E402

PAGES = ROOT / "tests" / "pages"
_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> Counter[str]:
    return Counter(w.casefold() for w in _WORD.findall(text))


def scores(got: Counter[str], expected: Counter[str]) -> tuple[float, float, float]:
    if not expected:
        right = 1.0 if not got else 0.0
        return right, right, right
    common = sum((got & expected).values())
    precision = common / sum(got.values()) if got else 0.0
    recall = common / sum(expected.values())
    f1 = 2 * precision * recall / (precision + recall) if common else 0.0
    return precision, recall, f1


def ours(html: bytes) -> str:
    try:
        return plain_text(extract(html, "https://site.example/page", "text/html").markdown)
    except ExtractError:
        return ""


def trafilatura_markdown(html: bytes) -> str:
    import trafilatura

    return plain_text(trafilatura.extract(html.decode(), output_format="markdown") or "")


def whole_page(html: bytes) -> str:
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(html)
    for element in tree.xpath("//script|//style|//title"):
        element.drop_tree()
    return tree.text_content()


def main() -> None:
    methods = {"tui-reader": ours, "trafilatura markdown": trafilatura_markdown,
               "whole page text": whole_page}  # fmt: skip
    totals = {name: [0.0, 0.0, 0.0] for name in methods}
    names = sorted(p.stem for p in PAGES.glob("*.html") if p.with_suffix(".txt").exists())
    print(f"{'page':<16}" + "".join(f"{name:>24}" for name in methods))
    print(f"{'':<16}" + "".join(f"{'P     R     F1':>24}" for _ in methods))
    for name in names:
        html = (PAGES / f"{name}.html").read_bytes()
        expected = words((PAGES / f"{name}.txt").read_text("utf-8"))
        row = f"{name:<16}"
        for method, run in methods.items():
            p, r, f = scores(words(run(html)), expected)
            for i, value in enumerate((p, r, f)):
                totals[method][i] += value
            row += f"{p:>12.2f}{r:>6.2f}{f:>6.2f}"
        print(row)
    count = len(names)
    print(f"{'mean':<16}" + "".join(
        f"{t[0] / count:>12.2f}{t[1] / count:>6.2f}{t[2] / count:>6.2f}" for t in totals.values()
    ))  # fmt: skip


if __name__ == "__main__":
    main()
