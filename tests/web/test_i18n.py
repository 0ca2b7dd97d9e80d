"""Every page in Vietnamese and English: complete catalogs, the switcher, formats."""

import string
from datetime import UTC, date, datetime
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from fastapi import FastAPI
from sqlmodel import select

import qms
from qms.db import read_session
from qms.i18n import LOCALE_DIR, MESSAGE_KEYWORDS
from qms.models import User
from qms.paths import templates_dir
from qms.web.i18n import Formats
from tests.test_error_messages import ERROR_CLASSES, OWN_INIT
from tests.web.client import WebClient, signed_in

KEYWORDS = dict.fromkeys(MESSAGE_KEYWORDS)


def _used_messages() -> set[str]:
    found = set()
    sources: list[tuple[Path, list[tuple[str, str]], dict[str, dict[str, str]]]] = [
        (Path(qms.__file__).parent, [("**.py", "python")], {}),
        (
            templates_dir() / "web",
            [("**.html", "jinja2")],
            {"**.html": {"extensions": "jinja2.ext.i18n"}},
        ),
    ]
    for root, method_map, options in sources:
        for _name, _line, message, _comments, _context in extract_from_dir(
            root, method_map, options, KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_has_a_vietnamese_translation() -> None:
    used = _used_messages()
    assert len(used) > 100
    with (LOCALE_DIR / "vi" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog = read_po(source, locale="vi")
    missing = sorted(m for m in used if not (catalog.get(m) and catalog.get(m).string))
    assert missing == []


def _placeholders(text: str) -> list[str]:
    return sorted(f for _, f, _, _ in string.Formatter().parse(text) if f is not None)


def test_the_services_refusals_are_extracted() -> None:
    used = _used_messages()
    for template in (
        "{code} has no issue {issue}",  # a service
        "{user} drafted {issue} and cannot approve it",
        "{user} cannot {action}: it needs the {roles} role",
        "draft revisions",  # a phrase given to a refusal
        "in review",
        "font {family!r} is not installed (needed for the watermark)",  # the renderer
        "too many failed sign-ins; try again in {minutes} minutes",
        "QMS_LANGUAGE must be one of {choices}, not {value!r}",
    ):
        assert template in used


def test_every_kind_of_error_is_a_catalog_keyword() -> None:
    assert ERROR_CLASSES - OWN_INIT - set(MESSAGE_KEYWORDS) == set()


def test_translations_keep_the_placeholders() -> None:
    with (LOCALE_DIR / "vi" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog = read_po(source, locale="vi")
    brace = [m for m in catalog if m.id and "{" in m.id]
    assert len(brace) > 150
    different = [m.id for m in brace if _placeholders(m.id) != _placeholders(m.string)]
    assert different == []


def test_english_catalog_covers_the_same_messages() -> None:
    with (LOCALE_DIR / "en" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog = read_po(source, locale="en")
    assert {m.id for m in catalog if m.id} >= _used_messages()


def test_switcher_on_the_sign_in_page(workflow_app: FastAPI) -> None:
    with WebClient(workflow_app) as client:
        page = client.get("/login")
        assert '<html lang="vi">' in page.text
        assert "Đăng nhập" in page.text
        switched = client.form("/language", {"language": "en", "next": "/login"})
        assert switched.headers["location"] == "/login"
        english = client.get("/login")
        assert '<html lang="en">' in english.text
        assert ">Sign in</h1>" in english.text


def test_choice_is_kept_on_the_user(workflow_app: FastAPI) -> None:
    client = signed_in(workflow_app, "lan")
    assert "Việc chờ tôi xử lý" in client.get("/").text
    client.form("/language", {"language": "en", "next": "/documents"})
    assert "Document register" in client.get("/documents").text
    with read_session(workflow_app.state.engine) as session:
        lan = session.exec(select(User).where(User.username == "lan")).one()
    assert lan.language == "en"
    client.close()
    again = signed_in(workflow_app, "lan")  # a new session, no cookie
    again.cookies.clear()
    again.login("lan")
    assert "Waiting for me" in again.get("/").text
    again.close()


def test_dates_and_numbers_follow_the_language() -> None:
    vi, en = Formats("vi", "Asia/Ho_Chi_Minh"), Formats("en", "Asia/Ho_Chi_Minh")
    assert vi.date(date(2026, 12, 5)) == "05/12/2026"
    assert en.date(date(2026, 12, 5)) == "2026-12-05"
    assert vi.number(1234567) == "1.234.567"
    assert en.number(1234567) == "1,234,567"
    late_utc = datetime(2026, 11, 26, 20, 30, tzinfo=UTC)  # 03:30 next day in Hà Nội
    assert en.date(late_utc) == "2026-11-27"
    assert vi.datetime(late_utc) == "03:30 27/11/2026"
    assert en.datetime(late_utc) == "2026-11-27 03:30"
