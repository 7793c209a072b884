"""Fetch a feed over HTTP: bytes in a bounded amount of time and memory, or one clear error.

Every rule here answers an attack seen against httpx and feedparser (THREATS.md rows 4-10):

* redirects are followed by hand: at most ``max_redirects``, http/https only, and a 3xx
  without ``Location`` is an error, never an empty feed;
* the body is streamed raw and decompressed here, ``decompress(chunk, max_length)`` at a
  time, so a gzip bomb never holds more than ``max_bytes + 1`` decoded bytes; stacked or
  unknown encodings are refused;
* one ``asyncio.timeout`` covers connect, headers, body and every redirect, because
  httpx's timeouts are per read and a server dripping a byte every two seconds never
  trips them;
* only 2xx bodies are returned; 304 is reported as "not modified" and carries no body;
* status text, headers and exception messages are sanitised before anyone sees them.

The ``httpx.AsyncClient`` is passed in so tests can hand a ``MockTransport`` or point it at
a loopback server. :func:`make_client` builds the one the app uses.
"""

from __future__ import annotations

import asyncio
import email.utils
import errno
import re
import socket
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from http import HTTPStatus
from urllib.parse import urljoin, urlsplit

import httpx

from tui_reader import HOMEPAGE, __version__
from tui_reader.core.limits import FetchError, FetchResult, Limits, format_size
from tui_reader.core.sanitize import HTTP_SCHEMES, clean_error, clean_line

__all__ = ["FetchError", "FetchResult", "Limits", "fetch", "format_size", "make_client", "post"]

USER_AGENT = f"tui-reader/{__version__} (+{HOMEPAGE})"
ACCEPT = (
    "application/atom+xml, application/rss+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
ACCEPT_ENCODING = "gzip, deflate"
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})


def _seconds(value: float) -> str:
    return f"{value:g} s"


def make_client(limits: Limits | None = None) -> httpx.AsyncClient:
    """The client the app uses: no automatic redirects, our headers, per-read timeouts."""
    limits = limits or Limits()
    return httpx.AsyncClient(
        follow_redirects=False,
        timeout=httpx.Timeout(limits.read_timeout, connect=limits.read_timeout),
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING},
        limits=httpx.Limits(
            max_connections=max(1, limits.concurrency) * 2,
            max_keepalive_connections=max(1, limits.concurrency),
        ),
    )


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    limits: Limits | None = None,
    accept: str = ACCEPT,
) -> FetchResult:
    """GET a feed (or, with another ``accept``, a page), following redirects by hand,
    within ``limits``.

    Raises :class:`FetchError` for every failure: network errors, non-2xx statuses,
    redirect problems, oversized or badly encoded bodies, and the deadline.
    """
    limits = limits or Limits()
    async with _bounded(limits):
        return await _fetch(client, url, etag, last_modified, limits, accept)


async def post(
    client: httpx.AsyncClient, url: str, body: bytes, *, limits: Limits | None = None
) -> bytes:
    """POST a JSON ``body`` and return the 2xx answer's bytes, within the same ``limits``
    as a feed: one deadline, a size cap, bounded decompression. A redirect is an error
    (an API that moved is a configuration problem, and a POST is not repeated).

    Raises :class:`FetchError` for every failure, as :func:`fetch` does.
    """
    limits = limits or Limits()
    async with _bounded(limits):
        _check_scheme(url, "unsupported scheme (only http and https)")
        headers = {
            "User-Agent": USER_AGENT,
            "Accept-Encoding": ACCEPT_ENCODING,
            "Accept": "application/json",
            "Content-Type": "application/json",
        }
        timeout = httpx.Timeout(limits.read_timeout, connect=limits.read_timeout)
        request = client.build_request("POST", url, content=body, headers=headers, timeout=timeout)
        response = await client.send(request, stream=True, follow_redirects=False)
        try:
            if not 200 <= response.status_code < 300:
                raise _status_error(response, limits)
            return await _read_body(response, limits)
        finally:
            await response.aclose()


@asynccontextmanager
async def _bounded(limits: Limits) -> AsyncIterator[None]:
    """One deadline over a whole exchange; every failure becomes one :class:`FetchError`."""
    try:
        async with asyncio.timeout(limits.deadline):
            yield
    except TimeoutError:
        raise FetchError(f"timed out after {_seconds(limits.deadline)}") from None
    except httpx.TimeoutException as exc:
        raise FetchError(_timeout_message(exc, limits)) from None
    except httpx.HTTPError as exc:
        raise FetchError(_network_message(exc)) from None
    except httpx.InvalidURL:
        raise FetchError("invalid URL") from None
    except OSError as exc:  # raised by some transports instead of httpx errors
        raise FetchError(_network_message(exc)) from None


def _request_headers(
    etag: str | None, last_modified: str | None, accept: str = ACCEPT
) -> dict[str, str]:
    headers = {
        "User-Agent": USER_AGENT,
        "Accept-Encoding": ACCEPT_ENCODING,
        "Accept": accept,
    }
    # Validators come from the store, which got them from a server: clean them again so a
    # stored value can never smuggle a line break into the request.
    # A header must be ASCII; a value that is not was not sent by an honest server.
    if etag and (value := clean_line(etag, 1000)) and value.isascii():
        headers["If-None-Match"] = value
    if last_modified and (value := clean_line(last_modified, 200)) and value.isascii():
        headers["If-Modified-Since"] = value
    return headers


