"""``python -m optt.sandbox --port 8080 --data-dir DIR`` (``main`` is also what ``optt sandbox`` calls)."""

import sys

from optt.sandbox.server import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
