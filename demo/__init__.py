"""``make demo``: every documented flow of the seeds, run against the local sandbox.

``python -m demo`` starts the sandbox on a free loopback port, runs each flow on the modern surface
(``smsclients.FlowrouteClient``, ``BandwidthClient``, ``MessageMediaClient``) and on the legacy
drop-ins (``smsclients.legacy.*``), prints one line per step and exits 0 only if every step
succeeded. The flows live in ``flows_*.py`` as plain functions of a :class:`~demo.steps.Target`
and a :class:`~demo.steps.Reporter`, so ``tests/integration`` replays the same code from cassettes.
"""
