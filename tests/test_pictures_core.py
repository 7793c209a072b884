"""Pictures without the terminal: protocol choice, where images come from, the disk
cache and its limit, decoding and scaling, and every hostile image refused with a reason."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from tests import picture_files as files
from tui_reader.core.images.cache import ImageCache
from tui_reader.core.images.decode import MAX_PIXELS, BadImage, cell_size, decode
from tui_reader.core.images.load import ImageLoader
from tui_reader.core.images.protocol import Answers, choose, needs_asking, parse_answers
from tui_reader.core.images.sources import ImageRef, Unresolved, cover_of, resolve
from tui_reader.core.limits import Limits

# -- protocol ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "env", "answers", "expected"),
    [
        ("auto", {"TERM": "xterm-kitty"}, None, "kitty"),
        # WezTerm and Konsole speak kitty's protocol but not its placeholders: sixel.
        ("auto", {"TERM": "xterm-256color", "TERM_PROGRAM": "WezTerm"}, None, "sixel"),
        ("auto", {"TERM": "xterm-256color", "KONSOLE_VERSION": "230804"}, None, "sixel"),
        ("auto", {"TERM": "xterm-256color", "TERM_PROGRAM": "ghostty"}, None, "kitty"),
        ("auto", {"TERM": "foot"}, None, "sixel"),
        ("auto", {"TERM": "xterm-256color", "TERM_PROGRAM": "vscode"}, None, "sixel"),
        ("auto", {"TERM": "xterm-256color"}, Answers(kitty=True, sixel=True), "kitty"),
        ("auto", {"TERM": "xterm-256color"}, Answers(kitty=False, sixel=True), "sixel"),
        ("auto", {"TERM": "xterm-256color"}, Answers(kitty=False, sixel=False), "halfblock"),
        ("auto", {"TERM": "xterm-256color"}, None, "halfblock"),
        # Inside tmux the outer terminal's word is not trusted...
        ("auto", {"TERM": "xterm-kitty", "TMUX": "/tmp/tmux-0/default,1,0"}, None, "halfblock"),
        ("auto", {"TERM": "screen", "TMUX": "/tmp/t,1,0"}, Answers(True, True), "halfblock"),
        # ...unless the user names a protocol.
        ("sixel", {"TERM": "screen", "TMUX": "/tmp/t,1,0"}, None, "sixel"),
        ("kitty", {"TERM": "dumb"}, None, "kitty"),
        ("halfblock", {"TERM": "xterm-kitty"}, None, "halfblock"),
        ("off", {"TERM": "xterm-kitty"}, Answers(True, True), "off"),
    ],
)
def test_protocol_is_kitty_then_sixel_then_halfblocks(
    setting: str, env: dict[str, str], answers: Answers | None, expected: str
) -> None:
    assert choose(setting, env, answers) == expected


def test_the_terminal_is_asked_only_when_the_environment_does_not_say() -> None:
    assert needs_asking("auto", {"TERM": "xterm-256color"})
    assert not needs_asking("auto", {"TERM": "xterm-kitty"})
    assert not needs_asking("auto", {"TERM": "xterm-256color", "TMUX": "x"})
    assert not needs_asking("halfblock", {"TERM": "xterm-256color"})


def test_terminal_answers_are_read_from_the_kitty_and_attribute_replies() -> None:
    kitty = b"\x1b_Gi=31;OK\x1b\\\x1b[?62;22c"
    sixel = b"\x1b[?62;4;22c"
    assert parse_answers(kitty) == Answers(kitty=True, sixel=False)
    assert parse_answers(sixel) == Answers(kitty=False, sixel=True)
    assert parse_answers(b"\x1b_Gi=31;ENOTSUPPORTED\x1b\\\x1b[?1;2c") == Answers(False, False)
    assert parse_answers(b"\x1b_Gi=31;OK\x1b\\") is None  # still waiting for the end


# -- sources ----------------------------------------------------------------------------


def test_bundle_images_resolve_beside_the_post(tmp_path: Path) -> None:
    post = tmp_path / "content" / "posts" / "trip" / "index.md"
    assert resolve("pics/map.png", str(post)) == ImageRef("file", str(post.parent / "pics/map.png"))
    assert resolve("a%20b.png", str(post)).location.endswith("a b.png")


def test_site_paths_resolve_in_the_hugo_static_folder(tmp_path: Path) -> None:
    site = tmp_path / "blog"
    (site / "static" / "images").mkdir(parents=True)
    post = site / "content" / "posts" / "trip" / "index.md"
    post.parent.mkdir(parents=True)
    ref = resolve("/images/map.png", str(post))
    assert ref == ImageRef("file", str(site / "static" / "images" / "map.png"))
    with pytest.raises(Unresolved, match="static"):
        resolve("/images/map.png", str(tmp_path / "elsewhere" / "post.md"))
    with pytest.raises(Unresolved):
        resolve("/../../etc/passwd", str(post))


def test_remote_and_feed_relative_images_are_urls_and_other_schemes_are_refused() -> None:
    assert resolve("https://x.example/a.png", "/p/post.md") == ImageRef(
        "url", "https://x.example/a.png"
    )
    assert resolve("img/a.png", "https://blog.example/2024/post/").location == (
        "https://blog.example/2024/post/img/a.png"
    )
    for bad in ("javascript:alert(1)", "file:///etc/passwd", "data:image/png;base64,AA"):
        with pytest.raises(Unresolved):
            resolve(bad, "/p/post.md")
    with pytest.raises(Unresolved, match="SVG"):
        resolve("diagram.svg", "/p/post.md")


def test_cover_comes_from_cover_image_images_or_featured_image() -> None:
    assert cover_of({"cover": {"image": "bowl.jpg"}}) == "bowl.jpg"
    assert cover_of({"images": ["first.png", "second.png"]}) == "first.png"
    assert cover_of({"featured_image": "/img/f.jpg"}) == "/img/f.jpg"
    assert cover_of({"title": "no cover"}) == ""
    assert cover_of(None) == ""


# -- the disk cache -----------------------------------------------------------------------


def test_disk_cache_keeps_within_its_limit_dropping_the_least_recently_used(
    tmp_path: Path,
) -> None:
    cache = ImageCache(tmp_path / "cache", limit=100)
    cache.put("https://a/1", b"1" * 40)
    cache.put("https://a/2", b"2" * 40)
    old = os.stat(cache._path("https://a/1")).st_mtime - 100
    os.utime(cache._path("https://a/1"), (old, old))
    os.utime(cache._path("https://a/2"), (old + 50, old + 50))
    assert cache.get("https://a/1") == b"1" * 40  # a hit makes it the newest
    cache.put("https://a/3", b"3" * 40)
    assert cache.size() <= 100
    assert cache.get("https://a/2") is None
    assert cache.get("https://a/1") == b"1" * 40
    assert cache.get("https://a/3") == b"3" * 40
    cache.put("https://a/huge", b"h" * 101)  # larger than the whole cache: not kept
    assert cache.get("https://a/huge") is None


# -- decoding ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP"])
def test_every_format_decodes_to_its_colours(fmt: str) -> None:
    picture = decode(files.two_colour(fmt), 20, 10)
    assert (picture.width, picture.height) == (20, 10)
    top, bottom = picture.rgb[:3], picture.rgb[-3:]
    assert top[0] > 150 and top[2] < 100, top  # red (a GIF shows its first frame)
    assert bottom[2] > 150 and bottom[0] < 100, bottom


def test_scaling_keeps_the_shape_within_width_and_height() -> None:
    assert cell_size(400, 200, 80, 40) == (80, 40)  # 80 columns, 40 pixel rows
    assert cell_size(100, 1000, 80, 10) == (2, 20)  # tall: held to 10 lines
    assert cell_size(10, 10, 80, 40) == (10, 10)  # small: never enlarged


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (files.bomb(), "too many pixels"),
        (files.png_claiming(100_000, 100_000), "too many pixels"),
        (files.png_claiming(3_000, 3_000), "cut short|broken"),
        (files.truncated(), "cut short|broken"),
        (files.HTML, "HTML"),
        (files.SVG, "SVG"),
        (b"GIF89a" + b"\x00" * 5, "cut short|broken|not an image"),
        (b"", "empty"),
    ],
    ids=["bomb", "header-too-big", "header-lies", "truncated", "html", "svg", "junk", "empty"],
)
def test_hostile_images_are_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(BadImage, match=reason):
        decode(data, 80, 20)


def test_pixel_cap_is_also_pillows_own() -> None:
    from PIL import Image

    assert Image.MAX_IMAGE_PIXELS == MAX_PIXELS


# -- fetching ---------------------------------------------------------------------------


class _Stream(httpx.AsyncByteStream):
    """A raw body, as a server's socket gives it (the fetcher reads raw bytes)."""

    def __init__(self, content: bytes) -> None:
        self.content = content

    async def __aiter__(self):  # type: ignore[override]
        yield self.content


