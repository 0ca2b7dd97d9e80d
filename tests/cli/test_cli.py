"""The command line: exact output, one-line errors with exit codes, nothing half-done."""

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.engine import Engine

from qms.cli import AREAS, cli
from tests.cli.conftest import Invoke
from tests.helpers import drop_guards, last_event, snapshot, trail_actions


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found.extend(all_commands(command, (*prefix, name)))
    return found


def test_root_help_summaries_are_the_groups_own() -> None:
    context = click.Context(cli)
    for name, (_, summary) in AREAS.items():
        command = cli.get_command(context, name)
        assert command is not None
        assert command.help is not None
        assert command.help.split("\n")[0].strip() == summary


@pytest.mark.parametrize("path", all_commands(cli), ids=" ".join)
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"], catch_exceptions=False)
    assert result.exit_code == 0
    command: click.Command = cli
    for name in path:
        found = command.get_command(click.Context(command), name)  # type: ignore[attr-defined]
        assert found is not None
        command = found
    if not isinstance(command, click.Group):
        assert "Example" in result.output, f"qms {' '.join(path)} --help has no example"
    assert command.help
    assert len(command.help) > 20


def register(qms: Invoke, tmp_path: Path, code: str = "QT-20") -> None:
    source = tmp_path / "body.md"
    source.write_text("# 1. Mục đích\n\nThời hạn giải quyết 02 ngày làm việc.\n", encoding="utf-8")
    result = qms(
        "doc", "new", code, "--title", "Quy trình tiếp nhận phản ánh", "--type", "procedure",
        "--dept", "VP", "--body", str(source), "--as", "thu",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == f"registered {code}; issue 1 is a draft\n"


def test_lifecycle_from_the_cli(qms: Invoke, password: str, tmp_path: Path) -> None:
    register(qms, tmp_path)
    assert qms("doc", "submit", "QT-20", "--as", "thu", input=password).stdout == (
        "QT-20 issue 1 submitted for review\n"
    )
    assert qms("doc", "review", "QT-20", "--accept", "--as", "hung", input=password).stdout == (
        "QT-20 issue 1 reviewed\n"
    )
    approved = qms("doc", "approve", "QT-20", "--as", "hai", input=password)
    assert approved.stdout.startswith("QT-20 issue 1 approved; takes effect on ")
    assert (
        qms("doc", "publish", "QT-20", "--as", "thu").stdout == "QT-20 issue 1 is now effective\n"
    )

    new_body = tmp_path / "v2.md"
    new_body.write_text(
        "# 1. Mục đích\n\nThời hạn giải quyết 03 ngày làm việc.\n", encoding="utf-8"
    )
    assert qms(
        "doc", "revise", "QT-20", "--body", str(new_body), "--reason", "Phản ánh của người dân",
        "--description", "Điều chỉnh thời hạn", "--as", "thu",
    ).exit_code == 0  # fmt: skip
    for args in (
        ("doc", "submit", "QT-20", "--as", "thu"),
        ("doc", "review", "QT-20", "--accept", "--as", "mai"),
        ("doc", "approve", "QT-20", "--as", "quang"),
    ):
        assert qms(*args, input=password).exit_code == 0
    assert qms("doc", "publish", "QT-20", "--as", "thu").exit_code == 0

    shown = json.loads(qms("doc", "show", "QT-20", "--format", "json").stdout)
    assert (shown["issue"], shown["status"]) == (2, "effective")
    assert [(s["meaning"], s["username"], s["valid"]) for s in shown["signatures"]] == [
        ("drafted", "thu", True),
        ("reviewed", "mai", True),
        ("approved", "quang", True),
    ]
    history = [{"issue": h["issue"], "status": h["status"]} for h in shown["history"]]
    assert history == [{"issue": 2, "status": "effective"}]  # staff view: effective only
    full = json.loads(qms("doc", "show", "QT-20", "--format", "json", "--as", "thu").stdout)
    assert [{"issue": h["issue"], "status": h["status"]} for h in full["history"]] == [
        {"issue": 1, "status": "superseded"},
        {"issue": 2, "status": "effective"},
    ]

    diff = qms("doc", "diff", "QT-20", "1", "2", "--as", "thu", "--no-color")
    assert diff.stdout == (
        "--- QT-20 issue 1\n+++ QT-20 issue 2\n~ Thời hạn giải quyết [-02-]{+03+} ngày làm việc.\n"
    )
    as_data = json.loads(
        qms("doc", "diff", "QT-20", "1", "2", "--as", "thu", "--format", "json").stdout
    )
    assert (as_data["code"], as_data["old_issue"], as_data["new_issue"]) == ("QT-20", 1, 2)
    changed = [line for line in as_data["lines"] if line["op"] != "equal"]
    assert [(c["op"], c["old"], c["new"]) for c in changed] == [
        (
            "replace",
            "Thời hạn giải quyết 02 ngày làm việc.",
            "Thời hạn giải quyết 03 ngày làm việc.",
        )
    ]
    assert {"op": "replace", "old": "02", "new": "03"} in changed[0]["words"]
    assert qms("trail", "verify").stdout.startswith("trail intact: ")


def test_list_json_and_search(qms: Invoke, tmp_path: Path) -> None:
    register(qms, tmp_path)
    assert json.loads(qms("doc", "list", "--format", "json").stdout) == []  # nothing effective yet
    rows = json.loads(
        qms("doc", "list", "--format", "json", "--search", "tiep nhan", "--as", "thu").stdout
    )
    shown = json.loads(qms("doc", "show", "QT-20", "--format", "json", "--as", "thu").stdout)
    draft_hash = shown["content_hash"]
    assert rows == [
        {
            "code": "QT-20",
            "title": "Quy trình tiếp nhận phản ánh",
            "type": "procedure",
            "department": "VP",
            "language": "vi",
            "withdrawn": False,
            "effective": None,
            "in_progress": {
                "issue": 1,
                "status": "draft",
                "content_hash": draft_hash,
                "planned_effective_date": None,
                "effective_at": None,
                "effective_date": None,
                "reason": "",
                "description": "",
            },
        }
    ]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("doc", "submit", "QT-20", "--as", "thu"), 5, "error: wrong password for thu"),
        (
            ("doc", "approve", "QT-20", "--as", "hai"),
            6,
            "error: QT-20 has no issue in review: issue 1 is draft",
        ),
        (("doc", "publish", "QT-99", "--as", "thu"), 3, "error: no document with code QT-99"),
        (
            ("doc", "publish", "QT-20", "--as", "hung"),
            4,
            "error: hung cannot publish documents: it needs the controller role",
        ),
        (("doc", "publish", "QT-20", "--as", "ghost"), 3, "error: no user named 'ghost'"),
        (
            ("doc", "obsolete", "QT-20", "--reason", " ", "--as", "thu"),
            2,
            "error: give the reason for withdrawing the document (--reason)",
        ),
        (
            ("user", "add", "xuan", "--name", "X", "--role", "boss", "--as", "admin"),
            2,
            "error: unknown role 'boss' (roles: admin, controller, reviewer, approver, auditor, staff)",
        ),
        (
            (
                "doc",
                "new",
                "QT-20",
                "--title",
                "T",
                "--type",
                "form",
                "--dept",
                "VP",
                "--as",
                "thu",
            ),
            7,
            "error: document QT-20 is already registered",
        ),
    ],
)
def test_errors_are_one_line_with_exit_code_and_change_nothing(
    qms: Invoke, engine: Engine, tmp_path: Path, args: tuple[str, ...], code: int, message: str
) -> None:
    register(qms, tmp_path)
    # A wrong signing password is recorded on the trail (it counts towards a lock-out).
    signing = code == 5
    skip = ("trail_event",) if signing else ()
    before, seq = snapshot(engine, skip=skip), last_event(engine)
    result = qms(*args, input="wrong password\n")
    assert (result.exit_code, result.stderr, result.stdout) == (code, message + "\n", "")
    assert snapshot(engine, skip=skip) == before
    assert trail_actions(engine, after=seq) == (["signing.refused"] if signing else [])


