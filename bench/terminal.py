"""A real terminal for end-to-end timings: a detached tmux session, driven in control mode.

The session runs a plain ``sh`` in a fixed-size window on a private tmux socket, with a
clean environment (``env -i``) that points ``TUI_READER_DATA_DIR`` and
``TUI_READER_CONFIG_DIR`` at the benchmark's own folders. Commands are typed at its prompt,
so a program is launched exactly as a user launches it, and its output goes to the pane.

One control-mode client (``tmux -C``) stays attached for the whole session; keys are sent
and the screen is read (``capture-pane -p``) through its pipe, so one poll costs a fraction
of a millisecond instead of the ~10 ms of starting a ``tmux`` process each time. Pane
output notifications are switched off (``refresh-client -f no-output``).
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path

POLL = 0.002  # seconds between two screen reads at first; see Terminal.wait


class TimedOut(Exception):
    def __init__(self, what: str, screen: str) -> None:
        super().__init__(f"timed out waiting for {what}; the screen shows:\n{screen}")
        self.screen = screen


def _quote(arg: str) -> str:
    """One argument for tmux's command parser (single quotes: nothing is expanded)."""
    if "'" in arg:
        return '"' + arg.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$") + '"'
    return "'" + arg + "'"


class Terminal:
    """A ``width`` x ``height`` tmux window running ``sh`` with the given environment."""

    def __init__(self, cwd: Path, env: dict[str, str], width: int = 160, height: int = 48) -> None:
        self.name = f"tui-reader-bench-{uuid.uuid4().hex[:10]}"
        self.cwd = cwd
        self.width = width
        self.height = height
        base = {
            "HOME": str(cwd),
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "TERM": "xterm-256color",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "PS1": "$ ",
        }
        self.env = {**base, **env}
        self.client: subprocess.Popen[bytes] | None = None

    # -- life cycle -----------------------------------------------------------------
    def __enter__(self) -> Terminal:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        exports = [arg for key, value in self.env.items() for arg in ("-e", f"{key}={value}")]
        shell = ["env", "-i", *(f"{k}={v}" for k, v in self.env.items()), "sh"]
        server_env = {k: self.env[k] for k in ("HOME", "PATH", "LANG", "LC_ALL")}
        subprocess.run(
            [
                "tmux",
                "-L",
                self.name,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                self.name,
                "-x",
                str(self.width),
                "-y",
                str(self.height),
                "-c",
                str(self.cwd),
                *exports,
                *shell,
                ";",
                "set-option",
                "-g",
                "window-size",
                "manual",
                ";",
                "set-option",
                "-g",
                "status",
                "off",
            ],
            check=True,
            capture_output=True,
            timeout=10,
            env=server_env,
        )
        self.client = subprocess.Popen(
            ["tmux", "-L", self.name, "-C", "attach-session", "-t", self.name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            bufsize=0,
            env=server_env,
        )
        self._read_block()  # the reply to attach-session itself
        self.command("refresh-client", "-f", "no-output")
        self.command(
            "resize-window", "-t", self.name, "-x", str(self.width), "-y", str(self.height)
        )
        self.wait(lambda s: s.rstrip().endswith("$"), "the shell prompt", timeout=10)

    def close(self) -> None:
        if self.client is not None:
            with contextlib.suppress(OSError):
                self.client.stdin.close()  # type: ignore[union-attr]
            try:
                self.client.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.client.kill()
            self.client = None
        subprocess.run(["tmux", "-L", self.name, "kill-server"], capture_output=True, timeout=10)
        folder = Path(os.environ.get("TMUX_TMPDIR", "/tmp")) / f"tmux-{os.getuid()}"
        (folder / self.name).unlink(missing_ok=True)

    # -- control mode ---------------------------------------------------------------
    def _read_block(self) -> tuple[bool, list[str]]:
        assert self.client is not None and self.client.stdout is not None
        lines: list[str] = []
        inside = False
        while True:
            raw = self.client.stdout.readline()
            if not raw:
                raise RuntimeError("the tmux control client ended")
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if not inside:
                if line.startswith("%begin"):
                    inside = True
                    lines = []
                continue  # notifications between replies
            if line.startswith(("%end", "%error")):
                return line.startswith("%end"), lines
            lines.append(line)

    def command(self, *args: str) -> list[str]:
        assert self.client is not None and self.client.stdin is not None
        self.client.stdin.write((" ".join(_quote(a) for a in args) + "\n").encode())
        ok, lines = self._read_block()
        if not ok:
            raise RuntimeError(f"tmux {args[0]}: {' '.join(lines)}")
        return lines

    def send(self, *keys: str) -> None:
        """Keys by tmux name (``Enter``, ``PageDown``, ``BSpace``) or single characters."""
        self.command("send-keys", "-t", self.name, *keys)

    def type(self, text: str) -> None:
        self.command("send-keys", "-t", self.name, "-l", text)

    def screen(self) -> str:
        return "\n".join(self.command("capture-pane", "-p", "-t", self.name))

    def styled_screen(self) -> str:
        """The screen with its colours and attributes (``capture-pane -e``)."""
        return "\n".join(self.command("capture-pane", "-p", "-e", "-t", self.name))

    def pane_pid(self) -> int:
        return int(self.command("display-message", "-p", "-t", self.name, "#{pane_pid}")[0])

    # -- waiting --------------------------------------------------------------------
    def wait(
        self,
        condition: Callable[[str], object],
        what: str,
        timeout: float = 60.0,
        start: float | None = None,
    ) -> tuple[float, str]:
        """Poll the screen until ``condition(screen)`` holds: (seconds since ``start``, screen).

        Polls every 2 ms for the first half second, then every 1 % of the time waited
        (at most 20 ms), so long waits stay accurate to about 1 % without the poller
        taking a core away from the program being measured.
        """
        start = time.perf_counter() if start is None else start
        screen = ""
        while True:
            now = time.perf_counter()
            screen = self.screen()
            if condition(screen):
                return now - start, screen
            if now - start > timeout:
                raise TimedOut(what, screen)
            time.sleep(max(POLL, min(0.02, (now - start) * 0.01)))

    def wait_stable(self, quiet: float = 0.2, timeout: float = 30.0) -> str:
        """Wait until the screen has not changed for ``quiet`` seconds."""
        deadline = time.perf_counter() + timeout
        last = self.screen()
        since = time.perf_counter()
        while time.perf_counter() < deadline:
            time.sleep(0.01)
            screen = self.screen()
            if screen != last:
                last, since = screen, time.perf_counter()
            elif time.perf_counter() - since >= quiet:
                return screen
        raise TimedOut("a still screen", last)

    def poll_cost(self, samples: int = 200) -> float:
        """Median seconds of one screen read: the resolution of every timing here."""
        times = []
        for _ in range(samples):
            start = time.perf_counter()
            self.screen()
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    # -- programs -------------------------------------------------------------------
    def clear(self) -> None:
        # A fresh window shows just the prompt already: "clear" there would be seen done
        # before it ran, and would wipe the echo of the command typed next.
        if self.screen().strip() == "$":
            return
        self.type("clear")
        self.send("Enter")
        self.wait(lambda s: s.strip() == "$", "a cleared screen", timeout=10)

    def launch(
        self, command: str, condition: Callable[[str], object], what: str, timeout: float = 120.0
    ) -> tuple[float, str]:
        """Type ``command`` at a cleared prompt, then time Enter until ``condition``."""
        self.clear()
        self.type(command)
        self.wait(lambda s: command[-30:] in s.replace("\n", ""), "the typed command", timeout=10)
        start = time.perf_counter()
        self.send("Enter")
        return self.wait(condition, what, timeout=timeout, start=start)

    def timed_key(
        self, key: str, condition: Callable[[str], object], what: str, timeout: float = 30.0
    ) -> tuple[float, str]:
        start = time.perf_counter()
        self.send(key)
        return self.wait(condition, what, timeout=timeout, start=start)

    def program_pid(self) -> int | None:
        """The process the shell started (the program in the foreground), if any."""
        shell = self.pane_pid()
        try:
            children = Path(f"/proc/{shell}/task/{shell}/children").read_text().split()
        except OSError:
            return None
        return int(children[-1]) if children else None

    def quit_program(self, key: str = "q") -> None:
        """Quit the foreground program and wait for the shell prompt."""
        self.send(key)
        deadline = time.perf_counter() + 20
        while self.program_pid() is not None:
            if time.perf_counter() > deadline:
                raise TimedOut("the program to exit", self.screen())
            time.sleep(0.02)


def peak_rss_mb(pid: int) -> float:
    """VmHWM (the resident set's high-water mark) of a process, in MB (10^6 bytes)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / 1e6
    raise RuntimeError(f"no VmHWM for process {pid}")
