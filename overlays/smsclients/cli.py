"""The ``smsclients`` command: send a message, run the sandbox, show what the clients were generated from.

    smsclients send flowroute --to 12066418000 --from 12012673227 "hello"
    smsclients send bandwidth --to +19195551212 --from +19195554444 "hello" --json
    smsclients send messagemedia --to +61491570156 "hello"
    smsclients send-bulk bandwidth campaign.csv --from +19195554444 [--dry-run]
    smsclients sandbox --port 8080          # needs the extra 'sandbox'
    smsclients status [--json]
    smsclients estimate [--provider bandwidth] [--normalize] [--json] "It's 5 \u20ac \u2014 see you"
    smsclients optouts add|remove|list --db optouts.sqlite3 --provider flowroute [--account A] [NUMBER...]

With an opt-out list (``--optouts PATH`` or ``SMSCLIENTS_OPTOUTS_DB``), ``send`` refuses a number on it
(exit status 2, nothing sent) and ``send-bulk`` skips it (state ``skipped``; also a ``redis://`` URL).

Credentials and base URLs come from the environment, exactly as for ``FlowrouteClient()`` and the
others (docs/guides/configuration.md); ``--base-url`` overrides the base URL. Errors are one line on
stderr (with ``--json``, a JSON object on stdout), redacted like the library's own messages.

Exit status: 0 sent (or done); 1 any other failure; 2 bad input (arguments, a missing variable, a
message the checks refuse: nothing was sent); 3 the provider answered with an error (not sent);
4 delivery unknown (the request may have arrived: check before sending again); 5 the provider could
not be reached (not sent).

No client imports this module: it is loaded only by the console script.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import itertools
import json
import os
import pkgutil
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, NoReturn

from ._version import __version__
from .errors import (
    APIError,
    DeliveryUnknownError,
    InputError,
    MalformedResponseError,
    SmsClientError,
    TransportError,
)
from .redaction import CredentialScrubber

__all__ = ["EXIT_API_ERROR", "EXIT_DELIVERY_UNKNOWN", "EXIT_INPUT", "EXIT_NOT_SENT", "EXIT_OK", "main"]

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_INPUT = 2
EXIT_API_ERROR = 3
EXIT_DELIVERY_UNKNOWN = 4
EXIT_NOT_SENT = 5

DISTRIBUTION = "sms-provider-clients"
PIN_ATTRIBUTES = ("SPEC_PATH", "SPEC_VERSION", "SPEC_SHA256", "GENERATOR")
# Environment variables whose values are credentials: never printed, even inside an error message.
_SECRET_SUFFIXES = ("_KEY", "_SECRET", "_TOKEN")


@dataclass(frozen=True)
class Sent:
    """What ``send`` prints: the provider's id of the accepted message and its first status."""

    provider: str
    id: str
    status: str


# The send was accepted (2xx) but the answer left the id out (responses may omit any field the
# providers do not document as required): say so rather than fail, which could prompt a resend.
UNKNOWN_ID = "(not in the answer)"


def _flowroute(to: str, from_: str | None, text: str, base_url: str | None) -> Sent:
    from .flowroute import FlowrouteClient

    with FlowrouteClient(base_url=base_url) as client:
        accepted = client.messages.send(to=to, from_=_required(from_), body=text)
    data = accepted.to_dict().get("data") or {}
    return Sent("flowroute", str(data.get("id", UNKNOWN_ID)), "accepted")


def _bandwidth(to: str, from_: str | None, text: str, base_url: str | None) -> Sent:
    from .bandwidth import BandwidthClient

    with BandwidthClient(base_url=base_url) as client:
        message_id = client.messages.send(to=to, from_=_required(from_), text=text)
    return Sent("bandwidth", message_id, "accepted")


def _messagemedia(to: str, from_: str | None, text: str, base_url: str | None) -> Sent:
    from messagemedia_messages_v1_client.resources import NewMessageParams

    from .messagemedia import MessageMediaClient

    message: NewMessageParams = {"content": text, "destination_number": to}
    if from_ is not None:
        message["source_number"] = from_
    with MessageMediaClient(base_url=base_url) as client:
        first = (client.messages.send([message]).to_dict().get("messages") or [{}])[0]
    return Sent("messagemedia", str(first.get("message_id", UNKNOWN_ID)), str(first.get("status", "accepted")))


def _required(from_: str | None) -> str:
    if from_ is None:
        raise InputError("--from", "is required for this provider (one of your numbers)")
    return from_


SENDERS: dict[str, Callable[[str, str | None, str, str | None], Sent]] = {
    "flowroute": _flowroute,  # Messages v2.1
    "bandwidth": _bandwidth,
    "messagemedia": _messagemedia,
}


