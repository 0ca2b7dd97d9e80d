"""Downloads of controlled PDFs on both databases: the stored copy of the effective issue
(read without ORM objects), the same session checks as every page, and the general path
for everything else."""

import html
from urllib.parse import quote

from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import QueuePool
from sqlmodel import select

from qms.db import read_session
from qms.models import Blob, Document, Revision
from qms.services import blobs
from qms.services.people import users
from qms.settings import Settings
from qms.web.app import create_app
from tests.helpers import act, effective_document, new_draft, statements_sent
from tests.seed import PASSWORD
from tests.web.client import WebClient, signed_in

PDF = "/documents/QT-01/pdf"


def _stored_copy(engine: Engine, code: str) -> bytes:
    with read_session(engine) as session:
        digest = session.exec(
            select(Revision.pdf_sha256)
            .join(Document)
            .where(Document.code == code, Revision.status == "effective")
        ).one()
        return session.exec(select(Blob.data).where(Blob.sha256 == digest)).one()


def test_effective_issue_is_the_stored_copy(app: FastAPI, web_engine: Engine) -> None:
    effective_document(web_engine, "QT-01")
    lan = signed_in(app, "lan")
    response = lan.get(PDF.replace("QT-01", "qt-01"))  # codes are not case-sensitive
    assert response.status_code == 200
    assert response.content == _stored_copy(web_engine, "QT-01")
    assert 'filename="QT-01_issue-1.pdf"' in response.headers["content-disposition"]
    assert response.headers["cache-control"] == "private, no-store"
    lan.close()


def test_without_an_effective_issue_the_general_rules_answer(
    app: FastAPI, web_engine: Engine
) -> None:
    new_draft(web_engine, "QT-02")
    lan = signed_in(app, "lan")
    assert lan.get("/documents/QT-02/pdf").status_code == 404  # staff: no effective issue
    assert lan.get("/documents/QT-99/pdf").status_code == 404
    thu = signed_in(app, "thu")
    draft = thu.get("/documents/QT-02/pdf")  # a coordinator gets the draft, rendered
    assert draft.status_code == 200
    assert draft.content.startswith(b"%PDF")
    assert 'filename="QT-02_issue-1.pdf"' in draft.headers["content-disposition"]
    lan.close()
    thu.close()


def test_download_needs_a_live_session(app: FastAPI, web_engine: Engine) -> None:
    effective_document(web_engine, "QT-01")
    with WebClient(app) as anonymous:
        refused = anonymous.get(PDF)
        assert refused.status_code == 303
        assert refused.headers["location"] == f"/login?next={quote(PDF)}"
    kept = signed_in(app, "lan")
    ended = signed_in(app, "lan")
    assert ended.get(PDF).status_code == 200
    act(
        web_engine,
        users.change_password,
        "lan",
        username="lan",
        new_password="n3w-secret!",
        old_password=PASSWORD,
    )
    assert ended.get(PDF).status_code == 303  # signed in with the old password
    assert ended.get("/").status_code == 303  # and the session was cleared
    hung = signed_in(app, "hung")
    assert hung.get(PDF).status_code == 200
    act(web_engine, users.set_active, "admin", username="hung", active=False)
    assert hung.get(PDF).status_code == 303
    kept.close()
    ended.close()
    hung.close()


def test_altered_stored_copy_is_refused(app: FastAPI, web_engine: Engine) -> None:
    effective_document(web_engine, "QT-01")
    genuine = _stored_copy(web_engine, "QT-01")
    with web_engine.begin() as connection:
        connection.execute(
            text("UPDATE blob SET data = :d WHERE sha256 = :k"),
            {"d": genuine + b"% altered", "k": blobs.sha256(genuine)},
        )
    blobs.forget_cached()  # as a process that has not served it yet
    lan = signed_in(app, "lan")
    refused = lan.get(PDF)
    assert refused.status_code == 500
    assert refused.headers["content-type"].startswith("text/html")
    assert b"%PDF" not in refused.content
    # The integrity refusal itself, not just any failure.
    key = blobs.sha256(genuine)[:12]
    assert f"tệp lưu trữ {key}… không khớp với mã băm" in html.unescape(refused.text)
    lan.close()


def test_a_download_asks_the_database_once(app: FastAPI, web_engine: Engine) -> None:
    """The session check and the effective issue share one statement, and no transaction
    is opened around it; the trail's confirmation and the bytes are cached after the first
    download."""
    effective_document(web_engine, "QT-01")
    lan = signed_in(app, "lan")
    assert lan.get(PDF).status_code == 200  # warms the caches
    with statements_sent(web_engine) as statements:
        response = lan.get(PDF)
    assert response.status_code == 200
    assert response.content == _stored_copy(web_engine, "QT-01")
    assert len(statements) == 1, statements
    lan.close()


def test_the_pool_keeps_the_configured_connections(db_url: str) -> None:
    app = create_app(Settings(database_url=db_url, database_pool_size=7))
    pool = app.state.engine.pool
    try:
        assert isinstance(pool, QueuePool)
        assert (pool.size(), pool._max_overflow) == (7, 7)
    finally:
        app.state.engine.dispose()
