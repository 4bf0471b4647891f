#!/usr/bin/env python
import sys

from anlan.cli import run_manage

if __name__ == "__main__":
    run_manage(sys.argv)
