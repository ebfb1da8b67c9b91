"""The outbox in Redis: one campaign shared by workers on several machines, same rules as SQLite.

Every claim and state change is one Lua script, so it is atomic on the server: two workers never
claim one message, and an outcome is recorded only by the worker that holds the message. Rows are
hashes under ``smsclients:outbox:<campaign>:``. Use the same Redis as the pacing (``rate_limit=``)
so one server is all the machines share. Needs ``redis`` (extra ``scale``).

    send_many(rows, outbox="redis://redis.internal:6379/0?campaign=spring-sale")
"""

from __future__ import annotations

import functools
import json
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..errors import InputError, SmsClientError
from .outbox import PENDING, STATES, Row, Settle

__all__ = ["OutboxUnavailableError", "RedisOutbox"]


class OutboxUnavailableError(SmsClientError):
    """The Redis holding the outbox cannot be reached: the run stops; the next one resumes from it."""


F = TypeVar("F", bound=Callable[..., Any])


def _guarded(method: F) -> F:
    """Redis failures as :class:`OutboxUnavailableError` (the type only: the text may name the URL)."""

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        import redis

        try:
            return method(*args, **kwargs)
        except redis.RedisError as exc:
            raise OutboxUnavailableError(f"the outbox's Redis cannot be used ({type(exc).__name__})") from exc

    return wrapper  # type: ignore[return-value]


# KEYS: the rows; ARGV: worker, now, then the states that may be claimed. Returns the claimed keys.
_CLAIM = """
local claimed = {}
local allowed = {}
for i = 3, #ARGV do allowed[ARGV[i]] = true end
for _, key in ipairs(KEYS) do
  local state = redis.call('HGET', key, 'state')
  local retry = redis.call('HGET', key, 'retry')
  if state and (allowed[state] or (state == 'failed' and retry == '1')) then
    redis.call('HSET', key, 'state', 'sending', 'claimed_by', ARGV[1], 'attempt_at', ARGV[2])
    table.insert(claimed, key)
  end
end
return claimed
"""
# KEYS[1]: the row; ARGV: from-state, holder ('' = none), then field/value pairs to set.
_MOVE = """
local state = redis.call('HGET', KEYS[1], 'state')
if state ~= ARGV[1] then return 0 end
if ARGV[2] ~= '*' and (redis.call('HGET', KEYS[1], 'claimed_by') or '') ~= ARGV[2] then return 0 end
for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 1
"""
# KEYS: rows; ARGV: for each row its message JSON, fingerprint, key. Adds the rows not there yet.
_REGISTER = """
for i, row in ipairs(KEYS) do
  if redis.call('EXISTS', row) == 0 then
    local base = (i - 1) * 3
    redis.call('HSET', row, 'state', 'pending', 'message', ARGV[base + 1], 'fingerprint', ARGV[base + 2],
      'key', ARGV[base + 3], 'retry', '0')
  end
end
return #KEYS
"""
# KEYS[1]: the row; ARGV: holder ('' = any), then field/value pairs.
_SETTLE = """
if ARGV[1] ~= '' and redis.call('HGET', KEYS[1], 'claimed_by') ~= ARGV[1] then return 0 end
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 1
"""


