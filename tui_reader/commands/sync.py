"""``tui-reader sync``: one sync round with the configured server, for cron and scripts.

Exit 0 with one summary line on success; otherwise one line on standard error naming the
server and the problem, and exit 1 (2 when no ``[sync]`` table is configured).
"""

from __future__ import annotations

import asyncio

from tui_reader.commands.common import error, open_store
from tui_reader.core.config import Config
from tui_reader.core.markdown.text import analyse, plain_text
from tui_reader.core.paths import config_file
from tui_reader.core.sync.client import make_service, sync_client
from tui_reader.core.sync.engine import sync_round
from tui_reader.core.sync.service import SyncError


def sync_command(config: Config) -> int:
    if config.sync is None:
        if not any("[sync]" in problem for problem in config.errors):
            error(f"no [sync] table in {config_file()}; see the README's Sync section")
        return 2
    store, problem = open_store()
    if store is None or store.read_only is not None:
        error(problem if store is None else f"{problem} Nothing was synced.")
        if store is not None:
            store.close()
        return 1

    async def go():
        async with sync_client() as client:
            service = make_service(config.sync, client)
            return await sync_round(service, store, analyse=analyse, plain_text=plain_text)

    try:
        report = asyncio.run(go())
    except SyncError as exc:
        error(f"sync failed: {exc.message}")
        return 1
    finally:
        store.close()
    for warning in report.warnings:
        error(warning)
    print(f"synced: {report.summary()}")
    return 0
