"""Freeze the catalogue into static files: python build.py --content DIR --out DIR [--base-url URL]

The same as `catalogue build`; see catalogue/build/.
"""

import sys

from catalogue.build import main

if __name__ == "__main__":
    sys.exit(main())