def _check_scheme(url: str, message: str) -> None:
    try:
        parts = urlsplit(url)
    except ValueError:
        raise FetchError("invalid URL") from None
    if parts.scheme.lower() not in HTTP_SCHEMES:
        raise FetchError(message)
    if not parts.hostname:
        raise FetchError("invalid URL: no host")


async def _fetch(
    client: httpx.AsyncClient,
    url: str,
    etag: str | None,
    last_modified: str | None,
    limits: Limits,
    accept: str = ACCEPT,
) -> FetchResult:
    headers = _request_headers(etag, last_modified, accept)
    timeout = httpx.Timeout(limits.read_timeout, connect=limits.read_timeout)
    _check_scheme(url, "unsupported scheme (only http and https feeds can be fetched)")
    current = url
    for _hop in range(limits.max_redirects + 1):
        try:
            request = client.build_request("GET", current, headers=headers, timeout=timeout)
        except httpx.InvalidURL:
            raise FetchError("invalid URL") from None
        try:
            # Same as client.stream(): headers now, body streamed, closed in `finally`.
            response = await client.send(request, stream=True, follow_redirects=False)
        except httpx.InvalidURL:
            # httpx builds `next_request` from a Location header even when not following
            # it, and gives up on targets such as "javascript:alert(1)".
            raise FetchError("redirect to an invalid URL or unsupported scheme") from None
        try:
            status = response.status_code
            if status in REDIRECT_CODES:
                current = _redirect_target(response)
                continue
            if status == 304:
                return FetchResult(
                    status="not_modified",
                    headers=_clean_headers(response.headers),
                    final_url=clean_line(str(response.url), 4096),
                    etag=etag,
                    last_modified=last_modified,
                )
            if not 200 <= status < 300:
                raise _status_error(response, limits)
            body = await _read_body(response, limits)
            clean = _clean_headers(response.headers)
            return FetchResult(
                status="ok",
                body=body,
                headers=clean,
                final_url=clean_line(str(response.url), 4096),
                etag=clean.get("etag") or None,
                last_modified=clean.get("last-modified") or None,
            )
        finally:
            await response.aclose()
    raise FetchError(f"too many redirects (more than {limits.max_redirects})")


def _redirect_target(response: httpx.Response) -> str:
    location: str = response.headers.get("location", "").strip()
    if not location:
        raise FetchError(f"HTTP {response.status_code} redirect without a Location")
    try:
        target: str = urljoin(str(response.url), location)
    except ValueError:
        raise FetchError("redirect to an invalid URL") from None
    _check_scheme(target, "redirect to unsupported scheme")
    return target


def _clean_headers(headers: httpx.Headers) -> dict[str, str]:
    return {clean_line(k, 100).lower(): clean_line(v, 2000) for k, v in headers.items()}


def _reason(response: httpx.Response) -> str:
    """The reason phrase, sanitised as the server sent it.

    httpx decodes it as ASCII and silently drops other bytes, which would remove a C1
    introducer (0x9B, 0x9D) but keep the rest of its sequence as text; decoding the raw
    bytes first lets the sanitiser remove the whole sequence.
    """
    raw = response.extensions.get("reason_phrase")
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
    else:
        text = response.reason_phrase
    return clean_line(text, 100)


def _status_error(response: httpx.Response, limits: Limits) -> FetchError:
    status = response.status_code
    reason = _reason(response)
    try:
        standard = HTTPStatus(status).phrase
    except ValueError:
        standard = ""
    if not reason or reason.casefold() == standard.casefold():
        reason = standard  # "NOT FOUND" from some servers reads better as "Not Found"
    message = f"HTTP {status} {reason}".rstrip()
    retry_after = None
    if status in (429, 503):
        retry_after = parse_retry_after(response.headers.get("retry-after"), limits)
        if retry_after is not None:
            message += f" (retry after {_seconds(retry_after)})"
    return FetchError(message, status=status, retry_after=retry_after)


