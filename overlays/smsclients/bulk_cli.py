"""``smsclients send-bulk``: a CSV of messages through ``send_many``, resumable, with a results CSV.

    smsclients send-bulk bandwidth campaign.csv --from +19195551212
    smsclients send-bulk flowroute campaign.csv --from 12012673227 --rate-limit on --dry-run

The CSV has a header row: ``to`` and ``text``, optionally ``from`` and the provider's send options
(an unknown column is that row's error, not the campaign's). The outbox (default
``FILE.outbox.sqlite``) records every message's state, so running the same command again after a
crash sends only what was never sent; the results CSV (default ``FILE.results.csv``) gets one row
per message. With an opt-out list (``--optouts FILE`` or a ``redis://`` URL, default
``$SMSCLIENTS_OPTOUTS_DB``: the list ``smsclients optouts`` keeps), a number on it is skipped
(state ``skipped``, never sent, kept so in the outbox) and counted. ``--dry-run`` sends nothing: it
counts the messages, the invalid ones, the opted-out ones and the estimated SMS segments of the
rest. The progress bar needs ``rich`` (extra ``scale``); without it a line is printed every 1,000
messages.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import InputError, SmsClientError

__all__ = ["add_parser", "run"]

_RESULT_COLUMNS = ["index", "to", "state", "message_id", "error_type", "error", "evidence", "resumed"]


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    bulk = commands.add_parser(
        "send-bulk",
        parents=[common],
        help="send every message of a CSV file (resumable; credentials from the environment)",
        description=__doc__.split("\n\n", 2)[2] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    bulk.add_argument("provider", choices=("bandwidth", "flowroute", "messagemedia"))
    bulk.add_argument("file", type=Path, help="CSV with a header row: to, text[, from, provider options]")
    bulk.add_argument("--from", dest="from_", help="the sending number of rows without a 'from' column")
    bulk.add_argument("--outbox", help="the campaign's outbox (default FILE.outbox.sqlite)")
    bulk.add_argument("--results", type=Path, help="where the results go (default FILE.results.csv)")
    bulk.add_argument("--concurrency", type=int, default=4, help="requests in flight at once (default 4)")
    bulk.add_argument("--rate-limit", help="pace sends: 'on' (documented rates, this process) or a redis:// URL")
    bulk.add_argument("--base-url", help="API root, instead of <PROVIDER>_BASE_URL or production")
    bulk.add_argument(
        "--optouts",
        metavar="DB",
        help="skip numbers on this opt-out list (a file or a redis:// URL; default: $SMSCLIENTS_OPTOUTS_DB)",
    )
    bulk.add_argument("--dry-run", action="store_true", help="count messages and segments; send nothing")
    bulk.add_argument("--no-progress", action="store_true", help="no progress bar")


def _rows(path: Path) -> Iterator[dict[str, str]]:
    """The CSV's rows, read lazily; empty cells are left out (an option not given)."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or not {"to", "text"} <= set(reader.fieldnames):
            raise InputError("file", "needs a header row with the columns 'to' and 'text'")
        for row in reader:
            extra = row.pop(None, None)
            cleaned = {key: value for key, value in row.items() if value not in (None, "")}
            if extra:
                cleaned["(unnamed column)"] = ",".join(extra)
            yield cleaned


def _provider(provider: str) -> tuple[Any, Any]:
    """The provider's client class and bulk profile."""
    if provider == "bandwidth":
        from .bandwidth import BandwidthClient, bulk_profile

        return BandwidthClient, bulk_profile()
    if provider == "flowroute":
        from .flowroute import FlowrouteClient
        from .flowroute import bulk_profile as flowroute_profile

        return FlowrouteClient, flowroute_profile()
    from .messagemedia import MessageMediaClient
    from .messagemedia import bulk_profile as messagemedia_profile

    return MessageMediaClient, messagemedia_profile()


def _optout_list(args: argparse.Namespace) -> tuple[Any, bool]:
    """The opt-out list ``--optouts`` (else ``$SMSCLIENTS_OPTOUTS_DB``) names, and whether it was opened here."""
    from .cli import OPTOUTS_VARIABLE

    value = args.optouts or os.environ.get(OPTOUTS_VARIABLE)
    if not value:
        return None, False
    from .sending.optouts import open_store

    return open_store(value, "--optouts")


_DRY_RUN_CHUNK = 500  # messages checked against the opt-out list at once


