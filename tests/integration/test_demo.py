"""``python -m demo`` (what ``make demo`` runs) end to end: a real sandbox, every flow, exit 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from demo.run import FLOWS

REPO_ROOT = Path(__file__).resolve().parents[2]

# One line per step, per flow: (flow label, step name) pairs the demo must print, in this order.
EXPECTED_STEPS = {
    "flowroute v3 modern": [
        "list_available_area_codes",
        "list_available_exchange_codes",
        "search_purchasable",
        "purchase",
        "list_account_numbers",
        "get (number details)",
        "routes.create",
        "routes.list",
        "routes.set_primary",
        "routes.set_failover",
        "messages.send (MMS)",
        "messages.list",
        "messages.get (MDR)",
    ],
    "flowroute v3 legacy": [
        "list_available_area_codes",
        "list_available_exchange_codes",
        "search_for_purchasable_phone_numbers",
        "purchase_a_phone_number",
        "list_account_phone_numbers",
        "list_phone_number_details",
        "create_an_inbound_route",
        "list_inbound_routes",
        "update_primary_voice_route",
        "update_failover_voice_route",
        "send_a_message (MMS)",
        "look_up_a_set_of_messages",
        "look_up_a_message_detail_record",
    ],
    "flowroute v2 modern": ["messages_v2.send", "messages_v2.get (MDR)"],
    "flowroute v2 legacy": ["create_message", "get_message_lookup"],
    "flowroute port orders": [
        "porting.check_portability",
        "port_orders.create",
        "port_orders.request_upload",
        "upload (document)",
        "port_orders.get (documents)",
        "Flowroute's steps (sandbox)",
        "port_orders.get_status",
        "numbers.get (ported number)",
    ],
    "bandwidth modern": ["messages.send", "messages.send_batch", "messages.iter (size=2)", "messages.get"],
    "bandwidth legacy": ["send_message", "send_messages", "list_messages (size=2)", "get_message"],
    "bandwidth mms modern": [
        "media.upload",
        "media.list",
        "media.download",
        "applications.create",
        "available_numbers.search_local",
        "phone_numbers.allocate",
        "phone_numbers.update (attach)",
        "messages.send (mms)",
        "message event received at the application",
        "inbound mms injected (sandbox)",
        "inbound mms received at the application",
        "account.iter_transactions",
        "account.get",
        "phone_numbers.delete (release)",
        "applications.delete",
        "media.delete",
    ],
    "bandwidth mms legacy": [
        "upload_media_file",
        "list_media_files",
        "download_media_file",
        "create_application",
        "search_and_order_local_numbers",
        "update_phone_number (attach)",
        "send_message (mms)",
        "message event received at the application",
        "inbound mms injected (sandbox)",
        "inbound mms received at the application",
        "list_account_transactions",
        "get_account",
        "delete_phone_number",
        "delete_application",
        "delete_media_file",
    ],
}
MESSAGEMEDIA_MODERN = [
    "messages.send",
    "messages.status #1",
    "messages.status #2",
    "messages.send (scheduled)",
    "messages.cancel",
    "delivery_reports.check",
    "delivery_reports.confirm",
    "reply injected (sandbox)",
    "replies.check",
    "replies.confirm",
    "replies.check (after confirm)",
]
MESSAGEMEDIA_LEGACY = [
    "create_send_messages",
    "get_message_status #1",
    "get_message_status #2",
    "create_send_messages (scheduled)",
    "update_cancel_scheduled_message",
    "get_check_delivery_reports",
    "create_confirm_delivery_reports_as_received",
    "reply injected (sandbox)",
    "get_check_replies",
    "create_confirm_replies_as_received",
]
for auth in ("basic", "hmac"):
    EXPECTED_STEPS[f"messagemedia {auth} modern"] = MESSAGEMEDIA_MODERN
    EXPECTED_STEPS[f"messagemedia {auth} legacy"] = MESSAGEMEDIA_LEGACY
EXPECTED_STEPS["webhooks modern"] = [
    "signature key (sandbox)",
    "receiver started",
    "flowroute messages.send (dlr_callback)",
    "flowroute receipts received",
    "flowroute inbound injected (sandbox)",
    "flowroute inbound received",
    "bandwidth messages.send (callback, GET)",
    "bandwidth events received",
    "bandwidth inbound injected (sandbox)",
    "bandwidth inbound received",
    "messagemedia messages.send (callback_url)",
    "messagemedia messages.status #1",
    "messagemedia messages.status #2",
    "messagemedia reports received (signed)",
    "messagemedia reply injected (sandbox)",
    "messagemedia reply received (signed)",
]
EXPECTED_STEPS["messagemedia mgmt modern"] = [
    "signature_keys.create",
    "signature_keys.enable",
    "webhooks.create (templated)",
    "webhooks.list",
    "webhooks.update",
    "messages.send",
    "messages.status #1",
    "messages.status #2",
    "templated reports received (signed)",
    "webhooks.delete",
    "number_authorisation.block",
    "number_authorisation.is_authorised",
    "messages.send (to the opted-out number)",
    "messages.status",
    "number_authorisation.unblock",
    "lookups.lookup",
]
EXPECTED_STEPS["messagemedia mgmt legacy"] = [
    "create_webhook",
    "retrieve_webhook",
    "update_webhook",
    "delete_webhook",
    "get_lookup_a_phone_number",
]


@pytest.mark.parametrize(
    ("args", "mode"),
    [([], ""), (["--realistic"], ", realistic answers")],
    ids=["seed answers", "realistic answers"],
)
def test_demo_runs_every_flow_and_exits_0(args: list[str], mode: str) -> None:
    """In realistic mode the sandbox answers with the documented real-world variants (later enum
    values, omitted optional fields, extra fields, every documented ``included`` type)."""
    path = os.pathsep.join(str(REPO_ROOT / part) for part in ("clients", "overlays", "sandbox", "."))
    env = {**os.environ, "PYTHONPATH": path}
    completed = subprocess.run(
        [sys.executable, "-m", "demo", *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    lines = completed.stdout.splitlines()
    assert lines[0].startswith(f"sandbox (seed 1{mode}) at http://127.0.0.1:")
    step_lines = [line for line in lines if " -> " in line]
    printed = [(line[:26].strip(), line[27:].split(" -> ")[0].strip()) for line in step_lines]
    expected = [(flow, name) for flow, _ in FLOWS for name in EXPECTED_STEPS[flow]]
    assert printed == expected
    assert all(line.split(" -> ", 1)[1].strip() for line in step_lines)  # every step shows a result
    assert "FAILED" not in completed.stdout
    assert lines[-2].startswith(f"{len(FLOWS)} flows, {len(expected)} steps ok, 0 failed;")
    assert ", 0 spec violations;" in lines[-2]
    assert lines[-1] == "demo OK"
    assert completed.stderr == ""


def test_demo_names_the_failed_step() -> None:
    """A failing step is reported by flow and step name, and the exit status is non-zero."""
    import io

    from demo.steps import Reporter, StepFailed, Target, check

    out = io.StringIO()
    reporter = Reporter(out)
    reporter.begin("bandwidth modern")
    target = Target(base_urls={}, credentials={}, inject_reply=lambda content, message_id: None)
    assert target.schedule_at.tzinfo is not None
    try:
        reporter("messages.get", lambda: check(False, "another message"))
    except StepFailed as failure:
        assert failure.label == "bandwidth modern messages.get"
        assert "AssertionError: another message" in str(failure)
    else:
        raise AssertionError("the step did not fail")
    assert out.getvalue() == ""
