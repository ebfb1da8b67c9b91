"""``python -m demo`` (``make demo``)."""

import sys

from .run import main

sys.exit(main())