# ------------------------------------------------------------------------------------------ status


def installed_clients() -> list[dict[str, str]]:
    """Every installed generated client package and the spec it was built from (``SPEC_*``, ``GENERATOR``)."""
    found: list[dict[str, str]] = []
    for name in sorted(_candidate_packages()):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if all(isinstance(getattr(module, attribute, None), str) for attribute in PIN_ATTRIBUTES):
            found.append({"package": name, **{a.lower(): str(getattr(module, a)) for a in PIN_ATTRIBUTES}})
    return found


def _candidate_packages() -> set[str]:
    """The distribution's top-level packages; without installed metadata (a source tree), ``*_client`` modules."""
    try:
        top_level = importlib.metadata.distribution(DISTRIBUTION).read_text("top_level.txt")
    except importlib.metadata.PackageNotFoundError:
        top_level = None
    if top_level:
        return {line.strip() for line in top_level.splitlines() if line.strip()}
    return {module.name for module in pkgutil.iter_modules() if module.name.endswith("_client")}


def _sandbox_available() -> bool:
    try:
        from smsclients_sandbox._extra import MissingExtraError, require_extra
    except ImportError:
        return False
    try:
        require_extra()
    except MissingExtraError:
        return False
    return True


# ------------------------------------------------------------------------------------------ output


class _Output:
    """Prints results and errors as text or JSON, scrubbing credential values from the environment."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json
        secrets = [value for name, value in os.environ.items() if name.endswith(_SECRET_SUFFIXES) and value]
        # Every pair as "a:b" too: its base64 is the Basic token of whichever two make one credential.
        pairs = [f"{a}:{b}" for a, b in itertools.permutations(secrets, 2)]
        self._scrubber = CredentialScrubber([*secrets, *pairs])

    def scrub(self, text: str) -> str:
        return self._scrubber.text(text)

    def result(self, document: dict[str, Any], lines: Iterable[str]) -> None:
        text = json.dumps(document, indent=2) if self.as_json else "\n".join(lines)
        print(self.scrub(text))

    def error(self, code: int, exc: BaseException | str) -> int:
        message = exc if isinstance(exc, str) else f"{type(exc).__name__}: {exc}"
        if self.as_json:
            error: dict[str, Any] = {"type": type(exc).__name__ if not isinstance(exc, str) else "Error"}
            error["message"] = str(exc)
            if isinstance(exc, APIError):
                error["status_code"] = exc.status_code
            print(self.scrub(json.dumps({"ok": False, "exit_code": code, "error": error}, indent=2)))
        else:
            print(self.scrub(f"error: {message}"), file=sys.stderr)
        return code


def exit_code_for(exc: SmsClientError) -> int:
    """The exit status of a failed send (see the module docstring)."""
    if isinstance(exc, InputError):
        return EXIT_INPUT
    if isinstance(exc, APIError):
        return EXIT_API_ERROR
    if isinstance(exc, DeliveryUnknownError | MalformedResponseError):
        return EXIT_DELIVERY_UNKNOWN  # a send whose answer is lost or unreadable may have been accepted
    if isinstance(exc, TransportError):
        return EXIT_NOT_SENT
    return EXIT_FAILURE


# ------------------------------------------------------------------------------------------ commands


OPTOUTS_VARIABLE = "SMSCLIENTS_OPTOUTS_DB"


def _optout_store(path: str | None, redis_url: str | None = None, what: str = "--optouts") -> Any:
    """The list a file path or ``redis://`` URL names (as send-bulk's ``--optouts``); None: no list."""
    from .sending import optouts

    if redis_url:
        if not redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise InputError("--redis", "must be a redis://, rediss:// or unix:// URL")
        return optouts.open_store(redis_url, "--redis")[0]
    path = path or os.environ.get(OPTOUTS_VARIABLE)
    return None if not path else optouts.open_store(path, what)[0]


def _send(args: argparse.Namespace, out: _Output) -> int:
    try:
        store = _optout_store(args.optouts)
        if store is not None:
            from .sending import optouts

            optouts.check(store, args.provider, args.from_ or optouts.ANY_ACCOUNT, args.to)
        sent = SENDERS[args.provider](args.to, args.from_, args.text, args.base_url)
    except SmsClientError as exc:
        return out.error(exit_code_for(exc), exc)
    out.result({"ok": True, **asdict(sent)}, [f"{sent.status}: {sent.provider} message {sent.id}"])
    return EXIT_OK


