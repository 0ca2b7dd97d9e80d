"""An app per test on the ``db_url`` database (SQLite and PostgreSQL), and clients."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy.engine import Engine

from qms.db import make_engine
from qms.settings import Settings
from qms.web.app import create_app
from tests.helpers import documents_in_every_state
from tests.web.client import WebClient, signed_in


@pytest.fixture
def app(db_url: str) -> Iterator[FastAPI]:
    application = create_app(Settings(database_url=db_url))
    yield application
    application.state.engine.dispose()


@pytest.fixture
def web_engine(app: FastAPI) -> Engine:
    engine: Engine = app.state.engine
    return engine


@pytest.fixture
def anonymous(app: FastAPI) -> Iterator[WebClient]:
    with WebClient(app) as client:
        yield client


@pytest.fixture
def as_user(app: FastAPI) -> Iterator[object]:
    """``as_user("thu")``: a client signed in as that test person."""
    clients: list[WebClient] = []

    def make(username: str) -> WebClient:
        client = signed_in(app, username)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture(scope="session")
def workflow_template(sqlite_templates: dict[bool, Path], tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    """A SQLite database with documents in every state (built once, copied per use; see
    :func:`documents_in_every_state`)."""
    path = tmp_path_factory.mktemp("web") / "workflow.db"
    shutil.copyfile(sqlite_templates[True], path)
    engine = make_engine(f"sqlite:///{path}")
    try:
        documents_in_every_state(engine)
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    return path


@pytest.fixture
def workflow_app(workflow_template: Path, tmp_path: Path) -> Iterator[FastAPI]:
    """A fresh copy of the workflow database, served."""
    path = tmp_path / "workflow.db"
    shutil.copyfile(workflow_template, path)
    application = create_app(Settings(database_url=f"sqlite:///{path}"))
    yield application
    application.state.engine.dispose()
