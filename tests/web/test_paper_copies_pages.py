"""Controlled paper copies in the browser: a coordinator registers copies of the effective
issue, sees them to recall once it is superseded and confirms each return, with the same
rules and trail events as the command line; refusals keep what was typed and change
nothing; other staff only look."""

from sqlalchemy.engine import Engine

from tests.helpers import (
    effective_document,
    last_event,
    new_draft,
    revise,
    snapshot,
    to_effective,
    trail_actions,
)

SKIP = ("web_session", "login_attempt")


def test_a_coordinator_registers_copies_and_confirms_their_recall(  # type: ignore[no-untyped-def]
    web_engine: Engine, as_user
) -> None:
    effective_document(web_engine, "QT-01")
    thu = as_user("thu")
    assert 'href="/documents/QT-01/copies"' in thu.get("/documents/QT-01").text
    start = last_event(web_engine)
    registered = thu.form("/documents/QT-01/copies", {"holder": "Bộ phận Một cửa, quầy 2"})
    assert registered.status_code == 303
    assert registered.headers["location"] == "/documents/QT-01/copies"
    page = thu.get("/documents/QT-01/copies").text
    assert "Bản giấy số 1 của lần ban hành 1 đã được đăng ký cho Bộ phận Một cửa, quầy 2." in page
    thu.form("/documents/qt-01/copies", {"holder": "Phòng Tư pháp"})
    assert trail_actions(web_engine, start) == ["copy.register", "copy.register"]
    page = thu.get("/documents/QT-01/copies").text
    assert page.count('<tr class="in-use">') == 2
    assert "/recall" not in page  # in force: nothing to recall

    revise(web_engine, "QT-01")
    to_effective(web_engine, "QT-01")
    page = thu.get("/documents/QT-01/copies").text
    assert page.count('<tr class="to-recall">') == 2
    assert "2 bản cần thu hồi" in page
    start = last_event(web_engine)
    recalled = thu.form("/documents/QT-01/copies/1/2/recall")
    assert recalled.status_code == 303
    page = thu.get("/documents/QT-01/copies").text
    assert page.count('<tr class="to-recall">') == 1
    assert page.count('<tr class="recalled">') == 1
    assert "đã thu hồi ngày 04/12/2026" in page
    assert trail_actions(web_engine, start) == ["copy.recall"]

    before = snapshot(web_engine, skip=SKIP)
    again = thu.form("/documents/QT-01/copies/1/2/recall")
    assert again.status_code == 409
    assert "đã được thu hồi" in again.text
    assert snapshot(web_engine, skip=SKIP) == before


def test_refusals_keep_the_input_and_change_nothing(  # type: ignore[no-untyped-def]
    web_engine: Engine, as_user
) -> None:
    new_draft(web_engine, "QT-02")
    thu, lan = as_user("thu"), as_user("lan")
    before = snapshot(web_engine, skip=SKIP)
    no_issue = thu.form("/documents/QT-02/copies", {"holder": "Phòng Tư pháp"})
    assert no_issue.status_code == 404
    assert "QT-02 không có lần ban hành có hiệu lực" in no_issue.text

    to_effective(web_engine, "QT-02")
    before = snapshot(web_engine, skip=SKIP)
    blank = thu.form("/documents/QT-02/copies", {"holder": "   "})
    assert blank.status_code == 422
    assert 'aria-invalid="true"' in blank.text
    assert 'class="field-error"' in blank.text
    long = thu.form("/documents/QT-02/copies", {"holder": "Quầy\n2"})
    assert long.status_code == 422
    assert 'value="Quầy\n2"' in long.text  # what was typed stays in the field
    in_force = thu.form("/documents/QT-02/copies/1/1/recall")
    assert in_force.status_code == 404
    assert snapshot(web_engine, skip=SKIP) == before

    page = lan.get("/documents/QT-02/copies")  # staff look, but do not change
    assert page.status_code == 200
    assert 'name="holder"' not in page.text
    assert lan.form("/documents/QT-02/copies", {"holder": "Quầy 3"}).status_code == 403
    assert snapshot(web_engine, skip=SKIP) == before