def parse_retry_after(value: str | None, limits: Limits | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (seconds or HTTP date), capped."""
    if not value:
        return None
    cap = (limits or Limits()).retry_after_cap
    value = value.strip()
    seconds: float | None = None
    if value.isdigit():
        seconds = float(int(value[:12]))
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    return float(min(max(seconds, 0.0), cap))


async def _read_body(response: httpx.Response, limits: Limits) -> bytes:
    too_large = f"response larger than {format_size(limits.max_bytes)}"
    length = response.headers.get("content-length", "").strip()
    if length.isdigit() and int(length) > limits.max_bytes:
        raise FetchError(too_large)
    decoder = _make_decoder(response.headers.get("content-encoding", ""))
    parts: list[bytes] = []
    size = 0
    async for chunk in response.aiter_raw():
        pieces = decoder.feed(chunk, limits.max_bytes - size) if decoder else [chunk]
        for piece in pieces:
            size += len(piece)
            if size > limits.max_bytes:
                raise FetchError(too_large)
            parts.append(piece)
    if decoder:
        for piece in decoder.finish(limits.max_bytes - size):
            size += len(piece)
            if size > limits.max_bytes:
                raise FetchError(too_large)
            parts.append(piece)
    return b"".join(parts)


def _make_decoder(header: str) -> _Decoder | None:
    codings = [c.strip().lower() for c in header.split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if not codings:
        return None
    if len(codings) > 1 or codings[0] not in ("gzip", "x-gzip", "deflate"):
        raise FetchError(f"unsupported content encoding: {clean_line(header, 100)}")
    return _Decoder(codings[0])


class _Decoder:
    """gzip or deflate, decoded a bounded piece at a time.

    ``feed`` never returns more than ``budget + 1`` bytes, so the caller can tell "too
    large" without the decoder ever producing the rest of a bomb.
    """

    def __init__(self, coding: str) -> None:
        self.gzip = coding != "deflate"
        self.raw_fallback = not self.gzip  # "deflate" is zlib-wrapped or, wrongly, raw
        self.obj = self._new_decompressor()
        self.done = False

    def _new_decompressor(self, wbits: int | None = None) -> zlib._Decompress:
        if wbits is None:
            wbits = 16 + zlib.MAX_WBITS if self.gzip else zlib.MAX_WBITS
        return zlib.decompressobj(wbits)

    def feed(self, data: bytes, budget: int) -> list[bytes]:
        out: list[bytes] = []
        produced = 0
        while data and not self.done:
            try:
                piece = self.obj.decompress(data, max(budget - produced, 0) + 1)
            except zlib.error:
                if self.raw_fallback:
                    # Only the first bytes can tell zlib from raw deflate; try once.
                    self.raw_fallback = False
                    self.obj = self._new_decompressor(-zlib.MAX_WBITS)
                    continue
                raise FetchError("could not decompress the response") from None
            self.raw_fallback = False
            if not piece and len(self.obj.unconsumed_tail) == len(data) and not self.obj.eof:
                break  # no progress possible; the rest is checked in finish()
            produced += len(piece)
            out.append(piece)
            if produced > budget:
                return out
            data = self.obj.unconsumed_tail
            if self.obj.eof:
                data = self.obj.unused_data
                # Concatenated gzip members are legal; anything else after the end is junk.
                if self.gzip and data.startswith(b"\x1f\x8b"):
                    self.obj = self._new_decompressor()
                else:
                    self.done = True
        return out

    def finish(self, budget: int) -> list[bytes]:
        if self.done:
            return []
        try:
            # Every byte fed was consumed without filling the output, so little is pending.
            tail = self.obj.flush()
        except zlib.error:
            raise FetchError("could not decompress the response") from None
        return [tail[: budget + 1]] if tail else []


def _timeout_message(exc: httpx.TimeoutException, limits: Limits) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return f"timed out connecting after {_seconds(limits.read_timeout)}"
    if isinstance(exc, httpx.PoolTimeout):
        return f"timed out waiting for a connection after {_seconds(limits.read_timeout)}"
    return f"timed out: no data for {_seconds(limits.read_timeout)}"


_QUOTED_BYTES = re.compile(r"(?:bytearray\()?(?<![\w\\])b['\"].*$")

_ERRNO_MESSAGES = {
    errno.ECONNREFUSED: "connection refused",
    errno.ECONNRESET: "connection reset by the server",
    errno.EHOSTUNREACH: "host unreachable",
    errno.ENETUNREACH: "network unreachable",
    errno.ETIMEDOUT: "timed out connecting",
}


def _root_cause(exc: BaseException) -> str | None:
    """A plain message for the OS error behind an httpx error, if there is one."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, socket.gaierror):
            return "could not resolve the host name"
        if isinstance(current, OSError) and current.errno in _ERRNO_MESSAGES:
            return _ERRNO_MESSAGES[current.errno]
        current = current.__cause__ or current.__context__
    return None


def _network_message(exc: BaseException) -> str:
    if cause := _root_cause(exc):
        return cause
    text = clean_error(exc)
    lowered = text.lower()
    if "refused" in lowered:
        return "connection refused"
    if any(s in lowered for s in ("name or service", "nodename", "name resolution", "getaddrinfo")):
        return "could not resolve the host name"
    if "certificate" in lowered or "ssl" in lowered:
        return f"TLS error: {text}"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return "unsupported scheme (only http and https feeds can be fetched)"
    if isinstance(exc, httpx.InvalidURL):
        return "invalid URL"
    if isinstance(exc, httpx.RemoteProtocolError):
        # h11 quotes the offending bytes ("illegal status line: bytearray(b'...')"): the
        # server's own junk is of no use to the reader, so only h11's words are kept.
        text = _QUOTED_BYTES.sub("", text).rstrip(" :") or "invalid response"
        return f"the server broke the HTTP protocol: {text}"
    if isinstance(exc, httpx.ConnectError):
        return f"could not connect: {text}"
    return f"network error: {text}"
