"""``python -m micrograd`` runs the command line (see micrograd.cli)."""

import sys

from micrograd.cli import main

sys.exit(main())
