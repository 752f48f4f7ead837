"""Suite-wide test configuration.

Every test that touches the database is marked ``db`` so that ``scripts/test`` can run those
tests a second time on PostgreSQL after the full run on SQLite.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

# Tests assert behaviour, never seconds: Hypothesis's timing checks (a deadline per example,
# "input generation is slow") fail on a loaded 2-core machine without saying anything about
# the code, so the suite turns them off once, here.
settings.register_profile("bokslut", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("bokslut")

_DB_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("django_db") or fixtures & _DB_FIXTURES:
            item.add_marker(pytest.mark.db)
