"""The bodies the sandbox sends to callback URLs, shaped like the documented payloads.

Each provider's shapes are the ``webhooks`` of its spec in ``specs/`` (the sandbox checks every
body against them before sending): Flowroute v2.1 JSON:API delivery receipts and inbound
messages, Bandwidth message events (JSON, or query parameters in GET mode), MessageMedia delivery
reports and replies.
"""

from __future__ import annotations

from typing import Any

# MessageMedia's `error_code` for the statuses the sandbox reports (MM-docs: 101 "being processed
# by the gateway", 220 "delivered", 302 "Destination address blocked" for an opted-out number);
# other statuses carry none.
MESSAGEMEDIA_ERROR_CODES = {"enroute": "101", "delivered": "220", "rejected": "302"}


def flowroute_receipts(record: dict[str, Any], mdr_url: str) -> list[dict[str, Any]]:
    """The delivery receipt documents of an outbound v2.1 record, in the order they happen."""
    attributes = record["attributes"]
    documents = []
    for receipt in reversed(attributes.get("delivery_receipts") or []):  # the record lists newest first
        code = receipt.get("status_code")
        documents.append(
            {
                "data": {
                    "type": "delivery_receipt",
                    "id": record["id"],
                    "attributes": {
                        "body": "" if attributes.get("is_mms") else attributes.get("body", ""),
                        "level": receipt["level"],
                        "status": receipt["status"],
                        "status_code": None if code is None else str(code),
                        "status_code_description": receipt["status_code_description"],
                        "timestamp": receipt["timestamp"],
                    },
                    "links": {"related": mdr_url},
                }
            }
        )
    return documents


def flowroute_inbound(record: dict[str, Any], callback_url: str, media_urls: list[str]) -> dict[str, Any]:
    """The v2.1 inbound SMS / MMS document: the record, ``message_callback_url``, media in ``included``."""
    data = {**record, "attributes": {**record["attributes"], "message_callback_url": callback_url}}
    document: dict[str, Any] = {"data": data}
    if media_urls:
        media = [{"type": "media", "id": f"{record['id']}-{i}"} for i in range(len(media_urls))]
        data["relationships"] = {"media": {"data": media}}
        document["included"] = [
            {**identifier, "attributes": {"url": url}} for identifier, url in zip(media, media_urls, strict=True)
        ]
    return document


def flowroute_v2_inbound(record_id: str, to: str, sender: str, text: str) -> dict[str, Any]:
    """The Messages v2 era's flat inbound message."""
    return {"to": to, "body": text, "from": sender, "id": record_id}


def bandwidth_event(message: dict[str, Any], message_uri: str, *, delivery: bool = False) -> dict[str, Any]:
    """A message event for a stored message: its current state, or (``delivery``) its delivery receipt."""
    media = list(message.get("media") or [])
    event: dict[str, Any] = {
        "eventType": "mms" if media else "sms",
        "direction": message["direction"],
        "messageId": message["id"],
        "messageUri": message_uri,
        "from": message["from"],
        "to": message["to"],
        "text": message.get("text", ""),
        "time": message["time"],
        "state": message["state"],
        "segmentCount": message.get("segmentCount", 1),
    }
    if media:
        event["media"] = media
    if message["direction"] == "in":
        event["applicationId"] = message.get("applicationId", "a-sandbox")
    if delivery:
        event["deliveryState"] = message.get("deliveryState", "delivered")
        event["deliveryCode"] = message.get("deliveryCode", 0)
        event["deliveryDescription"] = message.get("deliveryDescription", "Message delivered to carrier")
    if message.get("tag") is not None:
        event["tag"] = message["tag"]
    return event


def bandwidth_query(event: dict[str, Any]) -> list[tuple[str, str]]:
    """The event as GET query parameters; media in the documents' bracketed form ``[url1, url2]``."""
    params = []
    for key, value in event.items():
        if isinstance(value, list):
            params.append((key, "[" + ", ".join(str(v) for v in value) + "]"))
        else:
            params.append((key, str(value)))
    return params


def messagemedia_report(report: dict[str, Any]) -> dict[str, Any]:
    """The delivery report webhook: the stored report plus the documented ``error_code``."""
    body = dict(report)
    code = MESSAGEMEDIA_ERROR_CODES.get(str(report.get("status")))
    if code is not None:
        body["error_code"] = code
    return body
