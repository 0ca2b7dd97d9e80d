"""Administration in the browser: users, departments and organisation settings, with the
CLI's rules and trail events; a refused form keeps what was typed, says what is wrong
beside its field, and changes nothing."""

import json
import re

from fastapi import FastAPI
from lxml import html
from sqlalchemy import text
from sqlalchemy.engine import Engine

from tests.helpers import last_event, snapshot, trail_actions
from tests.seed import PASSWORD
from tests.web.client import WebClient, signed_in


def _admin(app: FastAPI, language: str = "en") -> WebClient:
    client = signed_in(app, "admin")
    client.choose_language(language)
    return client


def _payload(engine: Engine, action: str) -> dict[str, object]:
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT payload FROM trail_event WHERE action = :a ORDER BY seq DESC"),
            {"a": action},
        ).first()
    assert row is not None, action
    found: dict[str, object] = json.loads(row[0])
    return found


def _field_error(page: str, form: str, field: str) -> str:
    doc = html.fromstring(page)
    (message,) = doc.xpath(f"//*[@id='{form}-{field}-error']")
    return str(message.text_content())


NEW_USER = {
    "username": "xuan",
    "full_name": "Ngô Thị Xuân",
    "email": "xuan@example.vn",
    "department": "MC",
    "position": "Chuyên viên",
    "roles": ["staff", "reviewer"],
    "language": "vi",
}


def test_an_admin_adds_a_user_whose_password_is_shown_once(app: FastAPI) -> None:
    admin = _admin(app)
    page = admin.form("/admin/users/new", {**NEW_USER, "source": "generate"})
    assert page.status_code == 200, page.text
    (shown,) = html.fromstring(page.text).xpath("//code[@id='new-password']/text()")
    assert len(shown) == 12
    with WebClient(app) as xuan:
        assert xuan.login("xuan", shown).status_code == 303
    again = admin.get("/admin/users/xuan")
    assert shown not in again.text  # shown once
    created = _payload(app.state.engine, "user.create")["new"]
    assert created == {
        "username": "xuan",
        "full_name": "Ngô Thị Xuân",
        "position": "Chuyên viên",
        "department": "MC",
        "roles": ["reviewer", "staff"],
        "email": "xuan@example.vn",
    }
    listed = html.fromstring(admin.get("/admin/users?dept=MC&role=reviewer&active=yes").text)
    assert listed.xpath("//table[contains(@class, 'cards')]/tbody/tr/@id") == ["user-xuan"]


def test_a_typed_initial_password_is_kept_and_not_shown(app: FastAPI) -> None:
    admin = _admin(app)
    page = admin.form(
        "/admin/users/new", {**NEW_USER, "source": "typed", "password": "mat-khau-dau"}
    )
    assert page.status_code == 200
    assert not html.fromstring(page.text).xpath("//code[@id='new-password']")
    with WebClient(app) as xuan:
        assert xuan.login("xuan", "mat-khau-dau").status_code == 303


def test_a_refused_new_user_keeps_what_was_typed_beside_the_field(app: FastAPI) -> None:
    engine = app.state.engine
    admin = _admin(app)
    before = snapshot(engine)
    cases = [
        ({"username": "Xuân Ngô"}, "username", 422, "must be 2-64 lower-case letters"),
        ({"username": "lan"}, "username", 409, "user lan already exists"),
        ({"email": "xuan-at-example"}, "email", 422, "is not a mail address"),
        ({"roles": []}, "roles", 422, "a user needs at least one role"),
        ({"full_name": "  "}, "full_name", 422, "a user needs a full name"),
        ({"source": "typed", "password": "short"}, "password", 422, "at least 8 characters"),
    ]
    for change, field, status, message in cases:
        refused = admin.form("/admin/users/new", {**NEW_USER, "source": "generate", **change})
        assert refused.status_code == status, (field, refused.text)
        assert message in _field_error(refused.text, "create", field)
        assert "--" not in _field_error(refused.text, "create", field)
        doc = html.fromstring(refused.text)
        assert doc.xpath("//input[@name='position']/@value") == ["Chuyên viên"]
        assert doc.xpath("//select[@name='department']/option[@selected]/@value") == ["MC"]
    assert snapshot(engine) == before


def test_roles_department_and_access_change_with_their_trail(app: FastAPI) -> None:
    engine = app.state.engine
    admin = _admin(app)
    lan = signed_in(app, "lan")
    start = last_event(engine)
    assert admin.form("/admin/users/lan/roles", {"roles": ["staff", "auditor"]}).status_code == 303
    assert admin.form("/admin/users/lan/department", {"department": "TP"}).status_code == 303
    assert admin.form("/admin/users/lan/active", {"active": "no"}).status_code == 303
    assert trail_actions(engine, start) == ["user.roles", "user.department", "user.deactivate"]
    assert _payload(engine, "user.department") == {"old": "MC", "new": "TP"}
    assert lan.get("/").status_code == 303  # signed out with the deactivation
    with WebClient(app) as again:
        assert again.login("lan").status_code == 401
    page = html.fromstring(admin.get("/admin/users/lan").text)
    assert page.xpath("//input[@name='roles'][@checked]/@value") == ["auditor", "staff"]
    assert admin.form("/admin/users/lan/active", {"active": "yes"}).status_code == 303
    with WebClient(app) as again:
        assert again.login("lan").status_code == 303