def test_self_approval_refused(qms: Invoke, engine: Engine, password: str, tmp_path: Path) -> None:
    register(qms, tmp_path)
    qms("doc", "submit", "QT-20", "--as", "thu", input=password)
    qms("doc", "review", "QT-20", "--accept", "--as", "quang", input=password)
    before = snapshot(engine)
    result = qms("doc", "approve", "QT-20", "--as", "quang", input=password)
    assert result.exit_code == 4
    assert result.stderr == "error: quang reviewed QT-20 issue 1; approval needs a second person\n"
    assert snapshot(engine) == before


def test_import_reports_the_bad_file(qms: Invoke, engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "ok.md").write_text(
        "---\ncode: QT-30\ntitle: T\ntype: form\ndepartment: VP\nissue: 1\neffective_date: 2025-01-01\n---\nx\n"
    )
    (tmp_path / "bad.md").write_text("---\ncode: QT-31\n---\nx\n")
    before = snapshot(engine)
    result = qms("doc", "import", str(tmp_path), "--as", "thu")
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {tmp_path / 'bad.md'}: missing title, type, department, issue, effective_date in the front matter\n"
    )
    assert snapshot(engine) == before


def test_trail_verify_names_an_event_edited_in_sql(
    qms: Invoke, engine: Engine, password: str, tmp_path: Path
) -> None:
    register(qms, tmp_path)
    qms("doc", "submit", "QT-20", "--as", "thu", input=password)
    drop_guards(engine)
    with engine.begin() as connection:
        seq = connection.execute(
            text("SELECT seq FROM trail_event WHERE action = 'revision.submit'")
        ).scalar_one()
        connection.execute(
            text(
                "UPDATE trail_event SET payload = replace(payload, 'in_review', 'approved') WHERE seq = :s"
            ),
            {"s": seq},
        )
    result = qms("trail", "verify")
    assert result.exit_code == 8
    assert result.stderr == (
        f"error: trail broken at event {seq}: event {seq} (revision.submit revision QT-20/1) "
        "was altered: its content no longer matches its hash\n"
    )


