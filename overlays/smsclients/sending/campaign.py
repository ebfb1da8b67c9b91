"""The rules of one ``send_many`` run, without I/O: shared by the sync and async drivers.

Input is read lazily in windows (a few batches per worker): each window's messages are checked,
recorded in the outbox, those left unsettled by a crash are reconciled, the rest claimed and cut
into the provider's batches; the drivers send the batches concurrently and the window's results
come out in input order. Nothing but a window is held in memory.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import (
    APIError,
    ClientStateError,
    ConnectionFailedError,
    DeliveryUnknownError,
    InputError,
    MalformedResponseError,
    RateLimitError,
    RedirectError,
    SmsClientError,
)
from .messages import OutgoingMessage, outgoing
from .outbox import FAILED, SENDING, Outbox, Row, Settle, SqliteOutbox, new_worker, retire, worker_alive
from .pacing import PacingUnavailableError
from .profile import BulkProfile
from .results import ACCEPTED, ELSEWHERE, SKIPPED, UNKNOWN, RecordedError, SendResult

__all__ = ["Campaign", "Chunk", "Window"]

logger = logging.getLogger("smsclients.sending")

_OPTIONS = frozenset({"from_", "concurrency", "batch_size", "outbox", "lease", "window", "optouts"})
_INDEXED_FIELD = re.compile(r"[A-Za-z_]*\[(\d+)\](?:[.\[].*)?", re.S)
# Errors that stop the whole run (raised once the window's results are out): nothing was sent, and
# nothing else could be -- the pacing storage is gone (never send unpaced), the client is closed.
STOPPING = (PacingUnavailableError, ClientStateError)
# A batch may answer after a long wait for a rate limit; a claim older than this on another host is abandoned.
DEFAULT_LEASE = 900.0


@dataclass
class Slot:
    """One message of a window: its place, the checked message, its row, and (once known) its result."""

    seq: int
    message: OutgoingMessage | None = None
    row: Row | None = None
    result: SendResult | None = None


@dataclass
class Chunk:
    """Messages that go in one request (one, or a batch)."""

    slots: list[Slot]

    @property
    def seqs(self) -> list[int]:
        return [slot.seq for slot in self.slots]


@dataclass
class Window:
    slots: list[Slot]
    reconcile: list[Slot] = field(default_factory=list)
    send: list[Slot] = field(default_factory=list)

    def results(self) -> Iterator[SendResult]:
        for slot in self.slots:
            assert slot.result is not None, "every message of a window has a result before it is yielded"
            yield slot.result


def _count(name: str, value: object, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InputError(name, f"must be an integer >= {minimum}")
    return value


def error_record(exc: BaseException) -> dict[str, Any]:
    """What the outbox keeps of an error: type, message, status, code (no bodies, no headers)."""
    return {
        "type": type(exc).__name__,
        "message": str(exc)[:500],
        "status_code": getattr(exc, "status_code", None),
        "code": getattr(exc, "code", None),
    }


def classify(exc: BaseException) -> tuple[str, bool]:
    """The state an error leaves a message in, and whether a later run may send it again.

    Only an answer or a failure that proves the provider did not accept the message is ``failed``;
    anything that may have reached it is ``unknown`` (never sent again blindly).
    """
    if isinstance(exc, InputError):
        return FAILED, False
    if isinstance(exc, STOPPING):
        return FAILED, True  # stopped before the request: the run stops, the next one sends it
    if isinstance(exc, RateLimitError | ConnectionFailedError):
        return FAILED, True  # refused before it was accepted / never left: a later run sends it
    if isinstance(exc, RedirectError):
        return (UNKNOWN, False) if exc.outcome_unknown else (FAILED, False)
    if isinstance(exc, DeliveryUnknownError | MalformedResponseError):
        return UNKNOWN, False
    if isinstance(exc, APIError):
        return (UNKNOWN, False) if exc.status_code >= 500 else (FAILED, False)
    return UNKNOWN, False


class Campaign:
    """One run: options, outbox, worker id, and the steps the drivers call in order."""

    def __init__(self, profile: BulkProfile, options: Mapping[str, Any], max_cost: int | None) -> None:
        unknown = sorted(set(options) - _OPTIONS)
        if unknown:
            raise InputError(unknown[0], f"is not an option of send_many (known: {', '.join(sorted(_OPTIONS))})")
        self.profile = profile
        self.from_ = options.get("from_")
        if self.from_ is not None and (not isinstance(self.from_, str) or not self.from_.strip()):
            raise InputError("from_", "must be a sender number")
        self.concurrency = _count("concurrency", options.get("concurrency", 4))
        largest = profile.max_batch if max_cost is None else max(1, min(profile.max_batch, max_cost))
        self.batch_size = min(_count("batch_size", options.get("batch_size", largest)), largest)
        self.window_size = _count("window", options.get("window", self.batch_size * self.concurrency * 2))
        lease = options.get("lease", DEFAULT_LEASE)
        if isinstance(lease, bool) or not isinstance(lease, int | float) or lease <= 0:
            raise InputError("lease", "must be a positive number of seconds")
        self.lease = float(lease)
        self.optouts: Any = None  # the opt-out list consulted before each window is sent (optouts=)
        self._own_optouts = False
        if options.get("optouts") is not None:
            from .optouts import open_store

            self.optouts, self._own_optouts = open_store(options["optouts"])
        # No outbox given: an in-memory one, whose steps do no I/O (the async driver runs them inline).
        self.outbox_in_memory = options.get("outbox") is None
        try:
            self.outbox, self._own_outbox = _outbox(options.get("outbox"))
            self.campaign = self.outbox.open(profile.provider)
        except BaseException:
            self._close_optouts()
            raise
        self.worker = new_worker()
        self.stopped: SmsClientError | None = None  # set when sending must stop (see STOPPING)

    def ahead(self, size: int) -> int:
        """How many groups of ``size`` messages a driver prepares beyond the one whose results are
        being read: two, or more when ``size`` is smaller than ``concurrency`` requests, so that
        every worker stays busy."""
        requests = -(-max(1, size) // self.batch_size)  # in one group
        return max(2, -(-self.concurrency // requests) + 1)

    def close(self) -> None:
        retire(self.worker)
        try:
            if self._own_outbox:
                self.outbox.close()
        finally:
            self._close_optouts()

    def _close_optouts(self) -> None:
        if self._own_optouts:
            self.optouts.close()

    def key(self, seq: int) -> str:
        """The campaign's mark on a message (a Bandwidth tag, MessageMedia metadata): unique per message."""
        return f"smsc-{self.campaign}-{seq}"

    # -- a window: check, record, sort ---------------------------------------------------------

    def window(self, items: Sequence[object], start: int) -> Window:
        slots = [Slot(start + offset) for offset in range(len(items))]
        rows: list[tuple[int, str, Mapping[str, Any], str]] = []
        for slot, item in zip(slots, items, strict=True):
            try:
                slot.message = outgoing(item, self.from_, self.profile.options)
            except InputError as exc:  # bad input is this message's result; the campaign goes on
                slot.result = SendResult(slot.seq, None, FAILED, error=exc)
                continue
            rows.append((slot.seq, slot.message.fingerprint(), slot.message.wire(), self.key(slot.seq)))
        stored = self.outbox.register(rows)
        window = Window(slots)
        for slot in slots:
            if slot.result is None:
                slot.row = stored[slot.seq]
                self._sort(slot, window)
        return window

    def _sort(self, slot: Slot, window: Window) -> None:
        row, message = slot.row, slot.message
        assert row is not None and message is not None
        if row.fingerprint != message.fingerprint():
            problem = f"differs from message {slot.seq} recorded in this outbox (a different campaign file?)"
            slot.result = SendResult(slot.seq, message, FAILED, error=InputError("message", problem))
        elif row.state == ACCEPTED:
            slot.result = SendResult(slot.seq, message, ACCEPTED, row.message_id, resumed=True, evidence=row.evidence)
        elif row.state == SKIPPED:  # opted out when an earlier run came to it: never sent
            slot.result = SendResult(slot.seq, message, SKIPPED, error=self._opted_out(message), resumed=True)
        elif row.state == FAILED and not row.retry:
            error = RecordedError(row.error or {})
            slot.result = SendResult(slot.seq, message, FAILED, error=error, resumed=True)
        elif row.state == SENDING and worker_alive(row.claimed_by, row.attempt_at, self.lease):
            slot.result = SendResult(slot.seq, message, ELSEWHERE, evidence=f"claimed by {row.claimed_by}")
        elif row.state == SENDING:
            evidence = f"left sending by {row.claimed_by} (attempt at {row.attempt_at})"
            if self.outbox.mark_unknown(slot.seq, row.claimed_by, evidence):
                window.reconcile.append(slot)
            else:
                slot.result = SendResult(slot.seq, message, ELSEWHERE, evidence="taken over by another worker")
        elif row.state == UNKNOWN:
            window.reconcile.append(slot)
        else:  # pending, or failed in a way a later run may send again
            window.send.append(slot)

    # -- reconciliation --------------------------------------------------------------------------

    def reconcile_queries(self, window: Window) -> tuple[str, list[dict[str, Any]]] | None:
        """The list method and its queries for the window's unsettled messages (None: cannot reconcile)."""
        reconciler = self.profile.reconciler
        if reconciler is None or not window.reconcile:
            return None
        rows = [slot.row for slot in window.reconcile if slot.row is not None]
        attempts = [row.attempt_at for row in rows if row.attempt_at is not None]
        since = (min(attempts) if attempts else time.time() - 86400) - 300  # clocks differ a little
        return reconciler.method, reconciler.queries(rows, since, time.time() + 300)

    def reconciled(self, window: Window, listed: list[Any] | None, problem: BaseException | None = None) -> None:
        """Settle the unsettled messages from what the provider listed (None: the lookup failed)."""
        reconciler = self.profile.reconciler
        found: dict[str, list[str]] = {}
        if reconciler is not None and listed is not None:
            for item in listed:
                key, identifier = reconciler.item_key(item), reconciler.item_id(item)
                if key is not None and identifier:
                    found.setdefault(key, []).append(identifier)
        settles: list[Settle] = []
        for slot in window.reconcile:
            row, message = slot.row, slot.message
            assert row is not None and message is not None
            ids = found.get(reconciler.row_key(row)) if reconciler is not None else None
            if ids:
                identifier = ids.pop(0)
                evidence = f"reconciled: listed by the provider as {identifier}"
                settles.append(Settle(slot.seq, ACCEPTED, identifier, evidence=evidence))
                slot.result = SendResult(slot.seq, message, ACCEPTED, identifier, evidence=evidence)
            elif reconciler is not None and reconciler.conclusive and listed is not None:
                if self.outbox.release(slot.seq):  # never reached the provider: send it now
                    window.send.append(slot)
                else:
                    slot.result = SendResult(slot.seq, message, ELSEWHERE, evidence="taken over by another worker")
            else:
                why = (
                    f"the lookup failed ({type(problem).__name__})"
                    if problem is not None
                    else "the provider offers no lookup"
                    if reconciler is None
                    else f"not listed by {reconciler.where}"
                )
                evidence = f"{row.evidence or 'outcome unknown'}; {why}; {self.profile.unknown_hint} (key {row.key})"
                error = DeliveryUnknownError(f"message {slot.seq}: it may or may not have been sent: {evidence}")
                slot.result = SendResult(slot.seq, message, UNKNOWN, error=error, evidence=evidence)
        self.outbox.settle(settles)
        window.send.sort(key=lambda slot: slot.seq)

    # -- sending -----------------------------------------------------------------------------------

    def chunks(self, window: Window) -> list[Chunk]:
        """Claim the window's messages to send and cut them into requests (the opted-out ones are
        settled as skipped instead)."""
        refused = self._screen(window.send)  # before the claim: if the list fails, nothing was claimed
        # Pending rows, and failed ones a later run may send (the outbox checks ``retry`` itself): a
        # row another worker settled meanwhile, as failed for good, is never taken.
        got = self.outbox.claim([slot.seq for slot in window.send], self.worker)
        mine, skipped = [], []
        for slot in window.send:
            if slot.seq not in got:
                slot.result = SendResult(slot.seq, slot.message, ELSEWHERE, evidence="claimed by another worker")
            elif slot.seq in refused:
                skipped.append(slot)
            else:
                mine.append(slot)
        if skipped:
            self._skip(skipped)
        size = self.batch_size
        return [Chunk(mine[start : start + size]) for start in range(0, len(mine), size)]

    def _screen(self, slots: list[Slot]) -> set[int]:
        """The seqs of ``slots`` whose recipient opted out of their sender: one list query per sender."""
        if self.optouts is None or not slots:
            return set()
        from .optouts import OptOutsUnavailableError

        by_sender: dict[str, list[tuple[int, str]]] = {}
        for slot in slots:
            assert slot.message is not None and slot.message.from_ is not None  # checked by outgoing()
            by_sender.setdefault(slot.message.from_, []).append((slot.seq, slot.message.to))
        refused: set[int] = set()
        for sender, group in by_sender.items():
            try:
                numbers = self.optouts.opted_out(self.profile.provider, sender, [to for _, to in group])
            except Exception as exc:  # never send unchecked: the run stops, these rows stay pending
                problem = (
                    f"the opt-out list could not be read ({type(exc).__name__}): the run stopped before "
                    "sending this window; run it again with the same outbox to go on"
                )
                raise OptOutsUnavailableError(problem) from exc
            refused.update(seq for seq, to in group if to in numbers)
        return refused

    def _opted_out(self, message: OutgoingMessage) -> SmsClientError:
        from .optouts import OptedOutError

        return OptedOutError(self.profile.provider, message.from_ or "", message.to)

    def _skip(self, slots: list[Slot]) -> None:
        settles = []
        for slot in slots:
            assert slot.message is not None
            error = self._opted_out(slot.message)
            settles.append(Settle(slot.seq, SKIPPED, error=error_record(error), evidence="on the opt-out list"))
            slot.result = SendResult(slot.seq, slot.message, SKIPPED, error=error)
        self.outbox.settle(settles, self.worker)

    def _single(self, chunk: Chunk) -> bool:
        """Whether ``chunk`` goes by the single send (one message, and the API has one; or no batch)."""
        profile = self.profile
        if profile.batch is None or profile.batch_item is None:
            return True
        return len(chunk.slots) == 1 and profile.single is not None

    def request(self, chunk: Chunk) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
        """The resource method and arguments that send ``chunk``."""
        profile = self.profile
        messages = [(slot.message, self.key(slot.seq)) for slot in chunk.slots]
        if self._single(chunk):
            assert len(messages) == 1 and profile.single is not None
            message, key = messages[0]
            assert message is not None
            return profile.single, (), profile.single_args(message, key)
        assert profile.batch is not None and profile.batch_item is not None  # else _single
        items = [profile.batch_item(message, key) for message, key in messages if message is not None]
        return profile.batch, (items,), {}

    def answered(self, chunk: Chunk, answer: Any) -> None:
        """Record the answer to ``chunk``'s request."""
        self.answered_all([(chunk, answer)])

    def answered_all(self, answers: Sequence[tuple[Chunk, Any]]) -> None:
        """Record the answers to several requests, the accepted ones in one outbox write."""
        settles: list[Settle] = []
        for chunk, answer in answers:
            settles += self._accepted(chunk, answer)
        self.outbox.settle(settles, self.worker)

    def _accepted(self, chunk: Chunk, answer: Any) -> list[Settle]:
        """What to record of an answer (a refused or unreadable one is recorded here, as failed)."""
        profile = self.profile
        try:
            if self._single(chunk):
                outcomes: list[str | SmsClientError] = [profile.single_id(answer)]
            else:
                assert profile.batch_results is not None
                outcomes = profile.batch_results(answer, len(chunk.slots))
            if len(outcomes) != len(chunk.slots) or any(
                not (isinstance(o, SmsClientError) or (isinstance(o, str) and o.strip())) for o in outcomes
            ):
                raise ValueError("not one id or error per message")
        except SmsClientError as exc:
            self.failed(chunk, exc)
            return []
        except Exception as exc:  # an accepted answer whose ids cannot be read: accepted, ids unknown
            malformed = MalformedResponseError(
                f"send_many: the request was accepted but its answer gives no id per message ({type(exc).__name__})",
                accepted=True,
            )
            self.failed(chunk, malformed)
            return []
        settles = []
        for slot, outcome in zip(chunk.slots, outcomes, strict=True):
            if isinstance(outcome, str):
                settles.append(Settle(slot.seq, ACCEPTED, outcome))
                slot.result = SendResult(slot.seq, slot.message, ACCEPTED, outcome)
            else:  # refused (failed), or accepted without a readable id (unknown)
                state, _ = classify(outcome)
                settles.append(Settle(slot.seq, state, error=error_record(outcome)))
                slot.result = SendResult(slot.seq, slot.message, state, error=outcome)
        return settles

    def failed(self, chunk: Chunk, exc: BaseException) -> Chunk | None:
        """Record a failed request; returns what is left to send (a batch that one bad message stopped)."""
        if isinstance(exc, InputError) and len(chunk.slots) > 1:
            match = _INDEXED_FIELD.fullmatch(exc.field)
            if match and int(match.group(1)) < len(chunk.slots):
                bad = chunk.slots[int(match.group(1))]
                self._settle([bad], exc, FAILED, False)  # checked before sending: nothing left the client
                return Chunk([slot for slot in chunk.slots if slot is not bad])
        state, retry = classify(exc)
        if isinstance(exc, STOPPING):
            self.stopped = exc
        if state == UNKNOWN and not isinstance(exc, SmsClientError):
            logger.warning("send_many: %s while sending; outcome unknown", type(exc).__name__)
        self._settle(chunk.slots, exc, state, retry)
        return None

    def _settle(self, slots: list[Slot], exc: BaseException, state: str, retry: bool) -> None:
        record = error_record(exc)
        error = exc if isinstance(exc, SmsClientError) else DeliveryUnknownError(f"{type(exc).__name__}: {exc}")
        evidence = f"{record['type']} while sending" if state == UNKNOWN else None
        if state == UNKNOWN and not isinstance(error, DeliveryUnknownError):
            error = DeliveryUnknownError(f"{type(exc).__name__}: {exc}; the message may or may not have been sent")
            error.__cause__ = exc
        self.outbox.settle(
            [Settle(s.seq, state, error=record, retry=retry, evidence=evidence) for s in slots], self.worker
        )
        for slot in slots:
            slot.result = SendResult(slot.seq, slot.message, state, error=error, evidence=evidence)


def _outbox(store: object) -> tuple[Outbox, bool]:
    """The outbox ``outbox=`` names (a file path, a ``redis://`` URL, an Outbox; None: in memory),
    and whether the run opened it (so closes it)."""
    import os

    if store is None:
        return SqliteOutbox(":memory:"), True
    if isinstance(store, str) and store.startswith(("redis://", "rediss://", "unix://")):
        from .redis_outbox import RedisOutbox

        return RedisOutbox(store), True
    if isinstance(store, str | os.PathLike):
        return SqliteOutbox(store), True
    if all(callable(getattr(store, name, None)) for name in ("open", "register", "claim", "settle")):
        return store, False  # type: ignore[return-value]
    raise InputError("outbox", "must be a file path, a redis:// URL or an Outbox")