def test_nobody_removes_their_own_admin_role_or_deactivates_themselves(app: FastAPI) -> None:
    engine = app.state.engine
    admin = _admin(app)
    before = snapshot(engine)
    refused = admin.form("/admin/users/admin/roles", {"roles": ["controller"]})
    assert refused.status_code == 403
    assert "you cannot remove your own admin role" in refused.text
    page = html.fromstring(refused.text)  # the boxes as they were typed
    assert page.xpath("//input[@name='roles'][@checked]/@value") == ["controller"]
    refused = admin.form("/admin/users/admin/active", {"active": "no"})
    assert refused.status_code == 403
    assert "you cannot deactivate yourself" in refused.text
    assert snapshot(engine) == before


def test_a_password_reset_signs_the_user_out_everywhere(app: FastAPI) -> None:
    engine = app.state.engine
    admin = _admin(app)
    lan = signed_in(app, "lan")
    before = snapshot(engine)
    refused = admin.form("/admin/users/lan/password", {"source": "typed", "password": "ngan"})
    assert refused.status_code == 422
    assert "at least 8 characters" in _field_error(refused.text, "password", "password")
    assert snapshot(engine) == before
    reset = admin.form("/admin/users/lan/password", {"source": "typed", "password": "mat-khau-moi"})
    assert reset.status_code == 303
    assert _payload(engine, "user.password")["reason"] == "reset by admin"
    assert lan.get("/").status_code == 303
    with WebClient(app) as again:
        assert again.login("lan", PASSWORD).status_code == 401
        assert again.login("lan", "mat-khau-moi").status_code == 303
    ended = admin.form("/admin/users/lan/end-sessions")
    assert ended.status_code == 303
    assert _payload(engine, "user.end_sessions") == {"sessions_ended": 1}


def test_an_admin_unlocks_a_locked_sign_in(app: FastAPI) -> None:
    admin = _admin(app)
    with WebClient(app) as guess:
        for _ in range(5):
            assert guess.login("lan", "wrong-password").status_code == 401
        assert guess.login("lan").status_code == 429
    page = admin.get("/admin/users/lan")
    assert "Sign-in is locked" in page.text
    assert "sign-in locked" in admin.get("/admin/users").text
    assert admin.form("/admin/users/lan/unlock", {"what": "sign_in"}).status_code == 303
    assert "user.unlock_sign_in" in trail_actions(app.state.engine)
    assert "Sign-in is locked" not in admin.get("/admin/users/lan").text
    with WebClient(app) as lan:
        assert lan.login("lan").status_code == 303


def test_an_admin_unlocks_a_locked_signing(workflow_app: FastAPI) -> None:
    hung = signed_in(workflow_app, "hung")
    for _ in range(5):
        wrong = hung.form("/documents/QT-02/review", {"decision": "accept", "password": "sai"})
        assert wrong.status_code == 401
    locked = hung.form("/documents/QT-02/review", {"decision": "accept", "password": PASSWORD})
    assert locked.status_code == 429
    admin = _admin(workflow_app)
    assert "Signing is locked" in admin.get("/admin/users/hung").text
    assert admin.form("/admin/users/hung/unlock", {"what": "signing"}).status_code == 303
    assert "Signing is locked" not in admin.get("/admin/users/hung").text
    signed = hung.form("/documents/QT-02/review", {"decision": "accept", "password": PASSWORD})
    assert signed.status_code == 303


def test_departments_are_added_and_renamed(app: FastAPI) -> None:
    engine = app.state.engine
    admin = _admin(app)
    before = snapshot(engine)
    refused = admin.form("/admin/departments", {"code": "ph 1", "name": "Phòng Y tế"})
    assert refused.status_code == 422
    assert "1-16 capital letters" in _field_error(refused.text, "add", "code")
    assert html.fromstring(refused.text).xpath("//form[@action='/admin/departments']"
                                                "//input[@name='name']/@value") == ["Phòng Y tế"]  # fmt: skip
    refused = admin.form("/admin/departments", {"code": "MC", "name": "Trùng"})
    assert refused.status_code == 409
    assert "department MC already exists" in _field_error(refused.text, "add", "code")
    refused = admin.form("/admin/departments/MC", {"name": " "})
    assert refused.status_code == 422
    assert "a department needs a name" in _field_error(refused.text, "rename-MC", "name")
    assert snapshot(engine) == before
    added = admin.form("/admin/departments", {"code": "yt", "name": "Phòng Y tế"})
    assert added.status_code == 303
    renamed = admin.form(
        "/admin/departments/YT", {"name": "Phòng Y tế quận", "name_en": "Health Division"}
    )
    assert renamed.status_code == 303
    assert _payload(engine, "department.rename") == {
        "old": {"name": "Phòng Y tế", "name_en": ""},
        "new": {"name": "Phòng Y tế quận", "name_en": "Health Division"},
    }
    listed = html.fromstring(admin.get("/admin/departments").text)
    assert listed.xpath("//tr[@id='dept-YT']//input[@name='name']/@value") == ["Phòng Y tế quận"]


