#!/usr/bin/env python3
"""Build the liaison-station website and signage: `python build.py --help`."""
import sys

from liaison.cli import main

if __name__ == "__main__":
    sys.exit(main())