def _dry_run(args: argparse.Namespace, profile: Any, optouts: Any) -> tuple[dict[str, Any], list[str]]:
    from .sending.estimate import segment_count
    from .sending.messages import OutgoingMessage, outgoing
    from .sending.optouts import OptOutsUnavailableError

    counts: Counter[str] = Counter()
    pending: list[OutgoingMessage] = []

    def count(messages: list[OutgoingMessage]) -> None:
        skipped: set[int] = set()
        if optouts is not None:  # as send_many checks: one query per sender for a chunk of messages
            by_sender: dict[str, list[int]] = {}
            for index, message in enumerate(messages):
                by_sender.setdefault(message.from_ or "", []).append(index)
            for sender, indexes in by_sender.items():
                try:
                    found = optouts.opted_out(profile.provider, sender, [messages[i].to for i in indexes])
                except Exception as exc:  # the type only: a Redis error may name its URL
                    raise OptOutsUnavailableError(f"the opt-out list could not be read ({type(exc).__name__})") from exc
                skipped.update(i for i in indexes if messages[i].to in found)
        counts["opted_out"] += len(skipped)
        counts["segments"] += sum(segment_count(m.text) for i, m in enumerate(messages) if i not in skipped)
        messages.clear()

    for row in _rows(args.file):
        counts["messages"] += 1
        try:
            pending.append(outgoing(row, args.from_, profile.options))
        except InputError:
            counts["invalid"] += 1
            continue
        if len(pending) >= _DRY_RUN_CHUNK:
            count(pending)
    count(pending)
    keys = (
        ("messages", "invalid", "opted_out", "segments") if optouts is not None else ("messages", "invalid", "segments")
    )
    document = {"ok": True, "dry_run": True, **{key: counts[key] for key in keys}}
    skipped = f"{counts['opted_out']} opted out (would be skipped), " if optouts is not None else ""
    lines = [
        f"{counts['messages']} messages, {counts['invalid']} invalid, {skipped}"
        f"about {counts['segments']} SMS segments (nothing sent)"
    ]
    return document, lines


class _Progress:
    """A rich progress bar on stderr when available and wanted, else a line every 1,000 messages."""

    def __init__(self, total: int, enabled: bool) -> None:
        self._bar: Any = None
        self._done = 0
        self._enabled = enabled
        if enabled:
            try:
                from rich.console import Console
                from rich.progress import Progress
            except ImportError:
                return
            self._bar = Progress(console=Console(stderr=True), transient=False)
            self._task = self._bar.add_task("sending", total=total)
            self._bar.start()

    def advance(self) -> None:
        self._done += 1
        if self._bar is not None:
            self._bar.update(self._task, advance=1)
        elif self._enabled and self._done % 1000 == 0:
            print(f"{self._done} messages done", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def run(args: argparse.Namespace) -> tuple[int, dict[str, Any], list[str]]:
    """Run the command; returns the exit status (0 all accepted, 3 some failed, 4 some unknown), the
    JSON document and the text lines to print."""
    if not args.file.is_file():
        raise InputError("file", f"{args.file} is not a file")
    if args.concurrency < 1:
        raise InputError("--concurrency", "must be >= 1")
    client_class, profile = _provider(args.provider)
    optouts, own = _optout_list(args)
    try:
        return _run(args, client_class, profile, optouts)
    finally:
        if own:
            optouts.close()


def _run(
    args: argparse.Namespace, client_class: Any, profile: Any, optouts: Any
) -> tuple[int, dict[str, Any], list[str]]:
    if args.dry_run:  # no credentials needed: nothing is sent
        document, lines = _dry_run(args, profile, optouts)
        return 0, document, lines
    pace: Any = None if args.rate_limit is None else (True if args.rate_limit.lower() == "on" else args.rate_limit)
    with client_class(base_url=args.base_url, rate_limit=pace) as client:
        total = sum(1 for _ in _rows(args.file))
        outbox = args.outbox or str(args.file.with_suffix(".outbox.sqlite"))
        results_path = args.results or args.file.with_suffix(".results.csv")
        states: Counter[str] = Counter()
        progress = _Progress(total, not args.no_progress and not getattr(args, "json", False))
        try:
            with results_path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, _RESULT_COLUMNS)
                writer.writeheader()
                options: dict[str, Any] = {"outbox": outbox, "concurrency": args.concurrency}
                if args.from_:
                    options["from_"] = args.from_
                if optouts is not None:
                    options["optouts"] = optouts
                    states["skipped"] += 0  # reported even when nobody on the list is in the file
                for result in client.messages.send_many(_rows(args.file), **options):
                    states[result.state] += 1
                    writer.writerow(_result_row(result))
                    progress.advance()
        finally:
            progress.close()
    code = 4 if states["unknown"] else 3 if states["failed"] else 0
    document = {"ok": code == 0, "results": str(results_path), "outbox": outbox, **dict(states)}
    summary = ", ".join(f"{count} {state}" for state, count in sorted(states.items())) or "no messages"
    return code, document, [f"{summary}; results in {results_path} (outbox {outbox})"]


def _result_row(result: Any) -> dict[str, Any]:
    error: SmsClientError | None = result.error
    return {
        "index": result.index,
        "to": result.message.to if result.message is not None else "",
        "state": result.state,
        "message_id": result.message_id or "",
        "error_type": type(error).__name__ if error is not None else "",
        "error": str(error) if error is not None else "",
        "evidence": result.evidence or "",
        "resumed": "yes" if result.resumed else "",
    }
