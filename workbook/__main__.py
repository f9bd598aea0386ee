"""``python -m workbook build [--check]``: see :mod:`workbook.build`."""

import sys

from workbook.build import main

sys.exit(main())
