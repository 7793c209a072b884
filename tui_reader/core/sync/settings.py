"""The ``[sync]`` table of the config file, and the password it names.

Example::

    [sync]
    service = "ttrss"
    url = "https://rss.example.org/tt-rss/"
    user = "alice"
    password_command = "pass show tt-rss"   # or: password = "..."

The password lives only in this object (never in its ``repr``), in the login request and
nowhere else: not in the library, not in a message, not in a log. A config file that
holds a password and that other users can read gets a warning.
"""

from __future__ import annotations

import os
import shlex
import stat
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tui_reader.core.sanitize import clean_line

SERVICES = ("ttrss",)
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
PASSWORD_COMMAND_TIMEOUT = 60.0  # seconds: a pinentry prompt may take a while


@dataclass(frozen=True)
class SyncConfig:
    """One sync account. ``password`` is never shown in a repr or a message."""

    service: str
    url: str
    user: str
    password: str | None = field(default=None, repr=False)
    password_command: tuple[str, ...] = ()
    allow_http: bool = False


class PasswordError(Exception):
    """The password could not be had; the message is one line without it."""


def parse_sync(data: object, path: Path) -> tuple[SyncConfig | None, list[str]]:
    """The table, or None and why it cannot be used (each problem one line)."""
    where = f"{clean_line(str(path))}: [sync]"
    if not isinstance(data, dict):
        return None, [f"{where} must be a table"]
    service = data.get("service", "ttrss")
    if service not in SERVICES:
        known = ", ".join(SERVICES)
        return None, [f"{where}: unknown service {clean_line(service, 40)!r} (known: {known})"]
    url, user = data.get("url"), data.get("user")
    if not isinstance(url, str) or not url.strip():
        return None, [f"{where}: url is missing"]
    if not isinstance(user, str) or not user:
        return None, [f"{where}: user is missing"]
    allow_http = data.get("allow_http", False) is True
    if problem := url_problem(url.strip(), allow_http):
        return None, [f"{where}: {problem}"]
    password, command = data.get("password"), data.get("password_command")
    if (password is None) == (command is None):
        return None, [f"{where}: give either password or password_command"]
    if password is not None and not isinstance(password, str):
        return None, [f"{where}: password must be a string"]
    argv: tuple[str, ...] = ()
    if command is not None:
        try:
            argv = tuple(shlex.split(command) if isinstance(command, str) else command)
        except ValueError as exc:
            return None, [f"{where}: password_command: {clean_line(str(exc), 100)}"]
        if not argv or not all(isinstance(part, str) and part for part in argv):
            return None, [f"{where}: password_command must be a command line or a list"]
    config = SyncConfig(service, url.strip(), user, password, argv, allow_http)
    problems = []
    if password is not None and readable_by_others(path):
        problems.append(
            f"{clean_line(str(path))} holds the sync password and other users can read it;"
            f" chmod 600 it, or use password_command"
        )
    return config, problems


def url_problem(url: str, allow_http: bool) -> str:
    """Why the server URL is refused, or "": https, or http only on this machine."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return "url is not a valid URL"
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not host:
        return "url must be an http or https URL"
    if scheme == "http" and host not in LOOPBACK and not allow_http:
        return (
            "url must be https (the password and your reading would cross the network in"
            " clear); set allow_http = true to accept that"
        )
    return ""


def readable_by_others(path: Path) -> bool:
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return bool(mode & (stat.S_IRGRP | stat.S_IROTH))


def resolve_password(config: SyncConfig) -> str:
    """The password: as given, or the first line ``password_command`` prints.

    The command runs without a shell, with no input, for at most a minute. Its output is
    never repeated in a message, and neither is its error output (it may echo a secret).
    """
    if config.password is not None:
        return config.password
    import subprocess  # only a password_command needs it: not at start

    name = clean_line(config.password_command[0], 100)
    try:
        done = subprocess.run(
            list(config.password_command),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=PASSWORD_COMMAND_TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise PasswordError(f"password_command: {name}: command not found") from None
    except subprocess.TimeoutExpired:
        raise PasswordError(f"password_command: {name} did not finish in 60 s") from None
    except OSError as exc:
        raise PasswordError(f"password_command: {name}: {exc.strerror or 'cannot run'}") from None
    if done.returncode != 0:
        raise PasswordError(f"password_command: {name} failed (exit status {done.returncode})")
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    if not lines or not lines[0]:
        raise PasswordError(f"password_command: {name} printed no password")
    return lines[0]
