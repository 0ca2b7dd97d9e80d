"""Every page in Vietnamese and English: complete catalogs, the switcher, formats."""

from datetime import UTC, date, datetime

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from fastapi import FastAPI
from sqlmodel import select

from qms.db import read_session
from qms.models import User
from qms.paths import templates_dir
from qms.web.i18n import LOCALE_DIR, Formats
from tests.web.client import WebClient, signed_in

KEYWORDS = {"_": None, "N_": None, "gettext": None}


def _used_messages() -> set[str]:
    web = LOCALE_DIR.parent
    found = set()
    sources = [
        (web, [("**.py", "python")], {}),
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
    assert vi.date(date(2026, 11, 26)) == "26 thg 11, 2026"
    assert en.date(date(2026, 11, 26)) == "Nov 26, 2026"
    assert vi.number(1234567) == "1.234.567"
    assert en.number(1234567) == "1,234,567"
    late_utc = datetime(2026, 11, 26, 20, 30, tzinfo=UTC)  # 03:30 next day in Hà Nội
    assert en.date(late_utc) == "Nov 27, 2026"
    assert "03:30" in vi.datetime(late_utc)
