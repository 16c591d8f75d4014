"""`python -m checker` runs the pcheck command line."""

import sys

from checker.cli import run

sys.exit(run())
