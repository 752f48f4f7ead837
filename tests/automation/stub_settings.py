"""Settings for worker processes in tests: the real settings around a slow stub engine."""

from bokslut.settings import *  # noqa: F403

BOKSLUT_SYNC_RUNNER = "automation.stubs.slow_sync"
#: Short leases so a SIGKILLed holder's lease expires within the test.
BOKSLUT_SYNC_LEASE_SECONDS = 2
