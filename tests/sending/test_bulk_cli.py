"""``smsclients send-bulk``: CSV in, results CSV out, resumable with the outbox, --dry-run sends nothing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from smsclients.cli import main
from smsclients.sending.estimate import segment_count
from smsclients_sandbox.testing import SmsSandbox

from .support import SENDER


def _campaign(path: Path, rows: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["to", "text", "tag"])
        for index in range(rows):
            writer.writerow([f"+1206432{index:04d}", f"bulk mk-b{index:07x}", ""])
        writer.writerow(["+12064329999", "", ""])  # empty text: that row's error
    return path


def test_send_bulk_writes_one_result_per_row_and_resumes(
    sandbox: SmsSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    campaign = _campaign(tmp_path / "campaign.csv", 75)
    argv = ["--json", "send-bulk", "bandwidth", str(campaign), "--from", SENDER, "--no-progress"]
    assert main(argv) == 3  # one row failed
    document = json.loads(capsys.readouterr().out)
    assert document["accepted"] == 75 and document["failed"] == 1
    with (tmp_path / "campaign.results.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["index"] for row in rows] == [str(index) for index in range(76)]
    assert rows[-1]["state"] == "failed" and rows[-1]["error_type"] == "InputError"
    assert main(argv) == 3
    again = json.loads(capsys.readouterr().out)
    assert again["accepted"] == 75 and sandbox.accepted("bandwidth") == 75 and sandbox.stats()["duplicates"] == []


def test_dry_run_counts_messages_and_segments_without_credentials(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BANDWIDTH_USER_ID", raising=False)
    campaign = _campaign(tmp_path / "c.csv", 4)
    assert main(["--json", "send-bulk", "bandwidth", str(campaign), "--from", SENDER, "--dry-run"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document == {"ok": True, "dry_run": True, "messages": 5, "invalid": 1, "segments": 4}


def test_a_file_without_the_columns_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.csv"
    path.write_text("number,body\n+12064320001,hi\n", encoding="utf-8")
    assert main(["send-bulk", "bandwidth", str(path), "--dry-run"]) == 2
    assert "'to' and 'text'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("", 1),  # an empty text is still one message
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("€" * 80, 1),
        ("€" * 81, 2),
        ("é" * 160, 1),
        ("ж" * 70, 1),
        ("ж" * 71, 2),
    ],
)
def test_segment_estimate(text: str, segments: int) -> None:
    assert segment_count(text) == segments


def test_send_bulk_skips_numbers_on_the_opt_out_list_and_counts_them(
    sandbox: SmsSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    campaign = _campaign(tmp_path / "campaign.csv", 6)
    optouts = tmp_path / "optouts.sqlite3"
    # The list `smsclients optouts` keeps: one number for this sender, one for every sender.
    assert (
        main(["optouts", "add", "--db", str(optouts), "--provider", "bandwidth", "--account", SENDER, "+12064320001"])
        == 0
    )
    assert main(["optouts", "add", "--db", str(optouts), "--provider", "bandwidth", "12064320004"]) == 0
    capsys.readouterr()
    base = ["--json", "send-bulk", "bandwidth", str(campaign), "--from", SENDER, "--no-progress"]

    assert main([*base, "--dry-run", "--optouts", str(optouts)]) == 0
    dry = json.loads(capsys.readouterr().out)
    assert dry == {"ok": True, "dry_run": True, "messages": 7, "invalid": 1, "opted_out": 2, "segments": 4}
    assert main([*base[1:], "--dry-run", "--optouts", str(optouts)]) == 0
    assert "2 opted out" in capsys.readouterr().out

    monkeypatch.setenv("SMSCLIENTS_OPTOUTS_DB", str(optouts))  # the default list, as for `smsclients send`
    assert main(base) == 3  # the empty text still fails; skipped numbers are no failure
    document = json.loads(capsys.readouterr().out)
    assert (document["accepted"], document["skipped"], document["failed"]) == (4, 2, 1)
    with (tmp_path / "campaign.results.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(row["index"], row["error_type"]) for row in rows if row["state"] == "skipped"] == [
        ("1", "OptedOutError"),
        ("4", "OptedOutError"),
    ]
    assert sandbox.accepted("bandwidth") == 4
    assert main(base) == 3  # resumed: still skipped, nothing sent twice
    assert json.loads(capsys.readouterr().out)["skipped"] == 2 and sandbox.accepted("bandwidth") == 4


def test_an_opt_out_list_that_cannot_be_opened_is_bad_input(
    sandbox: SmsSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    campaign = _campaign(tmp_path / "campaign.csv", 2)
    argv = ["--json", "send-bulk", "bandwidth", str(campaign), "--from", SENDER, "--no-progress"]
    assert main([*argv, "--optouts", str(tmp_path / "missing-dir" / "o.sqlite3")]) == 2
    assert "--optouts" in capsys.readouterr().out
    assert sandbox.accepted("bandwidth") == 0
