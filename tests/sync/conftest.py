"""Fixtures for the sync engine tests (helpers in :mod:`sync_world`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sync_world import World, client_for, connect, small_company

from bokslut.sandbox import Company, run_in_thread


@pytest.fixture
def make_world(db: None) -> Iterator[Callable[..., World]]:
    """Build worlds; everything started is stopped after the test."""
    started: list[World] = []

    def build(
        company: Company | None = None,
        *,
        client_options: dict[str, Any] | None = None,
        **sandbox_options: Any,
    ) -> World:
        company = company or small_company()
        running = run_in_thread([company], **sandbox_options)
        fortnox = connect(running, **(client_options or {}))
        world = World(running, company, fortnox, client_for(company))
        started.append(world)
        return world

    yield build
    for world in started:
        world.fortnox.close()
        world.running.stop()


@pytest.fixture
def world(make_world: Callable[..., World]) -> World:
    """A small demo company (3 years, locked up to 2025-03-31) and a consented client."""
    return make_world()
