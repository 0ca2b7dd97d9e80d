"""``qms review`` from the command line: a meeting planned, started, minuted and signed,
the minutes written to a file, and bad input as one line on stderr that changes nothing."""

import json
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy.engine import Engine

from qms.services.reviews.words import INPUTS
from tests.cli.conftest import Invoke
from tests.cli.test_init import run
from tests.helpers import last_event, snapshot, trail_actions
from tests.pinned_clock import TODAY, days_from_today
from tests.services import objectives_setup as obj

PLAN = (
    "review", "plan", "--date", f"{days_from_today(7):%Y-%m-%d}", "--from", f"{TODAY.year}-01-01",
    "--to", f"{TODAY:%Y-%m-%d}", "--chair", "hai", "--attendees", "quang,hung",
    "--place", "Phòng họp số 1",
)  # fmt: skip
REF = f"MR-{days_from_today(7).year}-01"


def ok(qms: Invoke, *args: str, input: str | None = None) -> str:
    result = qms(*args, input=input)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_review_from_planning_to_signed_minutes(
    qms: Invoke, password: str, tmp_path: Path
) -> None:
    assert ok(qms, *PLAN, "--as", "thu") == f"planned {REF}\n"
    started = ok(
        qms, "review", "start", REF, "--text", "resources=Thiếu 01 máy quét", "--as", "thu"
    )
    assert started.startswith(f"{REF} started; input pack ")
    for key in INPUTS:
        ok(qms, "review", "conclude", REF, key, "Đạt yêu cầu", "--as", "thu")
    assert (
        ok(qms, "review", "decide", REF, "--kind", "resources", "Bổ sung máy quét", "--as", "thu")
        == f"{REF}: decision 1 (Resource need)\n"
    )
    due = f"{days_from_today(30):%Y-%m-%d}"
    assert (
        ok(
            qms,
            "review",
            "act",
            REF,
            "1",
            "--as-action",
            "--owner",
            "lan",
            "--due",
            due,
            "--as",
            "thu",
        )
        == f"{REF}: decision 1 -> Action: Nguyễn Thị Lan, {due}\n"
    )
    signed = ok(qms, "review", "sign", REF, "--as", "hai", input=password)
    assert signed.startswith(f"{REF} signed by hai; minutes PDF ")
    shown = json.loads(ok(qms, "review", "show", REF, "--format", "json", "--as", "hung"))
    assert shown["status"] == "signed"
    assert shown["inputs"][9]["text"] == "Thiếu 01 máy quét"
    assert signed.split()[-1] == shown["minutes_sha256"]
    out = tmp_path / "minutes.pdf"
    ok(qms, "review", "pdf", REF, "-o", str(out), "--as", "quang")
    assert PdfReader(out).pages
    listed = ok(qms, "review", "list", "--as", "hai").splitlines()
    assert listed[1].split()[:2] == [REF, "Signed"]


def test_bad_input_is_one_line_and_changes_nothing(qms: Invoke, engine: Engine) -> None:
    before = snapshot(engine)
    result = qms(*PLAN[:-6], "--attendees", "quang", "--as", "thu")
    assert result.exit_code == 2
    assert result.stderr == "error: name the chair of the management review (--chair)\n"
    result = qms(*PLAN, "--as", "hung")
    assert result.exit_code == 4
    assert result.stderr.count("\n") == 1
    result = qms("review", "start", "MR-2026-99", "--as", "thu")
    assert (result.exit_code, result.stderr) == (3, "error: no management review MR-2026-99\n")
    assert snapshot(engine) == before


def test_the_demo_holds_the_years_review_planned(blank_db_url: str) -> None:
    assert run(blank_db_url, "init", "--demo").exit_code == 0
    listed = json.loads(
        run(blank_db_url, "review", "list", "--format", "json", "--as", "thultm").stdout
    )
    assert [(r["ref"], r["status"], r["period_from"]) for r in listed] == [
        (f"MR-{TODAY.year}-01", "planned", f"{TODAY.year}-01-01")
    ]
    shown = json.loads(
        run(
            blank_db_url, "review", "show", listed[0]["ref"], "--format", "json", "--as", "quangnd"
        ).stdout
    )
    assert shown["chair_username"] == "quangnd"
    assert len(shown["attendees"]) == 5


def test_wrong_passwords_lock_the_chair_and_the_leader_out_of_signing(
    qms: Invoke, engine: Engine, password: str
) -> None:
    """The settings' limit holds for minutes and objectives as for documents."""
    strict = {"QMS_SIGNING_MAX_FAILURES": "1", "QMS_SIGNING_WINDOW_MINUTES": "10"}
    ok(qms, *PLAN, "--as", "thu")
    ok(qms, "review", "start", REF, "--as", "thu")
    for key in INPUTS:
        ok(qms, "review", "conclude", REF, key, "Đạt yêu cầu", "--as", "thu")
    objective = obj.draft(engine)
    seq = last_event(engine)
    before = snapshot(engine, skip=("trail_event",))
    wrong = qms("review", "sign", REF, "--as", "hai", input="nope", env=strict)
    assert (wrong.exit_code, wrong.stderr) == (5, "error: wrong password for hai\n")
    locked = (
        "error: too many wrong passwords when signing; signing is locked for you for 10 minutes\n"
    )
    for args in (("review", "sign", REF), ("objective", "approve", objective)):
        refused = qms(*args, "--as", "hai", input=password, env=strict)
        assert (refused.exit_code, refused.stderr) == (4, locked)
    assert snapshot(engine, skip=("trail_event",)) == before
    assert trail_actions(engine, after=seq) == [
        "signing.refused",
        "signing.locked",
        "signing.locked",
    ]
