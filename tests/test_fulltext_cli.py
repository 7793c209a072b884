"""``tui-reader read``, ``import`` of a site's address and ``list`` of a page never
fetched, run as the real command against a server on 127.0.0.1."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from feed_samples import has_control, rss_with_items
from pytest_httpserver import HTTPServer
from test_cli import run
from test_fulltext_extract import hostile_page

PAGES = Path(__file__).parent / "pages"
HTML = "text/html; charset=utf-8"


def serve_page(server: HTTPServer, path: str, name: str) -> str:
    server.expect_request(path).respond_with_data((PAGES / name).read_bytes(), content_type=HTML)
    return server.url_for(path)


def test_read_prints_the_article_as_markdown(httpserver: HTTPServer, tmp_path: Path) -> None:
    url = serve_page(httpserver, "/news/repair-cafe", "news-article.html")
    result = run(tmp_path, "read", url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# River town opens its first repair café\n")
    assert "> Every kettle we save is one less in the river skip." in result.stdout
    assert "Accept all cookies" not in result.stdout and "Sign up" not in result.stdout
    assert result.stderr == ""


def test_read_json_gives_title_author_date_words_minutes_markdown(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    url = serve_page(httpserver, "/post", "blog-post.html")
    result = run(tmp_path, "read", url, "--json")
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    record = json.loads(line)
    assert list(record) == ["title", "author", "date", "words", "minutes", "markdown"]
    assert record["title"] == "Why I Keep a Paper Notebook Beside the Terminal"
    assert (record["author"], record["date"]) == ("Marta Quill", "2025-02-11")
    assert record["words"] > 150 and record["minutes"] == 1
    assert "## A habit that stuck" in record["markdown"]


def test_read_of_a_local_html_file_and_a_markdown_file(tmp_path: Path) -> None:
    result = run(tmp_path, "read", str(PAGES / "docs-page.html"))
    assert result.returncode == 0, result.stderr
    assert "policy = RetryPolicy(attempts=5, first_wait=0.5, factor=2.0)" in result.stdout
    assert "Edit on GitHub" not in result.stdout
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: Kept\nauthor: Me\n---\n# Kept\n\nAs *it* is.\n", "utf-8")
    result = run(tmp_path, "read", str(post), "--json")
    record = json.loads(result.stdout)
    assert (record["title"], record["author"], record["markdown"]) == (
        "Kept",
        "Me",
        "# Kept\n\nAs *it* is.\n",
    )


def test_read_output_has_no_escape_sequences(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/bad").respond_with_data(hostile_page(), content_type=HTML)
    result = run(tmp_path, "read", httpserver.url_for("/bad"), "--json")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert not has_control(record["markdown"], allow="\n")
    assert not has_control(result.stdout, allow="\n")


def test_read_errors_are_one_line_naming_the_address_with_exit_1(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/missing").respond_with_data("gone", status=404)
    httpserver.expect_request("/doc.pdf").respond_with_data(
        b"%PDF-1.7 ...", content_type="application/pdf"
    )
    serve_page(httpserver, "/sitemap", "nav-only.html")
    cases = {
        httpserver.url_for("/missing"): "HTTP 404 Not Found",
        httpserver.url_for("/doc.pdf"): "not a web page: a PDF document",
        httpserver.url_for("/sitemap"): "no article text found on the page",
        "ftp://example.org/x": "only http and https addresses, or a file, can be read",
        str(tmp_path / "nowhere.html"): "cannot open the file: No such file or directory",
    }
    for target, message in cases.items():
        result = run(tmp_path, "read", target)
        assert result.returncode == 1, target
        assert result.stdout == ""
        assert result.stderr.splitlines() == [f"tui-reader: {target}: {message}"]


def feed_links(server: HTTPServer, count: int) -> str:
    names = ["Posts", "Comments", "Links"][:count]
    links = "".join(
        f'<link rel="alternate" type="application/rss+xml" title="{name}" href="/{name}.xml">'
        for name in names
    )
    for name in names:
        item = f"<title>{name} one</title><guid>{name}-1</guid><description>Text.</description>"
        server.expect_request(f"/{name}.xml").respond_with_data(
            rss_with_items(item, title=name), content_type="application/rss+xml"
        )
    page = f"<html><head>{links}</head><body><p>Home</p></body></html>"
    server.expect_request("/").respond_with_data(page, content_type=HTML)
    return server.url_for("/")


def test_import_of_a_site_address_adds_its_one_feed(httpserver: HTTPServer, tmp_path: Path) -> None:
    site = feed_links(httpserver, 1)
    result = run(tmp_path, "import", site)
    assert result.returncode == 0, result.stderr
    config = tomllib.loads((tmp_path / "config" / "config.toml").read_text("utf-8"))
    assert config["feeds"] == [{"url": httpserver.url_for("/Posts.xml"), "title": "Posts"}]


def test_import_with_several_feeds_lists_them_and_pick_chooses(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    site = feed_links(httpserver, 3)
    result = run(tmp_path, "import", site)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"tui-reader: {site} names 3 feeds; choose one with --pick N:",
        f"  1. Posts (RSS) {httpserver.url_for('/Posts.xml')}",
        f"  2. Comments (RSS) {httpserver.url_for('/Comments.xml')}",
        f"  3. Links (RSS) {httpserver.url_for('/Links.xml')}",
    ]
    assert not (tmp_path / "config" / "config.toml").exists()
    result = run(tmp_path, "import", site, "--pick", "2")
    assert result.returncode == 0, result.stderr
    config = tomllib.loads((tmp_path / "config" / "config.toml").read_text("utf-8"))
    assert [feed["url"] for feed in config["feeds"]] == [httpserver.url_for("/Comments.xml")]


def test_list_of_a_site_never_fetched_finds_fetches_and_lists_its_feed(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    site = feed_links(httpserver, 1)
    result = run(tmp_path, "list", site, "--json")
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["title"] for line in result.stdout.splitlines()] == ["Posts one"]
    feed = httpserver.url_for("/Posts.xml")
    assert result.stderr.splitlines() == [
        f"tui-reader: {site}: listing the feed found there, {feed}"
    ]
    # Cached now: listing the feed again asks the server nothing.
    before = len(httpserver.log)
    again = run(tmp_path, "list", feed)
    assert again.returncode == 0 and "Posts one" in again.stdout
    assert len(httpserver.log) == before


def test_read_of_a_cached_entry_link_prints_its_kept_article_offline(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    served: list[str] = []

    def page_once(request):
        from werkzeug import Response

        served.append(request.path)
        if len(served) > 1:
            return Response("down", status=503)
        return Response((PAGES / "recipe.html").read_bytes(), content_type=HTML)

    httpserver.expect_request("/biscuits").respond_with_handler(page_once)
    item = (
        f"<title>Biscuits</title><link>{httpserver.url_for('/biscuits')}</link>"
        "<guid>b</guid><description>An oat biscuit…</description>"
    )
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss_with_items(item), content_type="application/rss+xml"
    )
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.toml").write_text(
        f'[[feeds]]\nurl = "{httpserver.url_for("/feed.xml")}"\n', "utf-8"
    )
    refreshed = run(tmp_path, "refresh")
    assert refreshed.returncode == 0, refreshed.stderr
    assert "1 new, 1 cached, 1 full article" in refreshed.stdout
    result = run(tmp_path, "read", httpserver.url_for("/biscuits"), "--json")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["title"] == "Biscuits"  # the entry's own title
    assert "1. Melt the butter in a small pan" in record["markdown"]
    assert served == ["/biscuits"]  # read asked the server nothing
