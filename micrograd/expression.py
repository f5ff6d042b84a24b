"""Old home of the expression parser, kept so that ``import micrograd.expression`` works.

The parser serves the ``micrograd graph`` command and lives in :mod:`micrograd.cli.expression`.
This name is the same module object (not a copy), so ``micrograd.expression.FUNCTIONS`` and
``micrograd.cli.expression.FUNCTIONS`` are one table.
"""

import sys

from micrograd.cli import expression

sys.modules[__name__] = expression