def test_trail_show_json(qms: Invoke, tmp_path: Path) -> None:
    register(qms, tmp_path)
    events = json.loads(qms("trail", "show", "--id", "QT-20", "--format", "json").stdout)
    assert [(e["action"], e["actor"]) for e in events] == [("document.register", "thu")]
    assert events[0]["payload"]["new"]["title"] == "Quy trình tiếp nhận phản ánh"


def test_password_from_a_terminal_prompt_is_hidden(qms: Invoke, tmp_path: Path) -> None:
    """Without piped input a prompt asks for it; an empty stdin is refused in one line."""
    register(qms, tmp_path)
    result = qms("doc", "submit", "QT-20", "--as", "thu", input="")
    assert result.exit_code == 2
    assert result.stderr == "error: a password is needed: type it, or give it on standard input\n"
    vietnamese = qms("doc", "submit", "QT-20", "--as", "thu", input="", env={"QMS_LANGUAGE": "vi"})
    assert vietnamese.exit_code == 2
    assert vietnamese.stderr == (
        "error: cần mật khẩu: hãy gõ vào, hoặc đưa qua đầu vào chuẩn (stdin)\n"
    )


def test_an_unreadable_body_file_is_one_line(qms: Invoke, engine: Engine, tmp_path: Path) -> None:
    register(qms, tmp_path)
    before = snapshot(engine)
    missing = tmp_path / "khong-co.md"
    result = qms("doc", "revise", "QT-20", "--body", str(missing), "--as", "thu")
    assert result.exit_code == 2
    assert result.stderr == (f"error: --body: cannot read {missing} (No such file or directory)\n")
    latin1 = tmp_path / "latin1.md"
    latin1.write_bytes("Quy trình".encode("latin-1", "replace") + b"\xff")
    result = qms("doc", "revise", "QT-20", "--body", str(latin1), "--as", "thu")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: --body: cannot read {latin1} (")
    assert result.stderr.count("\n") == 1
    assert snapshot(engine) == before


def test_trail_anchor_and_verify_against_anchors(
    qms: Invoke, engine: Engine, tmp_path: Path
) -> None:
    register(qms, tmp_path)
    anchors = tmp_path / "anchors.jsonl"
    line = qms("trail", "anchor").stdout
    anchors.write_text("# anchors of the QMS trail\n" + line, encoding="utf-8")
    seq = json.loads(line)["seq"]
    assert qms("trail", "verify", "--anchors", str(anchors)).stdout == (
        f"trail intact: {seq} events, chain verified, anchors checked: 1\n"
    )
    drop_guards(engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM trail_event WHERE seq = :s"), {"s": seq})
    assert qms("trail", "verify").exit_code == 0  # the chain alone cannot tell
    result = qms("trail", "verify", "--anchors", str(anchors))
    assert result.exit_code == 8
    assert result.stderr.startswith(
        f"error: trail broken at event {seq}: event {seq}, anchored on "
    )
    assert result.stderr.endswith("is gone: the trail was cut back\n")
    anchors.write_text("not an anchor\n", encoding="utf-8")
    refused = qms("trail", "verify", "--anchors", str(anchors))
    assert refused.exit_code == 2
    assert refused.stderr == (
        "error: anchors.jsonl, line 1: not an anchor (a JSON object with seq, hash and "
        "taken_at, as written by qms trail anchor)\n"
    )
    anchors.write_bytes("mốc neo".encode("utf-16"))
    unreadable = qms("trail", "verify", "--anchors", str(anchors))
    assert unreadable.exit_code == 2
    assert unreadable.stderr.startswith(f"error: --anchors: cannot read {anchors} (")
    assert unreadable.stderr.count("\n") == 1


def test_trail_verify_names_the_first_broken_event_and_counts_the_rest(
    qms: Invoke, engine: Engine, tmp_path: Path
) -> None:
    register(qms, tmp_path)
    drop_guards(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE trail_event SET actor = 'mallory' WHERE seq IN (2, 3)"))
    result = qms("trail", "verify")
    assert result.exit_code == 8
    assert result.stderr.startswith("error: trail broken at event 2: event 2 (")
    assert result.stderr.endswith(
        "was altered: its content no longer matches its hash (1 more problems after it)\n"
    )
