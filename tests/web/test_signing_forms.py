"""Signing forms that keep what was typed: a refused signature, date or publication comes
back on the same page (4xx) with the message beside the field it is about, never a
command-line option, and nothing of the step is saved; wrong signing passwords go on the
trail and, after too many, lock signing for that user for a while."""

import html
import re
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from httpx import Response
from sqlalchemy.engine import Engine
from sqlmodel import select

from qms import clock
from qms.db import read_session
from qms.models import Document, Revision
from qms.settings import Settings
from qms.web.app import create_app
from tests.helpers import last_event, snapshot, statuses, trail_actions
from tests.pinned_clock import NOW, ORGANISATION_ZONE, days_from_today
from tests.seed import PASSWORD
from tests.web.client import WebClient, signed_in

NOT_THE_TRAIL = ("trail_event",)


def _content_hash(engine: Engine, code: str) -> str:
    with read_session(engine) as session:
        doc = session.exec(select(Document).where(Document.code == code)).one()
        revs = session.exec(select(Revision).where(Revision.document_id == doc.id)).all()
        return max(revs, key=lambda r: r.issue).content_hash


def _field_error(page: str, step: str, name: str) -> str:
    found = re.search(
        rf'<span class="field-error" id="{step}-{name}-error"[^>]*>([^<]*)</span>', page
    )
    assert found, f"no message beside {step}/{name}"
    return html.unescape(found.group(1))


def _input(page: str, name: str) -> str:
    found = re.search(rf'<(?:input|textarea|select)[^>]*name="{name}"[^>]*>', page)
    assert found, f"no field {name}"
    return found.group(0)


@pytest.fixture
def hai(workflow_app: FastAPI) -> Iterator[WebClient]:
    client = signed_in(workflow_app, "hai")
    yield client
    client.close()


def _approve(client: WebClient, engine: Engine, **fields: str) -> Response:
    form = {"content_hash": _content_hash(engine, "QT-03"), "password": PASSWORD, **fields}
    return client.form("/documents/QT-03/approve", form)


def test_a_wrong_password_keeps_the_date_and_is_shown_beside_the_password(
    workflow_app: FastAPI, hai: WebClient
) -> None:
    engine = workflow_app.state.engine
    before, seq = snapshot(engine, skip=NOT_THE_TRAIL), last_event(engine)
    chosen = days_from_today(10).isoformat()
    refused = _approve(hai, engine, password="wrong", effective_date=chosen)
    assert refused.status_code == 401
    page = refused.text
    assert _field_error(page, "approve", "password") == "sai mật khẩu của hai"
    assert f'value="{chosen}"' in _input(page, "effective_date")
    assert 'aria-invalid="true"' in _input(page, "password")
    assert "--" not in _field_error(page, "approve", "password")
    assert snapshot(engine, skip=NOT_THE_TRAIL) == before
    assert trail_actions(engine, after=seq) == ["signing.refused"]
    assert statuses(engine, "QT-03") == {1: "in_review"}


@pytest.mark.parametrize(
    ("typed", "status", "message"),
    [
        ("2026-13-45", 422, "'2026-13-45' không phải là ngày hợp lệ; hãy chọn ngày trên lịch"),
        ("2026-12-03", 422, "ngày hiệu lực 03/12/2026 đã qua"),
    ],
)
def test_a_wrong_effective_date_is_refused_beside_the_field(
    workflow_app: FastAPI, hai: WebClient, typed: str, status: int, message: str
) -> None:
    engine = workflow_app.state.engine
    before = snapshot(engine)
    refused = _approve(hai, engine, effective_date=typed)
    assert refused.status_code == status
    assert _field_error(refused.text, "approve", "effective_date") == message
    assert f'value="{typed}"' in _input(refused.text, "effective_date")
    assert snapshot(engine) == before


def test_returning_without_a_comment_names_no_option(workflow_app: FastAPI) -> None:
    engine = workflow_app.state.engine
    hung = signed_in(workflow_app, "hung")
    before = snapshot(engine)
    refused = hung.form("/documents/QT-02/review", {"decision": "return", "comment": "  "})
    assert refused.status_code == 422
    message = _field_error(refused.text, "review", "comment")
    assert message == "hãy ghi rõ nội dung cần sửa khi trả lại lần ban hành"
    assert "--comment" not in refused.text
    assert snapshot(engine) == before
    hung.close()


