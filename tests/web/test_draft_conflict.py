"""A draft saved from a page opened before someone else's save: the form comes back (409)
with the user's text kept and what is saved now beside it; nothing is saved until the
user saves again, knowingly."""

import re
from collections.abc import Callable

from fastapi import FastAPI
from markupsafe import escape

from qms.db import read_session
from qms.services.documents import revisions
from tests.helpers import act, get, new_draft, snapshot
from tests.web.client import WebClient

BASED_ON = re.compile(r'<input type="hidden" name="based_on" value="([0-9a-f]{64})">')
SAVED = "# 1. Mục đích\n\nQuy định cách kiểm soát tài liệu.\n\nThời hạn: 05 ngày.\n"
MINE = "# 1. Mục đích\n\nQuy định cách kiểm soát tài liệu <b>nội bộ</b>.\n\nThời hạn: 02 ngày.\n"


def based_on(html: str) -> str:
    found = BASED_ON.search(html)
    assert found, "the editor carries no based_on field"
    return found.group(1)


def saved_draft(app: FastAPI) -> tuple[str, str]:
    with read_session(app.state.engine) as session:
        rev = get(session, "QT-01", 1)[1]
        return rev.body, rev.content_hash


def test_a_late_save_comes_back_with_the_text_kept_and_the_changes_shown(
    app: FastAPI, as_user: Callable[[str], WebClient]
) -> None:
    engine = app.state.engine
    new_draft(engine)
    thu = as_user("thu")
    opened = based_on(thu.get("/documents/QT-01/edit").text)
    assert opened == saved_draft(app)[1]
    act(engine, revisions.revise, "thu", code="QT-01", body=SAVED)  # saved from another tab
    before = snapshot(engine)

    mine = {"body": MINE, "reason": "Rà soát định kỳ", "description": "", "based_on": opened}
    page = thu.form("/documents/QT-01/edit", mine)

    assert page.status_code == 409
    assert snapshot(engine) == before
    html = page.text
    assert "QT-01 lần ban hành 1 đã thay đổi kể từ khi bạn bắt đầu sửa" in html
    assert f">{escape(MINE)}</textarea>" in html  # the user's text, kept
    assert '<input name="reason" value="Rà soát định kỳ">' in html
    assert "<th>Đã lưu hiện nay</th><th>Văn bản của bạn</th>" in html
    assert "Thời hạn: <del>05</del> ngày." in html  # what is saved now ...
    assert "Thời hạn: <ins>02</ins> ngày." in html  # ... beside the user's text
    assert based_on(html) == saved_draft(app)[1]  # saving again replaces the text saved now

    again = thu.form("/documents/QT-01/edit", {**mine, "based_on": based_on(html)})
    assert again.status_code == 303
    assert saved_draft(app)[0] == MINE


def test_the_api_refuses_a_late_save_with_409(
    app: FastAPI, as_user: Callable[[str], WebClient]
) -> None:
    engine = app.state.engine
    new_draft(engine)
    opened = saved_draft(app)[1]
    act(engine, revisions.revise, "thu", code="QT-01", body=SAVED)
    thu = as_user("thu")
    thu.choose_language("en")
    before = snapshot(engine)
    late = thu.api("/api/documents/QT-01/revise", {"body": MINE, "based_on": opened})
    assert late.status_code == 409
    assert late.json()["error"]["message"] == (
        "QT-01 issue 1 has changed since you started editing it; look at what changed and "
        "save again"
    )
    assert snapshot(engine) == before
    current = saved_draft(app)[1]
    saved = thu.api("/api/documents/QT-01/revise", {"body": MINE, "based_on": current})
    assert saved.status_code == 200
    assert saved.json()["content_hash"] == saved_draft(app)[1] != current
