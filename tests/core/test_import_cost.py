"""What a sync program pays at import: no event-loop machinery it will not use.

Cold import time is a benchmark (``make bench``); this checks the cause that made it regress once:
a module on the sync path importing ``asyncio`` at the top. (``anyio`` is imported by httpcore
itself, as a stub that loads its backends on first use.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, sys
import smsclients, smsclients.flowroute, smsclients.bandwidth, smsclients.messagemedia
import smsclients.legacy.bandwidth, smsclients.legacy.messagemedia, smsclients.legacy.flowroute_v3
print(json.dumps("asyncio" in sys.modules))
"""


def test_sync_clients_do_not_import_asyncio() -> None:
    path = os.pathsep.join(str(ROOT / part) for part in ("clients", "overlays", "sandbox"))
    env = {**os.environ, "PYTHONPATH": path}
    env.pop("SMSCLIENTS_LOG", None)
    result = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) is False
