"""The objectives and review pages sign under the server's signing lock-out: a leader who
typed too many wrong passwords is refused (429) with the message documents give, beside
the password, even with the right one, and nothing changes."""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from lxml import html

from qms.settings import Settings
from qms.web.app import create_app
from tests.helpers import last_event, snapshot, trail_actions
from tests.seed import PASSWORD
from tests.services import objectives_setup as obj
from tests.services.review_setup import conclude_all, started
from tests.web.client import signed_in

LOCKED = "nhập sai mật khẩu ký quá nhiều lần; chức năng ký của bạn bị tạm khóa trong 10 phút"


@pytest.fixture
def strict_app(db_url: str) -> Iterator[FastAPI]:
    """Signing locked after two wrong passwords in ten minutes."""
    application = create_app(
        Settings(database_url=db_url, signing_max_failures=2, signing_window_minutes=10)
    )
    yield application
    application.state.engine.dispose()


def _beside(page: str, step: str) -> str:
    return str(html.fromstring(page).xpath(f"string(//span[@id='{step}-password-error'])"))


def test_objective_approval_and_minutes_signing_lock_after_wrong_passwords(
    strict_app: FastAPI,
) -> None:
    engine = strict_app.state.engine
    objective = obj.draft(engine)
    review = started(engine)
    conclude_all(engine, review)
    hai = signed_in(strict_app, "hai")
    seq = last_event(engine)
    before = snapshot(engine, skip=("trail_event",))
    wrong = hai.form(f"/objectives/{objective}/approve", {"password": "not-it"})
    assert wrong.status_code == 401
    wrong = hai.form("/objectives/approve", {"year": 2026, "refs": [objective], "password": "x"})
    assert wrong.status_code == 401
    locked = hai.form(f"/reviews/{review}/sign", {"password": PASSWORD})
    assert locked.status_code == 429
    assert _beside(locked.text, "sign") == LOCKED
    locked = hai.form(
        "/objectives/approve", {"year": 2026, "refs": [objective], "password": PASSWORD}
    )
    assert locked.status_code == 429
    assert _beside(locked.text, "approve_many") == LOCKED
    locked = hai.form(f"/objectives/{objective}/approve", {"password": PASSWORD})
    assert locked.status_code == 429
    assert _beside(locked.text, "approve") == LOCKED
    assert snapshot(engine, skip=("trail_event",)) == before
    assert trail_actions(engine, after=seq) == [
        "signing.refused",
        "signing.refused",
        "signing.locked",
        "signing.locked",
        "signing.locked",
    ]
    hai.close()
