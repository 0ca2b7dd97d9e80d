"""Small tools the tests share: run a service as a user, snapshot the database."""

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from qms.db import read_connection, read_session, write_session
from qms.errors import AuthenticationFailed, QMSError
from qms.models import Document, Revision
from qms.services.documents import downloads, revisions
from qms.services.documents import register as documents
from qms.services.documents.renditions import ControlledCopy
from qms.services.people import logins, sessions, users
from tests.seed import PASSWORD


def act(engine: Engine, func: Callable[..., Any], actor: str, **kwargs: Any) -> Any:
    """Call a service as ``actor`` in its own write transaction, as an adapter would."""
    with write_session(engine) as session:
        return func(session, actor=users.get_active_user(session, actor), **kwargs)


def snapshot(engine: Engine, *, skip: tuple[str, ...] = ()) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (but those in ``skip``), for "a failed operation changed
    nothing" checks."""
    tables = sorted(set(inspect(engine).get_table_names()) - set(skip))
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for table in tables:
            rows = connection.execute(text(f'SELECT * FROM "{table}"')).all()
            out[table] = sorted((tuple(r) for r in rows), key=repr)
    return out


def refused(
    engine: Engine,
    error: type[QMSError],
    func: Callable[..., Any],
    actor: str,
    match: str,
    **kwargs: Any,
) -> None:
    """The step fails with ``error`` (its message matching ``match``) and leaves every
    table exactly as it was."""
    before = snapshot(engine)
    with pytest.raises(error, match=match):
        act(engine, func, actor, **kwargs)
    assert snapshot(engine) == before


def refused_signature(engine: Engine, func: Callable[..., Any], actor: str, **kwargs: Any) -> None:
    """A wrong signing password: refused, nothing changed but the refusal recorded on the
    trail, where it counts towards the signing lock-out."""
    before, seq = snapshot(engine, skip=("trail_event",)), last_event(engine)
    with pytest.raises(AuthenticationFailed, match="wrong password"):
        act(engine, func, actor, **kwargs)
    assert snapshot(engine, skip=("trail_event",)) == before
    assert trail_actions(engine, after=seq) == ["signing.refused"]


def trail_actions(engine: Engine, after: int = 0) -> list[str]:
    """The actions of the trail's events after event ``after``, in order."""
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT action FROM trail_event WHERE seq > :after ORDER BY seq"),
            {"after": after},
        )
        return [row[0] for row in rows]


def last_event(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(text("SELECT coalesce(max(seq), 0) FROM trail_event")).one()[0]
        )


def body(n: int = 1) -> str:
    return (
        "# 1. Mục đích\n\nQuy định cách kiểm soát tài liệu.\n\n"
        f"# 2. Nội dung\n\nBước {n}: tiếp nhận hồ sơ trong 02 ngày làm việc.\n"
    )


def new_draft(engine: Engine, code: str = "QT-01", drafter: str = "thu", **kwargs: Any) -> None:
    kwargs.setdefault("title", "Quy trình kiểm soát tài liệu")
    kwargs.setdefault("doc_type", "procedure")
    kwargs.setdefault("department", "VP")
    kwargs.setdefault("body", body())
    act(engine, revisions.create_document, drafter, code=code, **kwargs)


def to_effective(
    engine: Engine,
    code: str = "QT-01",
    *,
    drafter: str = "thu",
    reviewer: str = "hung",
    approver: str = "hai",
) -> None:
    """Take the draft in progress through review and approval to effective."""
    act(engine, revisions.submit, drafter, code=code, password=PASSWORD)
    act(engine, revisions.review, reviewer, code=code, accept=True, password=PASSWORD)
    act(engine, revisions.approve, approver, code=code, password=PASSWORD)
    act(engine, revisions.publish, drafter, code=code)


def effective_document(engine: Engine, code: str = "QT-01") -> None:
    new_draft(engine, code)
    to_effective(engine, code)


def revise(engine: Engine, code: str = "QT-01", drafter: str = "thu", n: int = 2) -> None:
    act(
        engine,
        revisions.revise,
        drafter,
        code=code,
        body=body(n),
        reason="Kết quả đánh giá nội bộ",
        description=f"Sửa bước {n}",
    )


def legacy_body(engine: Engine, code: str, issue: int, new_body: str) -> None:
    """Give an issue a body as a version that did not check bodies when saved might have
    (one over the caps of the controlled PDF, say), straight in the database."""
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE revision SET body = :body WHERE issue = :issue AND document_id = "
                "(SELECT id FROM document WHERE code = :code)"
            ),
            {"body": new_body, "issue": issue, "code": code},
        )


def documents_in_every_state(engine: Engine) -> None:
    """QT-01 effective issue 1 and a draft issue 2 by thu; QT-02 in review (no review yet);
    QT-03 in review and reviewed by hung; QT-04 approved, waiting to be published."""
    effective_document(engine, "QT-01")
    revise(engine, "QT-01")
    for code in ("QT-02", "QT-03", "QT-04"):
        new_draft(engine, code, title=f"Quy trình {code}")
        act(engine, revisions.submit, "thu", code=code, password=PASSWORD)
    for code in ("QT-03", "QT-04"):
        act(engine, revisions.review, "hung", code=code, accept=True, password=PASSWORD)
    act(engine, revisions.approve, "hai", code="QT-04", password=PASSWORD)


def statuses(engine: Engine, code: str = "QT-01") -> dict[int, str]:
    with read_session(engine) as session:
        doc = documents.get_document(session, code)
        return {r.issue: r.status for r in documents.revisions_of(session, doc)}


def get(session: Session, code: str, issue: int) -> tuple[Document, Revision]:
    return documents.get_revision(
        session, viewer=users.get_user(session, "thu"), code=code, issue=issue
    )


DROP_GUARDS = {
    "sqlite": [
        "DROP TRIGGER trail_event_no_update",
        "DROP TRIGGER trail_event_no_delete",
    ],
    "postgresql": ["DROP TRIGGER trail_event_no_change ON trail_event"],
}


def drop_guards(engine: Engine) -> None:
    """What someone with direct database access would do before editing the trail."""
    with engine.begin() as connection:
        for statement in DROP_GUARDS[engine.dialect.name]:
            connection.execute(text(statement))


def cli_json(db_url: str, *args: str) -> Any:
    """What ``qms ARGS --format json`` prints, parsed (the command must succeed)."""
    from click.testing import CliRunner

    from qms.cli import cli

    result = CliRunner().invoke(
        cli,
        [*args, "--format", "json"],
        env={"QMS_DATABASE_URL": db_url, "QMS_USER": None},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


LIFETIMES = sessions.Lifetimes.of(idle_minutes=30, max_hours=8)


def download(engine: Engine, code: str, username: str = "lan") -> ControlledCopy | None:
    """The effective issue's controlled copy as the web's download path finds it for
    ``username`` (signed in here), read in one query without a session."""
    with write_session(engine) as session:
        token = logins.sign_in(
            session, username=username, password=PASSWORD, client="127.0.0.1", lifetimes=LIFETIMES
        ).token
    with read_connection(engine) as reader:
        found = downloads.effective_copy_for(reader, token=token, code=code, lifetimes=LIFETIMES)
    assert found.live is not None
    return found.copy


@contextmanager
def statements_sent(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements sent through ``engine`` meanwhile (transaction control aside),
    for tests that bound a page's round trips."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            sent.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)
