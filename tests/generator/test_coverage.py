"""docs/coverage.md: current, complete, and derived the way generator/coverage.py says."""

from __future__ import annotations

import textwrap

import pytest
import yaml

from generator import coverage
from generator.catalog import load_catalog
from generator.spec_model import operations


@pytest.fixture(scope="module")
def built() -> str:
    return coverage.build()


def test_the_committed_table_is_current(built: str) -> None:
    assert coverage.OUTPUT.read_text(encoding="utf-8") == built, "docs/coverage.md is stale: run `make coverage`"


def test_every_operation_of_every_spec_has_a_row(built: str) -> None:
    for entry in load_catalog():
        raw = yaml.safe_load(entry.spec_path.read_bytes())
        ops = list(operations(raw))
        section = built.split(f'<a id="{entry.name}"></a>', 1)[1].split('<a id="', 1)[0]
        for op in ops:
            assert f"| `{op.operation_id}` " in section, f"{entry.name}: {op.operation_id} has no row"
        assert f"(`{entry.spec}`) | {len(ops)} |" in built


def test_flowroute_has_at_least_sixty_operations_all_on_the_modern_client_and_the_sandbox(built: str) -> None:
    row = next(line for line in built.splitlines() if "(`specs/flowroute-v2.yaml`) |" in line)
    total, modern, _legacy, sandbox = (int(cell) for cell in row.split("|")[2:6])
    assert total >= 60
    assert modern == total and sandbox == total


def test_rows_name_the_modern_method_the_legacy_caller_and_the_sandbox(built: str) -> None:
    lines = built.splitlines()
    purchase = next(line for line in lines if line.startswith("| `purchase_number` "))
    assert "`numbers.purchase`" in purchase
    assert "`flowroute_v3.NumbersController.purchase_a_phone_number`" in purchase
    assert purchase.endswith("| yes |")
    status = next(line for line in lines if line.startswith("| `get_message_status` "))
    # Through `with_raw_response` and on another provider's client.
    assert "`messagemedia.MessagesController.get_message_status`" in status
    create = next(line for line in lines if line.startswith("| `create_port_order` "))
    assert "`port_orders.create`" in create and "| — | yes |" in create  # no legacy SDK had port orders


def _attachment(attribute: str, methods: dict[str, str]) -> coverage.Attachment:
    return coverage.Attachment("Client", attribute, "pkg", {m: frozenset({r}) for m, r in methods.items()})


def test_legacy_calls_are_found_through_aliases_raw_responses_and_helpers() -> None:
    source = textwrap.dedent(
        """
        class Controller:
            def __init__(self, client):
                self._numbers = client.numbers
                self._client = client

            def direct(self):
                return self._client.numbers.get("1")

            def aliased(self):
                return self._numbers.purchase("1")

            def raw(self):
                return self._client.numbers.with_raw_response.release("1")

            def through_helpers(self):
                return self._helper()

            def _helper(self):
                return _module_helper(self._client)

            def unrelated(self):
                return self._client.download("https://example.com/x")

        def _module_helper(client):
            return client.messages.send(to="1")

        class _Private:
            def hidden(self, client):
                return client.numbers.get("2")
        """
    )
    resources = {
        "numbers": _attachment("numbers", {"get": "GET /n/{}", "purchase": "POST /n/{}", "release": "DELETE /n/{}"}),
        "messages": _attachment("messages", {"send": "POST /m"}),
    }
    reader = coverage._LegacyModule("legacy", source, resources)
    found = {key: reader.operations_of(key) for key in reader.public}
    assert found == {
        "Controller.direct": {"GET /n/{}"},
        "Controller.aliased": {"POST /n/{}"},
        "Controller.raw": {"DELETE /n/{}"},
        "Controller.through_helpers": {"POST /m"},
        "Controller.unrelated": set(),
    }


def test_source_conflicts_are_placed_at_the_key_below_them() -> None:
    text = textwrap.dedent(
        """
        paths:
          /things:
            get:
              parameters:
                # Source conflict: the docs say integer, the SDK sends a string;
                # chose a string.
                - name: limit
                  in: query
        components:
          schemas:
            # Source conflict: two shapes; both read.
            Thing:
              type: object
            # An ordinary comment.
            Other:
              type: object
        # Source conflict: said last.
        """
    )
    assert coverage.source_conflicts(text) == [
        ("paths / /things / get / parameters / limit", "the docs say integer, the SDK sends a string; chose a string."),
        ("components / schemas / Thing", "two shapes; both read."),
        ("(end of document)", "said last."),
    ]


def test_generated_methods_resolve_to_their_requests_sync_and_async() -> None:
    from flowroute_v2_client.resources.numbers import AsyncNumbers, Numbers

    for resource in (Numbers, AsyncNumbers):
        methods = coverage._resource_methods(resource)
        assert methods["purchase"] == {"POST /v2/numbers/{}"}
        assert methods["iter_account_numbers"] == methods["list_account_numbers"] == {"GET /v2/numbers"}
        assert "with_raw_response" not in methods


def test_every_public_legacy_drop_in_is_seen_calling_the_api() -> None:
    """A drop-in whose calls the reader cannot follow (a refactor through a helper, a property, a
    local) would silently empty its column: each public legacy module must reach operations."""
    found = coverage.legacy_coverage(coverage._facade_clients(with_async=True))
    modules = {caller.split(".", 1)[0] for callers in found.values() for caller in callers}
    expected = {
        "bandwidth",
        "bandwidth_account",
        "flowroute_messaging",
        "flowroute_v3",
        "messagemedia",
        "messagemedia_v2",
        "messagemedia_webhooks",
        "messagemedia_lookups",
    }
    assert expected <= modules, f"no operations found for {sorted(expected - modules)}"
