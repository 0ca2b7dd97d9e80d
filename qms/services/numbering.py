"""The last number given to a register's references (``CAR-2026-007``, ``MT-2026-03``,
``RR-012``): the digits after the last hyphen of the highest reference.

One row is read, not the register: the references of one register (and year) share their
prefix, so the longest and then highest in text order carries the highest number, also
past ``-999``. On PostgreSQL the caller's numbering queues behind an advisory lock held to
the end of its transaction (SQLite writers already hold the database lock).
"""

from typing import Any

from sqlalchemy import func, text
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import Function
from sqlmodel import Session, select


def last_number(session: Session, ref: Any, *where: ColumnElement[bool], lock_key: int) -> int:
    """The number of the highest ``ref`` among the rows matching ``where`` (0 for none)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key})
    highest = session.exec(
        select(ref).where(*where).order_by(func.length(ref).desc(), ref.desc()).limit(1)
    ).first()
    return int(str(highest).rsplit("-", 1)[1]) if highest is not None else 0


def in_order(ref: Any) -> tuple[Function[int], Any]:
    """Order-by terms listing one register's references (of one year) by their number:
    they share their prefix, so the shorter comes first, then text order decides
    (``RR-1000`` after ``RR-999``, which text order alone puts the other way round)."""
    return func.length(ref), ref
