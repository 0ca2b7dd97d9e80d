"""The full-text index behind the register, in each database's own kind.

One row per document: the folded words of its code and title, of its effective body (the
terms of ``search_term``), and a marker per state its issues are in (``=effective``,
``=draft``...; no search word can spell one, as words are ``\\w+``). SQLite keeps it in an
FTS5 table, PostgreSQL in a ``tsvector`` column with a GIN index. Both answer "these
words start words of the document, and it has an issue in this state" from the index,
so a search or a status filter costs the size of its answer, not of the register.

The table is not a model (see ``qms.db.UNMODELLED_TABLES``); migration 0011 creates and
fills it. Every change that moves what a document is found by calls :func:`refresh`,
which also keeps where the document's issues stand on its row (``Document.in_effect``,
``in_progress``, ``withdrawn``) for the register's counts, and what its sorted pages
read (``effective_on``, ``status_rank``, ``department_code``).
"""

import re
from collections.abc import Iterable
from datetime import date, datetime, time

from sqlalchemy import (
    ColumnElement,
    Date,
    DateTime,
    Integer,
    bindparam,
    cast,
    column,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from qms.db import SEARCH_INDEX
from qms.text import fold

MAX_TERM = 64
_WORD = re.compile(r"\w+")
# The states the register filters on; superseded issues never decide what is shown.
STATES = ("effective", "draft", "in_review", "approved", "obsolete")


def words_of(text: str) -> list[str]:
    """The folded words of ``text`` in order, as the index and the searches cut them."""
    return [word[:MAX_TERM] for word in _WORD.findall(fold(text))]


def entry(title_text: str, terms: Iterable[str], states: Iterable[str]) -> str:
    """The indexed words of one document, space-separated."""
    markers = sorted({f"={state}" for state in states if state in STATES})
    return " ".join([*words_of(title_text), *sorted(terms), *markers])


_STORE = {
    "postgresql": (
        "DELETE FROM document_search WHERE document_id = :id",
        "INSERT INTO document_search (document_id, words) "
        "VALUES (:id, array_to_tsvector(string_to_array(:words, ' ')))",
    ),
    "sqlite": (
        "DELETE FROM document_search WHERE rowid = :id",
        "INSERT INTO document_search (rowid, words) VALUES (:id, :words)",
    ),
}


def refresh(session: Session, document_id: int) -> None:
    """Index one document again from its code, title, indexed body words and the states
    of its issues; the caller commits with the change that moved them."""
    session.flush()
    title = session.execute(
        text("SELECT search_text FROM document WHERE id = :id"), {"id": document_id}
    ).scalar_one()
    terms = session.execute(
        text("SELECT term FROM search_term WHERE document_id = :id"), {"id": document_id}
    ).scalars()
    states = session.execute(
        text("SELECT DISTINCT status FROM revision WHERE document_id = :id"), {"id": document_id}
    ).scalars()
    found = set(states)
    forget, add = _STORE[session.get_bind().dialect.name]
    session.execute(text(forget), {"id": document_id})
    session.execute(text(add), {"id": document_id, "words": entry(title, terms, found)})
    day = session.execute(_EFFECTIVE_DAYS.where(column("document_id") == document_id)).first()
    on = effective_on(day[1], day[2]) if day else None
    session.execute(_STANDING, {"id": document_id, "effective_on": on, **standing(found)})


# Where a document's issues stand, on its row (see ``Document.in_effect``).
_STANDING = text(
    "UPDATE document SET in_effect = :in_effect, in_progress = :in_progress, "
    "withdrawn = :withdrawn, status_rank = :status_rank, effective_on = :effective_on, "
    "department_code = (SELECT code FROM department WHERE department.id = "
    "document.department_id) WHERE id = :id"
).bindparams(bindparam("effective_on", type_=DateTime(timezone=True)))
# The dates of each document's effective issue, for ``Document.effective_on``.
_EFFECTIVE_DAYS: Select[int, date, datetime] = (
    select(
        column("document_id", Integer()),
        column("planned_effective_date", Date()),
        column("effective_at", DateTime(timezone=True)),
    )
    .select_from(table("revision"))
    .where(column("status") == "effective")
)
_IN_PROGRESS = ("draft", "in_review", "approved")
# A document's life in order, for sorting the register by status (see ``status_rank``).
LIFE_ORDER = ("draft", "in_review", "approved", "effective", "obsolete")


def effective_on(planned: date | None, effective_at: datetime | None) -> datetime | None:
    """The day the register sorts an effective issue by: the day it was planned to take
    effect, or else the moment it took effect."""
    if planned is not None:
        return datetime.combine(planned, time())
    return effective_at


def standing(states: set[str]) -> dict[str, object]:
    """The document row's ``in_effect``, ``in_progress``, ``withdrawn`` and
    ``status_rank`` for a document whose issues are in ``states``."""
    in_effect = "effective" in states
    in_progress = min((s for s in states if s in _IN_PROGRESS), default=None)
    withdrawn = not in_effect and in_progress is None and "obsolete" in states
    shown = "effective" if in_effect else in_progress or "obsolete"
    return {
        "in_effect": in_effect,
        "in_progress": in_progress,
        "withdrawn": withdrawn,
        "status_rank": LIFE_ORDER.index(shown),
    }


def matching(
    session: Session, words: list[str], *, having: str | None = None, lacking: Iterable[str] = ()
) -> Select[tuple[int]]:
    """The ids of documents in which each of ``words`` (folded ``\\w+`` words) starts a
    word of the code, title or effective body, with an issue in state ``having`` and
    none in the states ``lacking``."""
    absent = list(lacking)
    if session.get_bind().dialect.name == "postgresql":
        parts = [f"'{word}':*" for word in words]
        parts += [f"'={having}'"] if having else []
        parts += [f"!'={state}'" for state in absent]
        condition: ColumnElement[bool] = literal_column("words").op("@@")(
            cast(bindparam("q", " & ".join(parts), unique=True), TSQUERY)
        )
        return select(column("document_id")).select_from(table(SEARCH_INDEX)).where(condition)
    parts = [f'"{word}"*' for word in words]
    parts += [f'"={having}"'] if having else []
    query = " AND ".join(parts)
    if absent:
        query += " NOT (" + " OR ".join(f'"={state}"' for state in absent) + ")"
    return (
        select(literal_column("rowid"))
        .select_from(table(SEARCH_INDEX))
        .where(literal_column(SEARCH_INDEX).op("MATCH")(bindparam("q", query, unique=True)))
    )


def rebuild(session: Session) -> None:
    """Index every document again (after a bulk load; migration 0011 does the same)."""
    session.execute(text("DELETE FROM document_search"))
    titles: dict[int, str] = dict(
        session.execute(text("SELECT id, search_text FROM document")).tuples().all()
    )
    terms: dict[int, list[str]] = {}
    for document_id, term in session.execute(text("SELECT document_id, term FROM search_term")):
        terms.setdefault(document_id, []).append(term)
    states: dict[int, list[str]] = {}
    for document_id, state in session.execute(
        text("SELECT DISTINCT document_id, status FROM revision")
    ):
        states.setdefault(document_id, []).append(state)
    rows = [
        {"id": doc_id, "words": entry(title, terms.get(doc_id, ()), states.get(doc_id, ()))}
        for doc_id, title in titles.items()
    ]
    add = _STORE[session.get_bind().dialect.name][1]
    for start in range(0, len(rows), 5000):
        session.execute(text(add), rows[start : start + 5000])
    days = {
        doc_id: effective_on(planned, at)
        for doc_id, planned, at in session.execute(_EFFECTIVE_DAYS)
    }
    standings = [
        {"id": doc_id, "effective_on": days.get(doc_id), **standing(set(states.get(doc_id, ())))}
        for doc_id in titles
    ]
    for start in range(0, len(standings), 5000):
        session.execute(_STANDING, standings[start : start + 5000])
