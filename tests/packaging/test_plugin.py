"""The pytest plugin: ``sms_sandbox`` in a user's test suite, run by pytester in a subprocess with ``-p``.

CI also runs the worked examples of the README and the testing guide with the plugin found through
its ``pytest11`` entry point, from the installed wheel (``.ci/wheel-smoke``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.readme import worked_example

PLUGIN = "smsclients_sandbox.pytest_plugin"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def source_roots(monkeypatch: pytest.MonkeyPatch) -> None:
    """The child pytest imports the packages from the source trees (CI runs it from the wheel)."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(str(ROOT / p) for p in ("clients", "overlays", "sandbox")))
    # Only the plugin under test (given with -p): the dev environment's other plugins cost seconds per run.
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    # A subprocess: sandbox imports (C extensions among them) must not be unloaded between runs,
    # as an in-process run's module snapshot would do.
    return pytester.runpytest_subprocess("-p", PLUGIN, "-q", *args, timeout=120)


def test_the_documented_worked_examples_pass(pytester: pytest.Pytester) -> None:
    files = worked_example()
    assert set(files) == {"test_welcome.py", "myapp.py", "test_myapp.py"}
    pytester.makepyfile(**{name.removesuffix(".py"): code for name, code in files.items()})
    _run(pytester).assert_outcomes(passed=5)


USER_TESTS = """
import os

import pytest
from smsclients import BandwidthClient, DeliveryUnknownError, FlowrouteClient, MessageMediaClient, ServerError


def test_env_points_every_client_at_the_sandbox(sms_sandbox):
    assert os.environ["FLOWROUTE_BASE_URL"] == sms_sandbox.base_urls["flowroute-v2"]
    assert os.environ["MESSAGEMEDIA_API_KEY"] == sms_sandbox.credentials["messagemedia-messages-v1"][0]
    assert set(sms_sandbox.env) <= set(os.environ)
    with FlowrouteClient() as fr, BandwidthClient() as bw:
        fr.messages.send(to="12066418000", from_="12012673227", body="one mk-0000aaaa01")
        bw.messages.send(from_="+19195551212", to="+19195554444", text="two")
    assert sms_sandbox.accepted() == 2 and sms_sandbox.accepted("flowroute") == 1
    assert sms_sandbox.accepted("bandwidth-messaging-v1") == 1
    assert sms_sandbox.stats()["markers"]["distinct"] == 1
    with pytest.raises(ValueError, match="unknown provider"):
        sms_sandbox.accepted("twilio")


def test_each_test_starts_from_a_reset_sandbox(sms_sandbox):
    assert sms_sandbox.accepted() == 0


def test_fault_injection_reaches_code_that_sets_no_header(sms_sandbox):
    sms_sandbox.fail_next("503")
    with BandwidthClient() as bw:
        with pytest.raises(ServerError):  # a send answered 503 is not repeated
            bw.messages.send(from_="+19195551212", to="+19195554444", text="refused")
        sms_sandbox.fail_next("reset-after")
        with pytest.raises(DeliveryUnknownError):
            bw.messages.send(from_="+19195551212", to="+19195554444", text="arrived, answer lost")
    assert sms_sandbox.accepted() == 1


def test_rates_and_delivery_progress(sms_sandbox):
    sms_sandbox.set_faults(rate_429=1.0)
    assert sms_sandbox.info()["faults"]["rate_429"] == 1.0
    sms_sandbox.set_faults()
    with MessageMediaClient() as mm:
        sent = mm.messages.send([{"content": "hi", "destination_number": "+61491570156", "delivery_report": True}])
        sms_sandbox.advance(2)
        assert mm.messages.status(str(sent.messages[0].message_id)).status in ("enroute", "delivered")


def test_the_clock_and_the_seed(sms_sandbox):
    sms_sandbox.advance_clock(3600)
    assert sms_sandbox.info()["clock_offset_s"] == 3600
    assert sms_sandbox.info()["seed"] == 7  # the ini option
"""


def test_the_fixture_in_a_user_suite(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nsms_sandbox_seed = 7\n")
    pytester.makepyfile(test_user=USER_TESTS)
    _run(pytester).assert_outcomes(passed=5)


def test_loading_the_plugin_imports_nothing_of_the_sandbox() -> None:
    """pytest imports every registered plugin at start; without the extra that must still work."""
    code = (
        "import sys, smsclients_sandbox.pytest_plugin\n"
        "heavy = ('uvicorn', 'starlette', 'openapi_core', 'yaml', 'smsclients_sandbox.server')\n"
        "print([m for m in heavy if m in sys.modules])\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "sandbox")}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


def test_without_the_extra_the_fixture_names_it(pytester: pytest.Pytester) -> None:
    pytester.makeconftest("import sys\nsys.modules['starlette'] = None  # as if the extra were not installed\n")
    pytester.makepyfile(test_it="def test_it(sms_sandbox):\n    pass\n", test_other="def test_other():\n    pass\n")
    result = _run(pytester)
    result.assert_outcomes(passed=1, errors=1)  # pytest started; only the test that uses the fixture fails
    result.stdout.fnmatch_lines(["*MissingExtraError*starlette*extra 'sandbox'*"])
