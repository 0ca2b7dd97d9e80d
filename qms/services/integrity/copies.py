"""The check a download makes before it serves stored bytes: a controlled copy must be
the one the trail recorded when the issue took effect, an audit report or a corrective
action record the one the trail recorded when it was stored."""

import threading

from sqlalchemy import select as sa_select
from sqlalchemy.engine import Connection
from sqlmodel import Session, col

from qms.errors import IntegrityProblem
from qms.models import TrailEvent
from qms.services.integrity.issues import ENTITY, RENDER, entity_id
from qms.services.integrity.recorded import new_values, stored_pdf, text_value

_confirmed: set[tuple[str, str]] = set()
_confirmed_lock = threading.Lock()
_CONFIRMED_LIMIT = 100_000


def recorded_pdf(reader: Session | Connection, code: str, issue: int) -> str | None:
    """The hash of the controlled PDF the trail recorded when the issue took effect."""
    found = reader.execute(
        sa_select(col(TrailEvent.payload))
        .where(col(TrailEvent.entity) == ENTITY)
        .where(col(TrailEvent.entity_id) == entity_id(code, issue))
        .where(col(TrailEvent.action) == RENDER)
        .order_by(col(TrailEvent.seq))
        .limit(1)
    ).first()
    return None if found is None else text_value(new_values(found[0]), "pdf_sha256")


def confirm_controlled_copy(
    reader: Session | Connection, *, code: str, issue: int, sha256: str
) -> None:
    """Refuse a stored copy that is not the one the trail recorded when the issue took
    effect: a forged PDF stored under its own hash, with the issue pointed at it.

    Asked once per issue and copy in each process (the trail's record of a rendering
    never changes), so repeated downloads cost a set lookup."""
    key = (entity_id(code, issue), sha256)
    if key in _confirmed:
        return
    if recorded_pdf(reader, code, issue) != sha256:
        raise IntegrityProblem(
            "the stored PDF of {code} issue {issue} is not the one recorded when it took "
            "effect; run qms verify",
            code=code,
            issue=issue,
        )
    with _confirmed_lock:
        if len(_confirmed) >= _CONFIRMED_LIMIT:
            _confirmed.clear()
        _confirmed.add(key)


def confirm_stored_record(reader: Session, *, entity: str, ref: str, sha256: str) -> None:
    """Refuse a stored audit report (``entity`` "audit") or corrective action record
    ("capa") that is not the one the trail recorded: for an audit the newest report
    stored (it is stored again when the auditee signs), for a corrective action the record
    stored at closure. Not cached: these are read rarely, and an audit's newest report
    changes when it is signed."""
    rows = reader.execute(
        sa_select(col(TrailEvent.payload))
        .where(col(TrailEvent.entity) == entity)
        .where(col(TrailEvent.entity_id) == ref)
        .order_by(col(TrailEvent.seq))
    ).all()
    recorded = [pdf for (payload,) in rows if (pdf := stored_pdf(new_values(payload)))]
    expected = (recorded[-1] if entity == "audit" else recorded[0]) if recorded else None
    if expected != sha256:
        raise IntegrityProblem(
            "the stored PDF of {ref} is not the one the trail recorded; run qms verify",
            ref=ref,
        )