class RedisOutbox:
    """See the module docstring; ``url`` is a ``redis://`` URL, ``campaign`` names the campaign."""

    def __init__(self, url: str, campaign: str | None = None) -> None:
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        name = campaign or query.pop("campaign", None)
        if not name:
            raise InputError("outbox", "a Redis outbox needs a campaign name (?campaign=... in the URL)")
        try:
            import redis
        except ImportError as exc:
            raise InputError("outbox", "a Redis outbox needs redis: pip install 'sms-provider-clients[scale]'") from exc
        self._redis = redis.Redis.from_url(urlunsplit(parts._replace(query=urlencode(query))))
        self._prefix = f"smsclients:outbox:{name}:"
        self._claim = self._redis.register_script(_CLAIM)
        self._move = self._redis.register_script(_MOVE)
        self._register = self._redis.register_script(_REGISTER)
        self._settle = self._redis.register_script(_SETTLE)

    def __repr__(self) -> str:
        return f"RedisOutbox(campaign={self._prefix.split(':')[2]!r})"  # never the URL (it may hold a password)

    def _row_key(self, seq: int) -> str:
        return f"{self._prefix}row:{seq}"

    @_guarded
    def open(self, provider: str) -> str:
        meta = self._prefix + "meta"
        self._redis.hsetnx(meta, "provider", provider)
        self._redis.hsetnx(meta, "campaign", uuid.uuid4().hex[:12])
        found: Mapping[bytes, bytes] = self._redis.hgetall(meta)  # type: ignore[assignment]  # sync client
        stored = {key.decode(): value.decode() for key, value in found.items()}
        if stored["provider"] != provider:
            raise InputError("outbox", f"belongs to a {stored['provider']} campaign, not {provider}")
        return str(stored["campaign"])

    @_guarded
    def register(self, rows: Sequence[tuple[int, str, Mapping[str, Any], str]]) -> dict[int, Row]:
        if not rows:
            return {}
        keys = [self._row_key(seq) for seq, _, _, _ in rows]
        argv: list[str] = []
        for _, fingerprint, message, key in rows:
            argv += [json.dumps(message, default=str), fingerprint, key]
        self._register(keys=keys, args=argv)
        pipe = self._redis.pipeline(transaction=False)
        for key in keys:
            pipe.hgetall(key)
        return {seq: _row(seq, found) for (seq, _, _, _), found in zip(rows, pipe.execute(), strict=True)}

    @_guarded
    def claim(self, seqs: Iterable[int], worker: str, *, states: Sequence[str] = (PENDING,)) -> set[int]:
        keys = [self._row_key(seq) for seq in seqs]
        if not keys:
            return set()
        claimed = self._claim(keys=keys, args=[worker, repr(time.time()), *states])
        return {int(key.decode().rsplit(":", 1)[1]) for key in claimed}

    @_guarded
    def mark_unknown(self, seq: int, worker: str | None, evidence: str) -> bool:
        args = ["sending", worker or "", "state", "unknown", "evidence", evidence]
        return bool(self._move(keys=[self._row_key(seq)], args=args))

    @_guarded
    def release(self, seq: int) -> bool:
        return bool(self._move(keys=[self._row_key(seq)], args=["unknown", "*", "state", "pending"]))

    @_guarded
    def settle(self, outcomes: Sequence[Settle], worker: str | None = None) -> None:
        pipe = self._redis.pipeline(transaction=False)
        for outcome in outcomes:
            fields = ["state", outcome.state, "retry", "1" if outcome.retry else "0"]
            if outcome.message_id is not None:
                fields += ["message_id", outcome.message_id]
            if outcome.error is not None:
                fields += ["error", json.dumps(outcome.error)]
            if outcome.evidence is not None:
                fields += ["evidence", outcome.evidence]
            self._settle(keys=[self._row_key(outcome.seq)], args=[worker or "", *fields], client=pipe)
        pipe.execute()

    @_guarded
    def counts(self) -> dict[str, int]:
        found = dict.fromkeys(STATES, 0)
        for key in self._redis.scan_iter(match=self._prefix + "row:*", count=1000):
            state: bytes | None = self._redis.hget(key, "state")  # type: ignore[assignment]  # sync client
            if state is not None:
                found[state.decode()] = found.get(state.decode(), 0) + 1
        return found

    def close(self) -> None:
        self._redis.close()


def _row(seq: int, found: Mapping[bytes, bytes]) -> Row:
    data = {key.decode(): value.decode() for key, value in found.items()}
    return Row(
        seq=seq,
        fingerprint=data.get("fingerprint", ""),
        key=data.get("key", ""),
        state=data.get("state", PENDING),
        message=json.loads(data.get("message", "{}")),
        message_id=data.get("message_id") or None,
        error=json.loads(data["error"]) if data.get("error") else None,
        retry=data.get("retry") == "1",
        claimed_by=data.get("claimed_by") or None,
        attempt_at=float(data["attempt_at"]) if data.get("attempt_at") else None,
        evidence=data.get("evidence") or None,
    )
