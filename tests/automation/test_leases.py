"""One sync per client: the lease is exclusive, expires, and a lost lease stops its holder."""

from __future__ import annotations

import time

import pytest

from automation.conftest import ClientFactory
from bokslut.automation.leases import (
    LeaseLost,
    client_lease,
    lease_acquire,
    lease_release,
    lease_renew,
)
from bokslut.automation.models import SyncLease


def test_second_holder_is_refused_while_the_lease_is_held(make_client: ClientFactory) -> None:
    client = make_client()
    first = lease_acquire(client_id=client.pk, holder="worker-a", seconds=60)
    second = lease_acquire(client_id=client.pk, holder="worker-b", seconds=60)
    assert first is not None
    assert second is None
    assert SyncLease.objects.get(client=client).holder == "worker-a"


def test_leases_of_different_clients_are_independent(make_client: ClientFactory) -> None:
    one, two = make_client(), make_client()
    assert lease_acquire(client_id=one.pk, holder="worker-a", seconds=60) is not None
    assert lease_acquire(client_id=two.pk, holder="worker-b", seconds=60) is not None
    assert SyncLease.objects.count() == 2


def test_holder_reenters_its_own_lease_with_a_new_generation(make_client: ClientFactory) -> None:
    client = make_client()
    first = lease_acquire(client_id=client.pk, holder="worker-a", seconds=60)
    again = lease_acquire(client_id=client.pk, holder="worker-a", seconds=60)
    assert first is not None
    assert again is not None
    assert again.generation == first.generation + 1


def test_expired_lease_is_taken_over_and_the_old_holder_can_neither_renew_nor_release(
    make_client: ClientFactory,
) -> None:
    client = make_client()
    old = lease_acquire(client_id=client.pk, holder="killed-worker", seconds=-1)
    assert old is not None
    new = lease_acquire(client_id=client.pk, holder="worker-b", seconds=60)
    assert new is not None
    assert new.generation == old.generation + 1
    assert lease_renew(old, seconds=60) is False
    assert lease_release(old) is False
    assert SyncLease.objects.get(client=client).holder == "worker-b"


def test_released_lease_is_free_for_the_next_holder(make_client: ClientFactory) -> None:
    client = make_client()
    lease = lease_acquire(client_id=client.pk, holder="worker-a", seconds=60)
    assert lease is not None
    assert lease_release(lease) is True
    assert SyncLease.objects.count() == 0
    assert lease_acquire(client_id=client.pk, holder="worker-b", seconds=60) is not None


def test_renewal_keeps_an_expiring_lease_from_being_taken(make_client: ClientFactory) -> None:
    client = make_client()
    lease = lease_acquire(client_id=client.pk, holder="worker-a", seconds=-1)
    assert lease is not None
    assert lease_renew(lease, seconds=60) is True
    assert lease_acquire(client_id=client.pk, holder="worker-b", seconds=60) is None


@pytest.mark.django_db(transaction=True)
def test_heartbeat_keeps_the_lease_past_its_lifetime_and_releases_on_exit(
    make_client: ClientFactory,
) -> None:
    client = make_client()
    with client_lease(client_id=client.pk, holder="worker-a", seconds=0.6) as held:
        assert held is not None
        deadline = time.monotonic() + 30
        # Wait for enough beats to outlive the lease's own lifetime several times over.
        while held.beats < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert held.beats >= 4
        assert lease_acquire(client_id=client.pk, holder="worker-b", seconds=60) is None
        held.check()
    assert SyncLease.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_taken_over_lease_makes_check_raise(make_client: ClientFactory) -> None:
    client = make_client()
    with client_lease(client_id=client.pk, holder="worker-a", seconds=0.3) as held:
        assert held is not None
        # Someone else takes the client as though our lease had expired.
        SyncLease.objects.filter(client=client).update(holder="worker-b", generation=99)
        deadline = time.monotonic() + 30
        while not held.lost and time.monotonic() < deadline:
            time.sleep(0.05)
        with pytest.raises(LeaseLost):
            held.check()
    # Leaving the block must not release the newcomer's lease.
    assert SyncLease.objects.get(client=client).holder == "worker-b"


def test_a_held_lease_yields_none_to_the_second_caller(make_client: ClientFactory) -> None:
    client = make_client()
    lease_acquire(client_id=client.pk, holder="worker-a", seconds=60)
    with client_lease(client_id=client.pk, holder="worker-b") as held:
        assert held is None
    assert SyncLease.objects.get(client=client).holder == "worker-a"
