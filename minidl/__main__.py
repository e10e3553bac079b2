"""``python -m minidl``: the ``minidl`` command (what ``torchrun -m minidl`` starts in every process)."""

import sys

from minidl.cli import main

if __name__ == "__main__":
    sys.exit(main())
