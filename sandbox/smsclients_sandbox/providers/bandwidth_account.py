"""Bandwidth Catapult account resources: the account and its ledger, errors, media and applications.

State per user id (the ``{userId}`` of the path):

* the account: a pre-pay balance that every message and number allocation charges, each charge
  a transaction (``sms-out``, ``mms-in``, ``local-number-per-month``, ...) with the message id
  as ``resourceId`` (BW-docs getAccountTransactions.md);
* media files: bytes with the content type they were uploaded with, up to 65 MB
  (BW-docs putMediaMediaName.md), returned as they are on download; an MMS may name them;
* applications: where inbound messages and message events of attached numbers go
  (``incomingMessageUrl``, ``incomingMessageFallbackUrl``, ``callbackHttpMethod``, timeout);
* errors: an inbound message for a number without application or URL
  (``no-application-for-number``, the BW-docs example) and every message callback that could not
  be delivered (``callback-failed``: the sandbox's code; BW-docs list none for messages).

Lists page like every Catapult list: ``page`` and ``size`` (default 25, at most 1000) and a
``Link: <…>; rel="next"`` header while more follow.
"""

from __future__ import annotations

import base64
import threading
from dataclasses import replace
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urlencode

from smsclients_sandbox.callbacks import Delivery
from smsclients_sandbox.state import State, iso_z, parse_timestamp
from smsclients_sandbox.surfaces import Surface
from smsclients_sandbox.wire import Call, Handler, Operation, ProviderError, Reply

DEFAULT_SIZE = 25
MAX_SIZE = 1000
MAX_MEDIA_BYTES = 65 * 1024 * 1024  # BW-docs: "You can upload files up to `65MB`"
OPENING_BALANCE = Decimal("100.00000")  # the sandbox's; a new account's credit
# Per-unit prices: BW-docs getAccountTransactions.md shows 0.00750 for sms-out and 0.015 for
# mms-out; inbound messages are charged the same here (the documents give no figure).
PRICES = {
    "sms-out": Decimal("0.00750"),
    "sms-in": Decimal("0.00750"),
    "mms-out": Decimal("0.01500"),
    "mms-in": Decimal("0.01500"),
}
APPLICATION_URLS = ("incomingCallUrl", "incomingMessageUrl")
TOKEN_USERS = "bw.token-user"
DEFAULT_USER = "u-sandbox"  # also the user of /_sandbox/bandwidth/inbound without user_id


def remember_users(state: State, operations: list[Operation]) -> list[Operation]:
    """``operations`` whose calls note which user id the caller's credentials go with.

    Catapult knows the user from the credentials; paths without ``{userId}`` (available numbers)
    need it to allocate numbers. The sandbox accepts any credentials, so it remembers the user id
    each API token last named in a path.
    """

    def remembering(handler: Handler) -> Handler:
        def handle(call: Call) -> Reply:
            user_id = call.path_params.get("userId")
            if user_id is not None and call.user:
                known = state.store.get(TOKEN_USERS, call.user)
                if known is None or known.get("userId") != user_id:
                    state.store.put(TOKEN_USERS, call.user, {"userId": user_id})
            return handler(call)

        return handle

    return [replace(op, handler=remembering(op.handler)) for op in operations]


def caller(state: State, call: Call) -> str:
    """The user id of the call: from its path, else the one its credentials last named (``u-sandbox``)."""
    user_id = call.path_params.get("userId")
    if user_id is not None:
        return user_id
    known = state.store.get(TOKEN_USERS, call.user) if call.user else None
    return str(known["userId"]) if known else DEFAULT_USER


def page_reply(call: Call, items: list[dict[str, Any]], url: str) -> Reply:
    """One page of ``items`` (``page``/``size`` from the query), with ``Link: rel="next"`` while more follow."""
    size = _int(call.query.get("size"), "size", DEFAULT_SIZE, 1, MAX_SIZE)
    page = _int(call.query.get("page"), "page", 0, 0, None)
    chunk = items[page * size : (page + 1) * size]
    headers = {}
    if (page + 1) * size < len(items):
        params = [(k, v) for k, v in call.query.items() if k not in ("page", "size")]
        params += [("page", str(page + 1)), ("size", str(size))]
        headers["Link"] = f'<{url}?{urlencode(params)}>; rel="next"'
    return Reply(200, chunk, headers=headers)