def test_a_refused_submission_keeps_the_chosen_people(workflow_app: FastAPI) -> None:
    engine = workflow_app.state.engine
    thu = signed_in(workflow_app, "thu")
    before, seq = snapshot(engine, skip=NOT_THE_TRAIL), last_event(engine)
    form = {"password": "nope", "reviewer": "hung", "approver": "hai"}
    refused = thu.form("/documents/QT-01/submit", form)
    assert refused.status_code == 401
    assert _field_error(refused.text, "submit", "password") == "sai mật khẩu của thu"
    assert re.search(r'<option value="hung" selected>', refused.text)
    assert re.search(r'<option value="hai" selected>', refused.text)
    assert snapshot(engine, skip=NOT_THE_TRAIL) == before
    assert trail_actions(engine, after=seq) == ["signing.refused"]
    thu.close()


def test_the_effective_date_starts_at_today_where_the_organisation_is(
    workflow_app: FastAPI,
) -> None:
    """At 00:30 on 5 December in Hà Nội it is still 4 December in UTC."""
    late = datetime(2026, 12, 5, 0, 30, tzinfo=ORGANISATION_ZONE)
    with clock.pinned(late):
        hai = signed_in(workflow_app, "hai")
        page = hai.get("/documents/QT-03").text
    field = _input(page, "effective_date")
    assert 'value="2026-12-05"' in field
    assert 'min="2026-12-05"' in field
    assert "tự động có hiệu lực vào ngày được chọn (từ hôm nay, 05/12/2026 trở đi)" in page
    hai.close()


def test_publish_is_not_offered_before_the_date(workflow_app: FastAPI, hai: WebClient) -> None:
    engine = workflow_app.state.engine
    later = days_from_today(3)
    assert _approve(hai, engine, effective_date=later.isoformat()).status_code == 303
    thu = signed_in(workflow_app, "thu")
    page = thu.get("/documents/QT-03").text
    assert f"Tự động có hiệu lực vào ngày {later:%d/%m/%Y}." in page
    assert "/documents/QT-03/publish" not in page
    before = snapshot(engine)
    refused = thu.form("/documents/QT-03/publish")
    assert refused.status_code == 409
    assert f"có hiệu lực từ ngày {later:%d/%m/%Y}, không sớm hơn" in refused.text
    assert snapshot(engine) == before
    thu.close()


@pytest.fixture
def strict_app(workflow_template: Path, tmp_path: Path) -> Iterator[FastAPI]:
    """The workflow database, served with signing locked after two wrong passwords in
    ten minutes."""
    path = tmp_path / "workflow.db"
    shutil.copyfile(workflow_template, path)
    settings = Settings(
        database_url=f"sqlite:///{path}", signing_max_failures=2, signing_window_minutes=10
    )
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


def test_signing_locks_after_too_many_wrong_passwords(strict_app: FastAPI) -> None:
    engine = strict_app.state.engine
    hai = signed_in(strict_app, "hai")
    seq = last_event(engine)
    for _ in range(2):
        assert _approve(hai, engine, password="wrong").status_code == 401
    before = snapshot(engine, skip=NOT_THE_TRAIL)
    locked = _approve(hai, engine)  # the right password, too late
    assert locked.status_code == 429
    assert _field_error(locked.text, "approve", "password") == (
        "nhập sai mật khẩu ký quá nhiều lần; chức năng ký của bạn bị tạm khóa trong 10 phút"
    )
    assert snapshot(engine, skip=NOT_THE_TRAIL) == before
    assert trail_actions(engine, after=seq) == [
        "signing.refused",
        "signing.refused",
        "signing.locked",
    ]
    # Someone else still signs; and the lock ends with the window.
    hung = signed_in(strict_app, "hung")
    form = {"decision": "accept", "password": PASSWORD}
    assert hung.form("/documents/QT-02/review", form).status_code == 303
    with clock.pinned(NOW + timedelta(minutes=11)):
        assert _approve(hai, engine).status_code == 303
    assert statuses(engine, "QT-03") == {1: "approved"}
    hai.close()
    hung.close()
