"""Sync with a feed server (Tiny Tiny RSS first): subscriptions, entries, read and star state.

:mod:`.service` states what a service must do (:class:`~.service.SyncService`);
:mod:`.ttrss` does it for Tiny Tiny RSS's JSON API over httpx; :mod:`.engine` runs one
round against the library; :mod:`.conflict` decides which change wins; :mod:`.settings`
reads the ``[sync]`` table. Nothing here imports Textual, and httpx loads only when a
round runs.
"""
