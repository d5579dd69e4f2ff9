"""`python -m bot.cli` runs the `luoshi` command."""

import sys

from bot.cli import main

sys.exit(main())
