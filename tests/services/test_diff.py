"""Diff between issues: changed lines, and the words changed inside them."""

from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.services.documents.diff import diff_issues, diff_text, diff_words
from tests.helpers import effective_document, revise


def test_word_level_changes_inside_a_line() -> None:
    words = diff_words("Trả kết quả trong 02 ngày làm việc.", "Trả kết quả trong 03 ngày làm việc.")
    changed = [(w.op, w.old, w.new) for w in words if w.op != "equal"]
    assert changed == [("replace", "02", "03")]


def test_lines_added_removed_and_replaced() -> None:
    old = "# Mục đích\nDòng một\nDòng hai\nDòng bị xoá\n"
    new = "# Mục đích\nDòng một\nDòng hai đã sửa\nDòng mới thêm\n"
    ops = [(line.op, line.old, line.new) for line in diff_text(old, new)]
    assert ops[:2] == [("equal", "# Mục đích", "# Mục đích"), ("equal", "Dòng một", "Dòng một")]
    assert ("replace", "Dòng hai", "Dòng hai đã sửa") in ops
    replaced = next(line for line in diff_text(old, new) if line.old == "Dòng hai")
    assert [(w.op, w.new) for w in replaced.words if w.op != "equal"] == [("insert", " đã sửa")]


def test_diff_between_two_issues(engine: Engine) -> None:
    effective_document(engine)
    revise(engine)
    with read_session(engine) as session:
        result = diff_issues(session, viewer=None, code="QT-01", old_issue=1, new_issue=1)
        assert not result.changed
        from qms.services.people import users

        thu = users.get_user(session, "thu")
        result = diff_issues(session, viewer=thu, code="QT-01", old_issue=1, new_issue=2)
        changed = [line for line in result.lines if line.op != "equal"]
        assert len(changed) == 1
        assert [(w.old, w.new) for w in changed[0].words if w.op != "equal"] == [("1", "2")]
