"""The bell and the notices page: an unread count in every page's header, the list in the
reader's language, opening a notice (read, and on to the page of its step), marking all
read; the same through the JSON API; mail settings on the account page; the outbox."""

from fastapi import FastAPI
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from qms.db import read_session
from qms.models import MailMessage, Notice, User
from qms.services.documents import revisions
from tests.helpers import act, new_draft, snapshot
from tests.seed import PASSWORD
from tests.web.client import signed_in


def submitted_for(engine: Engine, code: str, reviewer: str) -> None:
    new_draft(engine, code)
    act(engine, revisions.submit, "thu", code=code, password=PASSWORD, reviewer=reviewer)


def notice_ids(engine: Engine, username: str) -> list[int]:
    with read_session(engine) as session:
        found = session.exec(
            select(Notice.id)
            .join(User, col(User.id) == Notice.user_id)
            .where(User.username == username)
            .order_by(col(Notice.id))
        ).all()
    return [i for i in found if i is not None]


def bell(html: str) -> str:
    start = html.index('class="bell"')
    return html[start : html.index("</a>", start)]


def test_the_bell_counts_unread_notices_and_the_list_leads_to_the_step(
    app: FastAPI, web_engine: Engine
) -> None:
    submitted_for(web_engine, "QT-01", "mai")
    submitted_for(web_engine, "QT-02", "mai")
    mai = signed_in(app, "mai")  # Vietnamese, as every seeded person
    assert '<span class="unread" aria-label="chưa đọc">2</span>' in bell(mai.get("/").text)
    hung = signed_in(app, "hung")
    assert 'class="unread"' not in bell(hung.get("/").text)

    page = mai.get("/notices").text
    assert (
        "Lê Thị Minh Thư đã trình QT-02 lần ban hành 1 (Quy trình kiểm soát tài liệu) "
        "để đồng chí xem xét" in page
    )
    first, second = notice_ids(web_engine, "mai")
    assert page.index(f'id="notice-{second}"') < page.index(f'id="notice-{first}"')

    opened = mai.form(f"/notices/{first}/open")
    assert (opened.status_code, opened.headers["location"]) == (303, "/documents/QT-01")
    assert '<span class="unread" aria-label="chưa đọc">1</span>' in bell(mai.get("/").text)
    assert f'<li class="notice read" id="notice-{first}">' in mai.get("/notices").text

    # Someone else's notice is not theirs to open.
    assert hung.form(f"/notices/{second}/open").status_code == 404

    assert mai.form("/notices/read-all").status_code == 303
    assert 'class="unread"' not in bell(mai.get("/").text)


def test_the_bell_is_drawn_by_the_page_not_by_a_font(app: FastAPI) -> None:
    """No emoji (the server fonts lack it: an empty box); an inline drawing and the word
    for screen readers."""
    header = bell(signed_in(app, "mai").get("/").text)
    assert '<svg class="bell-icon"' in header
    assert 'aria-hidden="true"' in header
    assert '<span class="visually-hidden">Thông báo</span>' in header
    assert all(ord(char) < 0x2000 for char in header)


def test_the_api_lists_and_marks_notices_in_the_users_language(
    app: FastAPI, web_engine: Engine
) -> None:
    submitted_for(web_engine, "QT-03", "mai")
    mai = signed_in(app, "mai")
    mai.choose_language("en")
    listed = mai.get("/api/notices").json()
    assert listed["unread"] == 1
    assert listed["total"] == 1
    [notice] = listed["notices"]
    assert notice["kind"] == "review_requested"
    assert notice["subject"] == "QT-03/1"
    assert notice["url"] == "/documents/QT-03"
    assert notice["text"] == (
        "Lê Thị Minh Thư submitted QT-03 issue 1 (Quy trình kiểm soát tài liệu) for your review"
    )
    assert notice["read"] is False

    read = mai.api(f"/api/notices/{notice['id']}/read")
    assert read.status_code == 200
    assert read.json()["read"] is True
    assert mai.get("/api/notices?unread=true").json()["notices"] == []

    missing = mai.api("/api/notices/999999/read")
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "no notice 999999 of yours"
    assert mai.api("/api/notices/read-all").json() == {"marked": 0}


def test_mail_settings_are_saved_and_a_bad_address_is_refused(
    app: FastAPI, web_engine: Engine
) -> None:
    lan = signed_in(app, "lan")
    saved = lan.form("/account/mail", {"email": "lan@example.vn", "mail_choice": "digest"})
    assert (saved.status_code, saved.headers["location"]) == (303, "/account")
    page = lan.get("/account").text
    assert 'value="lan@example.vn"' in page
    assert 'value="digest" checked' in page

    before = snapshot(web_engine)
    refused = lan.form("/account/mail", {"email": "lan@@example", "mail_choice": "none"})
    assert refused.status_code == 422
    assert "&#39;lan@@example&#39; không phải là địa chỉ thư điện tử" in refused.text
    assert snapshot(web_engine) == before


def test_admins_see_the_mail_that_is_not_sent(app: FastAPI, web_engine: Engine) -> None:
    mai = signed_in(app, "mai")
    mai.form("/account/mail", {"email": "mai@example.vn", "mail_choice": "immediate"})
    submitted_for(web_engine, "QT-04", "mai")
    with read_session(web_engine) as session:
        [mail] = session.exec(select(MailMessage)).all()
    page = signed_in(app, "admin").get("/admin/mail")
    assert page.status_code == 200
    assert f'id="mail-{mail.id}"' in page.text
    assert mai.get("/admin/mail").status_code == 403
