"""Start the sandbox, run every flow on both surfaces, stop it; exit 0 only if every step succeeded."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from functools import partial
from typing import TextIO

from . import flows_bandwidth, flows_bandwidth_mms, flows_flowroute, flows_messagemedia, flows_porting, flows_webhooks
from .steps import Reporter, StepFailed, Target

Flow = Callable[[Target, Reporter], object]

# (name, flow) in the order the demo runs them: each flow on the modern and on the legacy surface.
FLOWS: list[tuple[str, Flow]] = [
    ("flowroute v3 modern", flows_flowroute.v3_modern),
    ("flowroute v3 legacy", flows_flowroute.v3_legacy),
    ("flowroute v2 modern", flows_flowroute.messages_v2_modern),
    ("flowroute v2 legacy", flows_flowroute.messages_v2_legacy),
    ("flowroute port orders", flows_porting.modern),
    ("bandwidth modern", flows_bandwidth.modern),
    ("bandwidth legacy", flows_bandwidth.legacy),
    ("bandwidth mms modern", flows_bandwidth_mms.modern),
    ("bandwidth mms legacy", flows_bandwidth_mms.legacy),
    ("messagemedia basic modern", partial(flows_messagemedia.modern, hmac=False)),
    ("messagemedia basic legacy", partial(flows_messagemedia.legacy, hmac=False)),
    ("messagemedia hmac modern", partial(flows_messagemedia.modern, hmac=True)),
    ("messagemedia hmac legacy", partial(flows_messagemedia.legacy, hmac=True)),
    ("webhooks modern", flows_webhooks.modern),
    ("messagemedia mgmt modern", flows_messagemedia.templated_webhooks),
    ("messagemedia mgmt legacy", flows_messagemedia.management_legacy),
]


def run_flows(target: Target, reporter: Reporter) -> list[StepFailed]:
    """Run every flow; a failed step ends its flow (reported) and the others still run."""
    failures: list[StepFailed] = []
    for name, flow in FLOWS:
        try:
            flow(target, reporter)
        except StepFailed as failure:
            failures.append(failure)
            print(f"FAILED  {failure}", file=reporter.out, flush=True)
        except Exception as exc:  # outside any step (e.g. a client refused its arguments)
            setup_failure = StepFailed(f"{name} (setup)", exc)
            failures.append(setup_failure)
            print(f"FAILED  {setup_failure}", file=reporter.out, flush=True)
    return failures


def main(seed: int = 1, out: TextIO | None = None, *, realistic: bool = False) -> int:
    import smsclients_sandbox  # the sandbox's server stack is needed only here, not by the flows

    stream = out if out is not None else sys.stdout
    started = time.monotonic()
    with smsclients_sandbox.running(seed=seed, realistic=realistic) as handle:
        mode = ", realistic answers" if realistic else ""
        print(f"sandbox (seed {seed}{mode}) at {handle.url}", file=stream, flush=True)
        target = Target(
            base_urls=handle.base_urls,
            credentials=handle.credentials,
            inject_reply=lambda content, message_id: handle.inject_reply(content, message_id=message_id),
        )
        reporter = Reporter(stream)
        failures = run_flows(target, reporter)
        stats = handle.stats()
    elapsed = time.monotonic() - started
    violations = stats.get("spec_violations", 0)
    summary = (
        f"{len(FLOWS)} flows, {len(reporter.lines)} steps ok, {len(failures)} failed; "
        f"sandbox accepted {stats.get('accepted_total')} messages, {violations} spec violations; {elapsed:.1f}s"
    )
    print(summary, file=stream, flush=True)
    if violations:
        print(f"FAILED  the sandbox counted {violations} spec violations", file=stream, flush=True)
        return 1
    if failures:
        print("demo FAILED at: " + "; ".join(failure.label for failure in failures), file=stream, flush=True)
        return 1
    print("demo OK", file=stream, flush=True)
    return 0
