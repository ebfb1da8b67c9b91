"""Every argument that names a file refuses a name no file can have with an InputError naming it.

The class: ``open`` and ``sqlite3.connect`` raise TypeError for an int or bytes and
ValueError("embedded null byte") for a NUL character. Each entry point that takes a file name from
the application checks it first (``smsclients.files.file_path``); a missing file keeps its OSError
where the legacy SDK raised one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from smsclients import FlowrouteClient, InputError
from smsclients.files import file_path
from smsclients.legacy.bandwidth_account import Client as BandwidthAccount
from smsclients.legacy.flowroute_v3 import FlowroutenumbersandmessagingClient
from smsclients.sending import SqliteOutbox
from smsclients.sending.optouts import SQLiteOptOutStore, open_store

IMPOSSIBLE = ["a\x00b", "\x00", Path("dir") / "x\x00y", "", "   ", 3, b"bytes", None, 1.5]


def _fr_v3_parse(name: Any) -> object:
    return FlowroutenumbersandmessagingClient("a", "s").cdrs.parse_cdr_export(name)


def _bw_upload(name: Any) -> object:
    with BandwidthAccount("u-1", "t", "s", api_endpoint="http://127.0.0.1:9") as api:
        return api.upload_media_file("m.bin", file_path=name)


def _send_many_outbox(name: Any) -> object:
    with FlowrouteClient("a", "s", base_url="http://127.0.0.1:9") as fr:
        return list(fr.messages.send_many([{"to": "+12065550100", "text": "x"}], from_="+12012673227", outbox=name))


ENTRY_POINTS: dict[str, tuple[Callable[[Any], object], str]] = {
    "files.file_path": (lambda name: file_path(name, "filename"), "filename"),
    "legacy flowroute_v3 cdrs.parse_cdr_export": (_fr_v3_parse, "filename"),
    "legacy bandwidth account upload_media_file": (_bw_upload, "file_path"),
    "SqliteOutbox": (SqliteOutbox, "outbox"),
    "SQLiteOptOutStore": (SQLiteOptOutStore, "optouts"),
    "open_store": (open_store, "optouts"),
    "send_many outbox=": (_send_many_outbox, "outbox"),
}


# None is a documented default there, not a file name: the in-memory outbox; "no file" (content= then).
NONE_MEANS_DEFAULT = {"send_many outbox=", "legacy bandwidth account upload_media_file"}
CASES = [
    (entry, name)
    for entry in sorted(ENTRY_POINTS)
    for name in IMPOSSIBLE
    if name is not None or entry not in NONE_MEANS_DEFAULT
]


@pytest.mark.parametrize(("entry", "name"), CASES, ids=[f"{e}-{n!r}" for e, n in CASES])
def test_a_name_no_file_can_have_is_an_input_error_naming_the_argument(entry: str, name: Any) -> None:
    call, field = ENTRY_POINTS[entry]
    with pytest.raises(InputError) as caught:
        call(name)
    assert caught.value.field == field


def test_a_good_name_passes_and_a_missing_file_keeps_the_sdks_os_error(tmp_path: Path) -> None:
    assert file_path(tmp_path / "a.csv", "filename") == tmp_path / "a.csv"
    with pytest.raises(FileNotFoundError):
        _bw_upload(str(tmp_path / "missing.bin"))
