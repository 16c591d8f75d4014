"""`python -m checker` runs the pcheck command line."""

import sys

from checker.cli import main

sys.exit(main())
