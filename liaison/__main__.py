"""`python -m liaison ...`: the same command line as the `liaison` script."""
import sys

from liaison.cli import main

sys.exit(main())
