"""Build the configured service: the password resolved, the client made, limits as feeds.

Kept apart from :mod:`.settings` so that reading the config never imports httpx.
"""

from __future__ import annotations

import httpx

from tui_reader.core.feeds.fetch import make_client
from tui_reader.core.limits import Limits
from tui_reader.core.sync.service import SyncError
from tui_reader.core.sync.settings import PasswordError, SyncConfig, resolve_password
from tui_reader.core.sync.ttrss import TtrssService


def make_service(
    config: SyncConfig, client: httpx.AsyncClient, limits: Limits | None = None
) -> TtrssService:
    """The service for ``config`` (tt-rss is the only one yet). Raises :class:`SyncError`
    when the password cannot be had."""
    try:
        password = resolve_password(config)
    except PasswordError as exc:
        raise SyncError(str(exc)) from None
    return TtrssService(client, config.url, config.user, password, limits)


def sync_client(limits: Limits | None = None) -> httpx.AsyncClient:
    """The HTTP client a round uses: the feeds' client, so the same limits apply."""
    return make_client(limits or Limits())
