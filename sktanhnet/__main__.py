"""``python -m sktanhnet``: the command line, in ``sktanhnet._cli``."""

import sys

from sktanhnet._cli import main

if __name__ == "__main__":
    sys.exit(main())
