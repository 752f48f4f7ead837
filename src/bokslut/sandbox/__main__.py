"""``python -m bokslut.sandbox``."""

import sys

from bokslut.sandbox.cli import main

sys.exit(main())