def _response(status: int, content: bytes = b"", **headers: str) -> httpx.Response:
    return httpx.Response(status, headers=headers, stream=_Stream(content))


def _loader(handler, tmp_path: Path, **limits: float) -> ImageLoader:
    return ImageLoader(
        ImageCache(tmp_path / "c", limit=1_000_000),
        Limits(**limits) if limits else Limits(max_bytes=1_000_000),
        transport=httpx.MockTransport(handler),
    )


def test_remote_images_are_fetched_once_then_read_from_the_cache(tmp_path: Path) -> None:
    calls: list[str] = []
    body = files.two_colour()

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return _response(200, body, **{"content-type": "image/png"})

    loader = _loader(handler, tmp_path)
    ref = ImageRef("url", "https://pics.example/a.png")
    assert loader.read(ref) == body
    assert loader.read(ref) == body
    assert calls == ["https://pics.example/a.png"]


def test_remote_failures_say_why(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/gone.png":
            return _response(404)
        if request.url.path == "/big.png":
            return _response(200, b"x" * 2000)
        return _response(302, location="file:///etc/passwd")

    loader = _loader(handler, tmp_path, max_bytes=1000)
    for path, reason in [("/gone.png", "404"), ("/big.png", "larger than"), ("/r", "redirect")]:
        with pytest.raises(BadImage, match=reason):
            loader.read(ImageRef("url", f"https://pics.example{path}"))


# -- settings ---------------------------------------------------------------------------


def test_config_sets_the_protocol_and_the_cache_size_and_names_bad_values(tmp_path: Path) -> None:
    from tui_reader.core.config import load_config

    path = tmp_path / "config.toml"
    path.write_text('images = "sixel"\nimage_cache_mb = 20\n', "utf-8")
    config = load_config(path)
    assert (config.images, config.image_cache_mb, config.errors) == ("sixel", 20, [])
    path.write_text('images = "pictures"\nimage_cache_mb = -1\n', "utf-8")
    config = load_config(path)
    assert (config.images, config.image_cache_mb) == ("auto", 100)
    assert len(config.errors) == 2 and "images must be one of" in config.errors[0]


def test_no_images_on_the_command_line() -> None:
    from tui_reader.cli import build_parser

    assert build_parser(None).parse_args(["--no-images", "notes"]).no_images
    assert not build_parser(None).parse_args(["notes"]).no_images
