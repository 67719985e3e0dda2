#!/usr/bin/env python3
"""Build the liaison-station website and signage: `python build.py --help`."""
import sys

from liaison.build import signals


def run() -> int:
    """Ctrl-C and SIGTERM are handled from the first moment, while the libraries are still loading."""
    try:
        with signals.handled():
            from liaison.cli import main

            return main()
    except signals.Interrupted as stop:
        print(stop.message, file=sys.stderr)
        return stop.exit_code


if __name__ == "__main__":
    sys.exit(run())
