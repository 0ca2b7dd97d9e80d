"""The door on the command line: ``doc new``, ``doc revise``, ``doc import``, ``doc submit``
and ``doc publish`` refuse a body over the caps of the controlled PDF in one line on
stderr with exit code 2 (invalid input), stating the real figure and the cap, and the
database stays as it was."""

from pathlib import Path

from sqlalchemy.engine import Engine

from qms.services.documents import revisions
from tests.cli.conftest import Invoke
from tests.helpers import act, effective_document, legacy_body, new_draft, snapshot
from tests.seed import PASSWORD
from tests.services.test_body_door import nested_list

MESSAGE = "lists or block quotes are nested 25 levels deep; the limit is 20"


def deep_file(tmp_path: Path) -> Path:
    path = tmp_path / "sau.md"
    path.write_text(nested_list(25), encoding="utf-8")
    return path


def test_saving_a_body_over_a_cap_exits_2(qms: Invoke, engine: Engine, tmp_path: Path) -> None:
    effective_document(engine)
    source = str(deep_file(tmp_path))
    before = snapshot(engine)
    for args in (
        ("doc", "new", "QT-09", "--title", "Quy trình", "--type", "procedure", "--dept", "VP"),
        ("doc", "revise", "QT-01", "--reason", "Sửa", "--description", "Bổ sung"),
    ):
        result = qms(*args, "--body", source, "--as", "thu")
        assert (result.exit_code, result.stderr, result.stdout) == (2, f"error: {MESSAGE}\n", "")
    vietnamese = qms("doc", "revise", "QT-01", "--body", source, "--as", "thu",
                     env={"QMS_LANGUAGE": "vi"})  # fmt: skip
    assert vietnamese.exit_code == 2
    assert vietnamese.stderr == (
        "error: danh sách hoặc trích dẫn lồng nhau 25 cấp; giới hạn là 20\n"
    )
    assert snapshot(engine) == before


def test_an_import_over_a_cap_exits_2(qms: Invoke, engine: Engine, tmp_path: Path) -> None:
    source = tmp_path / "QT-09.md"
    front = "---\ncode: QT-09\ntitle: Quy trình\ntype: procedure\ndepartment: VP\nissue: 1\n"
    source.write_text(front + "effective_date: 2025-03-01\n---\n" + nested_list(25), "utf-8")
    before = snapshot(engine)
    result = qms("doc", "import", str(source), "--as", "thu")
    assert (result.exit_code, result.stderr) == (2, f"error: {source}: {MESSAGE}\n")
    assert snapshot(engine) == before


def test_submitting_a_draft_saved_before_the_check_exits_2(
    qms: Invoke, engine: Engine, password: str
) -> None:
    new_draft(engine)
    legacy_body(engine, "QT-01", 1, nested_list(25))
    before = snapshot(engine)
    result = qms("doc", "submit", "QT-01", "--as", "thu", input=password)
    assert (result.exit_code, result.stderr) == (2, f"error: {MESSAGE}\n")
    assert snapshot(engine) == before


def test_publishing_an_approved_issue_over_a_cap_exits_2(qms: Invoke, engine: Engine) -> None:
    """An issue approved before the caps were checked at the door (a 10,000-deep list)."""
    new_draft(engine)
    act(engine, revisions.submit, "thu", code="QT-01", password=PASSWORD)
    act(engine, revisions.review, "hung", code="QT-01", accept=True, password=PASSWORD)
    act(engine, revisions.approve, "hai", code="QT-01", password=PASSWORD)
    legacy_body(engine, "QT-01", 1, "- " * 10_000 + "mức cuối")
    before = snapshot(engine)
    result = qms("doc", "publish", "QT-01", "--as", "thu")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "error: lists or block quotes are nested at least 50 levels deep; the limit is 20\n"
    )
    assert snapshot(engine) == before
