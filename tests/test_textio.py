"""Reading local files: regular files only, capped, never blocking, decoded, sanitised."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from tests.fifo_race import stat_lying_about
from tui_reader.core.local import textio
from tui_reader.core.local.textio import NotReadable, read_text_file


def read_within(path: Path, seconds: float = 5.0) -> BaseException | tuple[str, tuple[str, ...]]:
    """Call read_text_file in a daemon thread, so a blocking open fails the test, not the run."""
    outcome: list[BaseException | tuple[str, tuple[str, ...]]] = []

    def run() -> None:
        try:
            outcome.append(read_text_file(path))
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "read_text_file blocked"
    return outcome[0]


def test_utf8_file_is_read_with_bom_removed(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes("\ufeff# Café ☕\n".encode())
    assert read_text_file(path) == ("# Café ☕\n", ())


def test_binary_file_is_not_text(tmp_path: Path) -> None:
    path = tmp_path / "image.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(NotReadable, match="^not a text file$"):
        read_text_file(path)


def test_latin1_file_is_decoded_as_cp1252_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "old.md"
    path.write_bytes("title: café – “quoted”\n".encode("cp1252"))
    text, notes = read_text_file(path)
    assert text == "title: café – “quoted”\n"
    assert notes == ("encoding guessed as cp1252",)


def test_utf16_file_with_bom_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "wide.md"
    path.write_bytes("# Wide\n".encode("utf-16"))
    assert read_text_file(path) == ("# Wide\n", ("encoding: UTF-16",))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    outcome = read_within(fifo)
    assert isinstance(outcome, NotReadable)
    assert str(outcome) == "not a regular file"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_swapped_in_after_the_check_is_still_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Simulate the race: stat() said "regular file", then a FIFO is what gets opened.
    fifo = tmp_path / "race.md"
    os.mkfifo(fifo)

    monkeypatch.setattr(textio.os, "stat", stat_lying_about(fifo))
    outcome = read_within(fifo)
    assert isinstance(outcome, NotReadable)
    assert str(outcome) == "not a regular file"


def test_directory_is_not_readable(tmp_path: Path) -> None:
    folder = tmp_path / "folder.md"
    folder.mkdir()
    with pytest.raises(NotReadable, match="not a regular file"):
        read_text_file(folder)


def test_missing_file_is_not_readable(tmp_path: Path) -> None:
    with pytest.raises(NotReadable, match="^cannot read file: "):
        read_text_file(tmp_path / "gone.md")


def test_unreadable_file_gives_a_clean_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "secret.md"
    path.write_text("x")

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        # chmod 000 does not stop root, so refuse the way the kernel would.
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(textio.os, "open", refuse)
    with pytest.raises(NotReadable, match="^cannot read file: Permission denied$"):
        read_text_file(path)


def test_file_over_5_mb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.md"
    with path.open("wb") as handle:
        handle.truncate(5 * 1024 * 1024 + 1)  # sparse: no real 5 MB written
    with pytest.raises(NotReadable, match="^file larger than 5 MB$"):
        read_text_file(path)


def test_file_at_the_cap_is_read(tmp_path: Path) -> None:
    path = tmp_path / "edge.md"
    path.write_bytes(b"a" * 1024)
    assert read_text_file(path, max_bytes=1024)[0] == "a" * 1024
    with pytest.raises(NotReadable, match="^file larger than 1023 bytes$"):
        read_text_file(path, max_bytes=1023)


@pytest.mark.parametrize("newline", [b"\r\n", b"\r"])
def test_crlf_and_cr_only_become_lf(tmp_path: Path, newline: bytes) -> None:
    path = tmp_path / "lines.md"
    path.write_bytes(newline.join([b"---", b"title: x", b"---", b"one", b"two", b""]))
    assert read_text_file(path)[0] == "---\ntitle: x\n---\none\ntwo\n"


def test_escape_sequences_are_removed(tmp_path: Path) -> None:
    path = tmp_path / "evil.md"
    path.write_bytes(b"# Hi\x1b]0;owned\x07 there\x1b[2J\n\tkept\n")
    assert read_text_file(path)[0] == "# Hi there\n\tkept\n"
