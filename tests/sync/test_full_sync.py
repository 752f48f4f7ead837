"""A full sync of a seeded company equals the sandbox's data exactly."""

from __future__ import annotations

from ledger_compare import ledger_of, registers_of, sandbox_ledger, sandbox_registers
from sync_world import World

from bokslut.sync.models import SyncRun
from bokslut.sync.services import sync_run


def test_full_sync_equals_the_sandbox(world: World) -> None:
    run = sync_run(client=world.client, fortnox=world.fortnox, trigger="manual")

    assert run.status == SyncRun.Status.DONE, run.error
    assert ledger_of(world.client) == sandbox_ledger(world.company)
    assert registers_of(world.client) == sandbox_registers(world.company)
    assert set(run.paths.values()) == {"sie"}
    assert run.counts["vouchers"]["new"] == sum(
        len(y.vouchers) for y in world.company.years.values()
    )
    assert run.counts["vouchers"]["changed"] == 0