def _int(raw: str | None, name: str, default: int, low: int, high: int | None) -> int:
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ProviderError(400, f"{name} must be an integer", kind="invalid-request") from exc
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ProviderError(400, f"{name} must be {bounds}", kind="invalid-request")
    return value


def user_url(call: Call, *parts: str, user_id: str | None = None) -> str:
    """Absolute URL of a resource under the call's user (each part percent-encoded)."""
    user = user_id if user_id is not None else call.path_params["userId"]
    segments = "/".join(quote(part, safe="") for part in (user, *parts))
    return f"{call.base_url}/users/{segments}"


class BandwidthAccount:
    """Handlers of the account, errors, media and applications operations, and what messaging asks of them."""

    def __init__(self, state: State, surface: Surface) -> None:
        self.state = state
        self.surface = surface
        # Failed callbacks arrive on the dispatcher's worker threads; they are filed on the
        # request path (the store is the event loop's), at the next look at the errors.
        self._failed: list[tuple[str, dict[str, Any]]] = []
        self._failed_lock = threading.Lock()
        state.callbacks.dispatcher.on_failure(self._callback_failed)

    def operations(self) -> list[Operation]:
        s = self.surface
        return [
            Operation(s, "GET", "/users/{userId}/account", "get_account", self.get_account),
            Operation(s, "GET", "/users/{userId}/account/transactions", "list_account_transactions", self.transactions),
            Operation(s, "GET", "/users/{userId}/errors", "list_errors", self.list_errors),
            Operation(s, "GET", "/users/{userId}/errors/{errorId}", "get_error", self.get_error),
            Operation(s, "GET", "/users/{userId}/media", "list_media", self.list_media),
            Operation(
                s,
                "PUT",
                "/users/{userId}/media/{mediaName}",
                "upload_media",
                self.upload,
                raw_body=True,
            ),
            Operation(s, "GET", "/users/{userId}/media/{mediaName}", "download_media", self.download),
            Operation(s, "DELETE", "/users/{userId}/media/{mediaName}", "delete_media", self.delete_media),
            Operation(s, "GET", "/users/{userId}/applications", "list_applications", self.list_applications),
            Operation(s, "POST", "/users/{userId}/applications", "create_application", self.create_application),
            Operation(s, "GET", "/users/{userId}/applications/{applicationId}", "get_application", self.get_app),
            Operation(s, "POST", "/users/{userId}/applications/{applicationId}", "update_application", self.update_app),
            Operation(
                s, "DELETE", "/users/{userId}/applications/{applicationId}", "delete_application", self.delete_app
            ),
        ]

    # ------------------------------------------------------------------ account and ledger
    def _account(self, user_id: str) -> dict[str, Any]:
        doc = self.state.store.get("bw.account", user_id)
        return doc or {"balance": f"{OPENING_BALANCE:.5f}", "accountType": "pre-pay"}

    def charge(self, user_id: str, product: str, *, amount: Decimal | None = None, **extra: Any) -> None:
        """Take one unit of ``product`` off the balance and record the transaction."""
        price = PRICES[product] if amount is None else amount
        account = self._account(user_id)
        account["balance"] = f"{Decimal(account['balance']) - price:.5f}"
        self.state.store.put("bw.account", user_id, account)
        transaction_id = f"pt-{self.state.ids.alnum('bw.txn', 13)}"
        transaction = {
            "id": transaction_id,
            "time": iso_z(self.state.now()),
            "amount": f"{price:.5f}",
            "type": "charge",
            "units": 1,
            "productType": product,
            **{key: value for key, value in extra.items() if value is not None},
        }
        self.state.store.put(f"bw.txn:{user_id}", transaction_id, transaction)

    def get_account(self, call: Call) -> Reply:
        return Reply(200, self._account(call.path_params["userId"]))

    def transactions(self, call: Call) -> Reply:
        q = call.query
        items = self.state.store.scan(f"bw.txn:{call.path_params['userId']}")
        items.reverse()  # newest first
        newer = _moment(q.get("fromDate"), "fromDate")
        older = _moment(q.get("toDate"), "toDate")
        selected = [
            item
            for item in items
            if (q.get("type") is None or item["type"] == q["type"])
            and (q.get("number") is None or item.get("number") == q["number"])
            and (newer is None or _at(item) > newer)
            and (older is None or _at(item) < older)
        ]
        if q.get("maxItems") is not None:
            selected = selected[: _int(q["maxItems"], "maxItems", 0, 1, None)]
        return page_reply(call, selected, user_url(call, "account", "transactions"))

    # ------------------------------------------------------------------ errors
    def record_error(self, user_id: str, code: str, message: str, details: dict[str, str]) -> None:
        error_id = f"ue-{self.state.ids.alnum('bw.err', 13)}"
        doc = {
            "id": error_id,
            "time": iso_z(self.state.now()),
            "category": "unavailable",
            "code": code,
            "message": message,
            "details": [
                {"id": f"ued-{self.state.ids.alnum('bw.errd', 13)}", "name": name, "value": value}
                for name, value in details.items()
            ],
        }
        self.state.store.put(f"bw.err:{user_id}", error_id, doc)

    def _callback_failed(self, delivery: Delivery) -> None:
        """Dispatcher hook (a worker thread): a Bandwidth delivery that gave up."""
        if delivery.provider == "bandwidth" and delivery.owner:
            attempts = delivery.attempts
            last = attempts[-1] if attempts else {}
            failure = {
                "url": str(last.get("url", delivery.url)).split("?", 1)[0],
                "status": str(last.get("status") or last.get("error") or ""),
                "event": delivery.event,
            }
            with self._failed_lock:
                self._failed.append((delivery.owner, failure))

    def _file_failed_callbacks(self) -> None:
        with self._failed_lock:
            failed, self._failed = self._failed, []
        for user_id, failure in failed:
            self.record_error(
                user_id,
                "callback-failed",
                f"The {failure['event']} event could not be delivered to the callback URL",
                {"callbackUrl": _without_userinfo(failure["url"]), "lastResult": failure["status"]},
            )

    def list_errors(self, call: Call) -> Reply:
        self._file_failed_callbacks()
        items = self.state.store.scan(f"bw.err:{call.path_params['userId']}")
        items.reverse()  # "the most recent user errors" first
        return page_reply(call, items, user_url(call, "errors"))

    def get_error(self, call: Call) -> Reply:
        self._file_failed_callbacks()
        doc = self.state.store.get(f"bw.err:{call.path_params['userId']}", call.path_params["errorId"])
        if doc is None:
            raise ProviderError(404, f"The error {call.path_params['errorId']} could not be found", kind="not-found")
        return Reply(200, doc)

    # ------------------------------------------------------------------ media
    def media_url(self, call: Call, name: str) -> str:
        return user_url(call, "media", name)

    def has_media(self, user_id: str, name: str) -> bool:
        return self.state.store.get(f"bw.media:{user_id}", name) is not None

    def list_media(self, call: Call) -> Reply:
        items = [
            {
                "mediaName": doc["mediaName"],
                "contentLength": doc["contentLength"],
                "content": self.media_url(call, doc["mediaName"]),
            }
            for doc in self.state.store.scan(f"bw.media:{call.path_params['userId']}")
        ]
        return page_reply(call, items, user_url(call, "media"))

    def upload(self, call: Call) -> Reply:
        data = call.body if isinstance(call.body, bytes) else b""
        if len(data) > MAX_MEDIA_BYTES:
            message = f"The media size {len(data)} bytes is larger than the maximum {MAX_MEDIA_BYTES} bytes"
            raise ProviderError(400, message, kind="media-size-overflow")
        name = call.path_params["mediaName"]
        doc = {
            "mediaName": name,
            "contentLength": len(data),
            "contentType": call.headers.get("content-type") or "application/octet-stream",
            "data": base64.b64encode(data).decode("ascii"),
        }
        self.state.store.put(f"bw.media:{call.path_params['userId']}", name, doc)
        return Reply(200, empty=True)

    def _media(self, call: Call) -> dict[str, Any]:
        name = call.path_params["mediaName"]
        doc = self.state.store.get(f"bw.media:{call.path_params['userId']}", name)
        if doc is None:
            raise ProviderError(404, f"The media {name} could not be found", kind="media-not-found")
        return doc

    def download(self, call: Call) -> Reply:
        doc = self._media(call)
        return Reply(200, base64.b64decode(doc["data"]), media_type=doc["contentType"])

    def delete_media(self, call: Call) -> Reply:
        self._media(call)
        self.state.store.delete(f"bw.media:{call.path_params['userId']}", call.path_params["mediaName"])
        return Reply(200, empty=True)

    # ------------------------------------------------------------------ applications
    def application(self, user_id: str, application_id: str) -> dict[str, Any] | None:
        return self.state.store.get(f"bw.app:{user_id}", application_id)

    def list_applications(self, call: Call) -> Reply:
        items = self.state.store.scan(f"bw.app:{call.path_params['userId']}")
        return page_reply(call, items, user_url(call, "applications"))

    def create_application(self, call: Call) -> Reply:
        body = dict(call.body) if isinstance(call.body, dict) else {}
        _check_application(body)
        application_id = f"a-{self.state.ids.alnum('bw.app', 19)}"
        document = {"id": application_id, "autoAnswer": True, "callbackHttpMethod": "post", **body}
        self.state.store.put(f"bw.app:{call.path_params['userId']}", application_id, document)
        return Reply(201, headers={"Location": user_url(call, "applications", application_id)}, empty=True)

    def _app(self, call: Call) -> dict[str, Any]:
        application_id = call.path_params["applicationId"]
        doc = self.application(call.path_params["userId"], application_id)
        if doc is None:
            message = f"The application {application_id} could not be found"
            raise ProviderError(404, message, kind="application-not-found")
        return doc

    def get_app(self, call: Call) -> Reply:
        return Reply(200, self._app(call))

    def update_app(self, call: Call) -> Reply:
        doc = self._app(call)
        doc.update(call.body if isinstance(call.body, dict) else {})
        _check_application(doc)
        self.state.store.put(f"bw.app:{call.path_params['userId']}", doc["id"], doc)
        return Reply(200, empty=True)

    def delete_app(self, call: Call) -> Reply:
        doc = self._app(call)
        self.state.store.delete(f"bw.app:{call.path_params['userId']}", doc["id"])
        return Reply(200, empty=True)


