"""Entry point of ``python -m smsclients_sandbox``."""

from smsclients_sandbox.cli import main

raise SystemExit(main(prog="python -m smsclients_sandbox"))