def _status(args: argparse.Namespace, out: _Output) -> int:
    clients = installed_clients()
    sandbox = _sandbox_available()
    lines = [f"{DISTRIBUTION} {__version__}"]
    rows = [("package", "spec", "info.version", "sha256", "generator")]
    rows += [(c["package"], c["spec_path"], c["spec_version"], c["spec_sha256"][:12], c["generator"]) for c in clients]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines += [
        "  ".join(f"{cell:<{width}}" for cell, width in zip(row, [*widths, 0], strict=True)).rstrip() for row in rows
    ]
    lines.append("sandbox: " + ("installed" if sandbox else "not installed (extra 'sandbox')"))
    out.result({"version": __version__, "clients": clients, "sandbox": sandbox}, lines)
    return EXIT_OK if clients else out.error(EXIT_FAILURE, "no generated client package is installed")


def _sandbox(args: argparse.Namespace, out: _Output) -> int:
    try:
        from smsclients_sandbox.cli import main as sandbox_main
    except ImportError as exc:  # the package is part of the distribution; its dependencies are the extra
        return out.error(EXIT_FAILURE, f"the sandbox is not available ({exc})")
    return sandbox_main(args.sandbox_args, prog="smsclients sandbox")


def _estimate(args: argparse.Namespace, out: _Output) -> int:
    from .sending.estimate import estimate

    result = estimate(args.text, provider=args.provider, normalize=args.normalize)
    lines = [
        f"encoding: {result.encoding}",
        f"characters: {result.characters}",
        f"units: {result.units} ({'septets' if result.encoding == 'GSM-7' else 'UTF-16 code units'})",
        f"segments: {result.segments} ({result.units_per_segment} units per segment)",
    ]
    lines += [f"forces UCS-2: {c.character!r} at {c.position} ({c.name})" for c in result.ucs2_characters]
    lines += [f"replaced: {r.original!r} at {r.position} with {r.replacement!r}" for r in result.replacements]
    if args.normalize:
        lines.append(f"text: {result.text}")
    if result.max_length is not None:
        lines.append(f"{result.provider} accepts at most {result.max_length} characters")
    out.result(result.to_dict(), lines)
    # Too long for the provider: the send would be refused before it leaves (exit as for bad input).
    return EXIT_INPUT if result.too_long else EXIT_OK


def _optouts(args: argparse.Namespace, out: _Output) -> int:
    from .sending import optouts

    try:
        store = _optout_store(args.db, args.redis, "--db")
        if store is None:
            raise InputError("--db", f"give the opt-out list's file (or set {OPTOUTS_VARIABLE}, or --redis URL)")
        account = args.account or optouts.ANY_ACCOUNT
        if args.action in ("add", "remove") and not args.numbers:
            raise InputError("NUMBER", "give at least one number")
        if args.action in ("add", "remove") and not args.provider:
            raise InputError("--provider", "is required to add or remove")
        if args.action == "add":
            changed = [n for n in args.numbers if store.add(args.provider, account, n)]
        elif args.action == "remove":
            changed = [n for n in args.numbers if store.remove(args.provider, account, n)]
        else:
            entries = store.entries(args.provider, args.account)
            if args.numbers:
                wanted = {optouts.canonical(n) for n in args.numbers}
                entries = [e for e in entries if e.number in wanted]
            lines = [f"{e.provider}  {e.account}  {e.number}  ({e.source})" for e in entries]
            out.result({"ok": True, "optouts": [asdict(e) for e in entries]}, lines or ["(no opt-outs)"])
            return EXIT_OK
    except SmsClientError as exc:
        return out.error(exit_code_for(exc), exc)
    verb = "added" if args.action == "add" else "removed"
    out.result({"ok": True, verb: changed}, [f"{verb}: {n}" for n in changed] or [f"nothing {verb}"])
    return EXIT_OK


class UsageError(Exception):
    """An argument error argparse found (``main`` prints it as text or, with ``--json``, as JSON)."""


