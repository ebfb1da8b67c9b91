"""``python -m demo [--realistic] [--seed N]`` (``make demo``, ``make demo ARGS=--realistic``)."""

import argparse
import sys

from .run import main

parser = argparse.ArgumentParser(prog="python -m demo", description="Every documented flow against the local sandbox.")
parser.add_argument(
    "--realistic",
    action="store_true",
    help="the sandbox answers with the documented real-world variants (later enum values, omitted "
    "optional fields, extra fields, every documented included type): the clients must read them all",
)
parser.add_argument("--seed", type=int, default=1)
arguments = parser.parse_args()
sys.exit(main(seed=arguments.seed, realistic=arguments.realistic))