def test_organisation_settings_are_checked_and_kept_on_the_trail(app: FastAPI) -> None:
    engine = app.state.engine
    admin = _admin(app)
    before = snapshot(engine)
    form = {
        "organisation.name": "UBND quận Ba Đình",
        "timezone": "Asia/Hanoi",
        "acknowledgement.due_working_days": "5",
    }
    refused = admin.form("/admin/settings", form)
    assert refused.status_code == 422
    assert "'Asia/Hanoi' is not a time zone" in _field_error(refused.text, "settings", "timezone")
    doc = html.fromstring(refused.text)
    assert doc.xpath("//input[@name='organisation.name']/@value") == ["UBND quận Ba Đình"]
    refused = admin.form("/admin/settings", {**form, "timezone": "Asia/Bangkok",
                                             "acknowledgement.due_working_days": "0"})  # fmt: skip
    assert refused.status_code == 422
    error = _field_error(refused.text, "settings", "acknowledgement.due_working_days")
    assert re.search(r"must be a whole number from 1 to 250", error)
    assert snapshot(engine) == before
    start = last_event(engine)
    saved = admin.form("/admin/settings", {**form, "timezone": "Asia/Bangkok"})
    assert saved.status_code == 303
    assert trail_actions(engine, start) == ["setting.change"] * 3
    with engine.connect() as connection:
        changes = connection.execute(
            text("SELECT entity_id, payload FROM trail_event WHERE seq > :s ORDER BY seq"),
            {"s": start},
        ).all()
    assert {key: json.loads(payload)["new"] for key, payload in changes} == {
        "organisation.name": "UBND quận Ba Đình",
        "timezone": "Asia/Bangkok",
        "acknowledgement.due_working_days": "5",
    }
    assert json.loads(changes[1][1])["old"] is None  # the default was in use
    page = html.fromstring(admin.get("/admin/settings").text)
    assert page.xpath("//input[@name='timezone']/@value") == ["Asia/Bangkok"]


def test_the_administration_pages_speak_vietnamese(app: FastAPI) -> None:
    admin = _admin(app, "vi")
    for path, heading in [
        ("/admin", "Quản trị"),
        ("/admin/users", "Người dùng"),
        ("/admin/users/new", "Thêm người dùng"),
        ("/admin/departments", "Đơn vị"),
        ("/admin/settings", "Thiết lập của tổ chức"),
    ]:
        page = html.fromstring(admin.get(path).text)
        assert page.xpath("string(//h1)") == heading, path
    nav = html.fromstring(admin.get("/").text).xpath("//nav[@id='main-nav']")[0]
    assert nav.xpath("string(details[summary='Hệ thống']/ul/li/a[@href='/admin'])") == "Quản trị"


def test_other_languages_in_department_manuals_is_a_yes_or_no_choice(app: FastAPI) -> None:
    engine = app.state.engine
    admin = _admin(app, "vi")
    key = "manual.other_languages"
    page = html.fromstring(admin.get("/admin/settings").text)
    options = page.xpath(f"//select[@name='{key}']/option")
    assert [(o.get("value"), o.text, o.get("selected")) for o in options] == [
        ("no", "Không", "selected"),
        ("yes", "Có", None),
    ]
    before = snapshot(engine)
    refused = admin.form("/admin/settings", {key: "maybe"})
    assert refused.status_code == 422
    assert "phải là có (yes) hoặc không (no)" in _field_error(refused.text, "settings", key)
    assert snapshot(engine) == before
    start = last_event(engine)
    assert admin.form("/admin/settings", {key: "yes"}).status_code == 303
    assert trail_actions(engine, start) == ["setting.change"]
    page = html.fromstring(admin.get("/admin/settings").text)
    assert page.xpath(f"//select[@name='{key}']/option[@selected]/@value") == ["yes"]


def test_the_stamp_on_superseded_copies_is_set_on_the_settings_page(app: FastAPI) -> None:
    engine = app.state.engine
    admin = _admin(app, "vi")
    key = "documents.stamp"
    page = html.fromstring(admin.get("/admin/settings").text)
    assert page.xpath(f"//input[@name='{key}']/@value") == [""]
    # The whole form saved with the stamp never set and left empty: nothing refused.
    assert admin.form("/admin/settings", {key: "", "timezone": "Asia/Bangkok"}).status_code == 303
    for value, refusal in [("X" * 41, "dài quá 40 ký tự"), (" ", "không được để trống")]:
        admin.form("/admin/settings", {key: "TÀI LIỆU LỖI THỜI"})
        before = snapshot(engine)
        refused = admin.form("/admin/settings", {key: value})
        assert refused.status_code == 422
        assert refusal in _field_error(refused.text, "settings", key)
        assert snapshot(engine) == before
    page = html.fromstring(admin.get("/admin/settings").text)
    assert page.xpath(f"//input[@name='{key}']/@value") == ["TÀI LIỆU LỖI THỜI"]