class _Parser(argparse.ArgumentParser):
    """Raises :class:`UsageError` instead of printing and exiting, so ``--json`` applies to usage errors too."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(self.prog, message, self.format_usage())


def parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON on stdout")

    p = _Parser(
        prog="smsclients",
        description="Send a message through Flowroute, Bandwidth or MessageMedia; run the local sandbox; "
        "show which spec each installed client was generated from.",
        epilog="exit status: 0 ok, 1 other failure, 2 bad input (nothing sent), 3 API error (not sent), "
        "4 delivery unknown (may have arrived), 5 provider unreachable (not sent)",
        parents=[common],
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = p.add_subparsers(
        dest="command", required=True, metavar="{send,send-bulk,estimate,optouts,sandbox,status}"
    )

    send = commands.add_parser(
        "send",
        parents=[common],
        help="send one SMS (credentials from the environment)",
        description="Send one SMS. Credentials come from the environment: FLOWROUTE_ACCESS_KEY/_SECRET_KEY, "
        "BANDWIDTH_USER_ID/_API_TOKEN/_API_SECRET, MESSAGEMEDIA_API_KEY/_API_SECRET, and <PROVIDER>_BASE_URL.",
    )
    send.add_argument("provider", choices=sorted(SENDERS))
    send.add_argument("--to", required=True, help="recipient number")
    send.add_argument("--from", dest="from_", help="your sending number (optional for messagemedia)")
    send.add_argument("--base-url", help="API root, instead of <PROVIDER>_BASE_URL or production")
    send.add_argument("text", help="the message text")
    send.add_argument(
        "--optouts",
        metavar="DB",
        help=f"refuse a number on this opt-out list (a file or a redis:// URL; default: ${OPTOUTS_VARIABLE})",
    )

    optouts = commands.add_parser(
        "optouts",
        parents=[common],
        help="add, remove or list numbers that opted out (STOP)",
        description="The opt-out list `send` and smsclients.optouts consult. --account is the sender the opt-out "
        "applies to (default '*': every sender of that provider).",
    )
    optouts.add_argument("action", choices=["add", "remove", "list"])
    optouts.add_argument("numbers", nargs="*", metavar="NUMBER")
    optouts.add_argument("--db", help=f"the SQLite file (default: ${OPTOUTS_VARIABLE})")
    optouts.add_argument("--redis", metavar="URL", help="a shared list on Redis instead (extra 'redis')")
    optouts.add_argument("--provider", choices=sorted(SENDERS), required=False)
    optouts.add_argument("--account", help="your sending number or account the opt-out applies to")

    from .bulk_cli import add_parser as add_bulk_parser

    add_bulk_parser(commands, common)
    commands.add_parser("status", parents=[common], help="spec version and sha256 of each installed client")

    estimate = commands.add_parser(
        "estimate",
        parents=[common],
        help="encoding, segments and length of a text (nothing is sent)",
        description="Show how TEXT would be sent: GSM-7 or UCS-2 (and which characters force UCS-2), its length "
        "in septets or UTF-16 code units, its segments and, with --provider, the longest text that provider "
        "accepts (exit status 2 when TEXT is longer).",
    )
    estimate.add_argument("--provider", choices=sorted(SENDERS), help="also check this provider's length limit")
    estimate.add_argument(
        "--normalize", action="store_true", help="first replace smart quotes, dashes, ellipses, odd spaces"
    )
    estimate.add_argument("text", help="the message text")

    # Everything after `sandbox` is the sandbox's own command line (main() passes it on).
    commands.add_parser(
        "sandbox",
        help="run the local sandbox (extra 'sandbox'); options after it are the sandbox's (--help lists them)",
        add_help=False,
    )
    return p


def _send_bulk(args: argparse.Namespace, out: _Output) -> int:
    from .bulk_cli import run

    try:
        code, document, lines = run(args)
    except SmsClientError as exc:  # bad input, or the pacing storage is gone: the outbox keeps the place
        return out.error(exit_code_for(exc), exc)
    out.result(document, lines)
    return code


COMMANDS: dict[str, Callable[[argparse.Namespace, _Output], int]] = {
    "send": _send,
    "send-bulk": _send_bulk,
    "estimate": _estimate,
    "optouts": _optouts,
    "status": _status,
    "sandbox": _sandbox,
}


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    p = parser()
    try:
        args, rest = p.parse_known_args(arguments)
        if args.command == "sandbox":
            args.sandbox_args = rest
        elif args.command == "optouts" and not any(r.startswith("-") for r in rest):
            args.numbers += rest  # numbers after the options (argparse leaves them over)
        elif rest:
            p.error(f"unrecognized arguments: {' '.join(rest)}")
    except UsageError as exc:
        prog, message, usage = exc.args
        # --json asked for JSON; the sandbox's own options (after `sandbox`) are not ours to read.
        ours = arguments[: arguments.index("sandbox")] if "sandbox" in arguments else arguments
        if "--json" in ours:
            return _Output(True).error(EXIT_INPUT, UsageError(f"{prog}: {message}"))
        print(f"{usage}{prog}: error: {message}", file=sys.stderr)  # as argparse prints it
        return EXIT_INPUT
    out = _Output(getattr(args, "json", False))
    try:
        return COMMANDS[args.command](args, out)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug or an unexpected failure: still one redacted line, not a traceback
        return out.error(EXIT_FAILURE, exc)


if __name__ == "__main__":
    raise SystemExit(main())