def _check_application(doc: dict[str, Any]) -> None:
    """The server-side rules of BW-docs errors.md (the spec cannot say "one of these two")."""
    if not any(doc.get(key) for key in APPLICATION_URLS):
        raise ProviderError(400, "Your application must have a least one callback URL.", kind="validation-error")
    if doc.get("incomingMessageFallbackUrl") and not doc.get("incomingMessageUrl"):
        message = "Your application must have a sms callback URL in order to have a fallback URL."
        raise ProviderError(400, message, kind="validation-error")


def _moment(raw: str | None, name: str) -> float | None:
    if raw is None:
        return None
    moment = parse_timestamp(raw)
    if moment is None:
        raise ProviderError(400, f"{name} is not a valid date-time", kind="invalid-request")
    return moment.timestamp()


def _at(item: dict[str, Any]) -> float:
    moment = parse_timestamp(str(item.get("time", "")))
    return moment.timestamp() if moment is not None else 0.0


def _without_userinfo(url: str) -> str:
    # Callback URLs may embed Basic credentials (BW-docs callbacks.md); errors never show them.
    scheme, sep, rest = url.partition("://")
    host_and_path = rest.split("@", 1)[-1] if "@" in rest.split("/", 1)[0] else rest
    return f"{scheme}{sep}{host_and_path}"
