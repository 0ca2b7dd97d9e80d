"""The check a download makes before it serves stored bytes: a controlled copy must be
the one the trail recorded when the issue took effect, an audit report or a corrective
action record the one the trail recorded when it was stored."""

import threading
from collections.abc import Sequence

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
_BATCH = 500  # issues per query (well under every database's limit of parameters)


def confirm_controlled_copy(
    reader: Session | Connection, *, code: str, issue: int, sha256: str
) -> None:
    """Refuse a stored copy that is not the one the trail recorded when the issue took
    effect: a forged PDF stored under its own hash, with the issue pointed at it.

    Asked once per issue and copy in each process (the trail's record of a rendering
    never changes), so repeated downloads cost a set lookup."""
    confirm_controlled_copies(reader, [(code, issue, sha256)])


def confirm_controlled_copies(
    reader: Session | Connection, copies: Sequence[tuple[str, int, str]]
) -> None:
    """:func:`confirm_controlled_copy` for each (code, issue, sha256) of ``copies``, with
    one query for a few hundred issues (a manual's parts) rather than one each."""
    wanted = {
        entity_id(code, issue): (code, issue, sha256)
        for code, issue, sha256 in copies
        if (entity_id(code, issue), sha256) not in _confirmed
    }
    if not wanted:
        return
    ids = list(wanted)
    recorded: dict[str, str | None] = {}
    for start in range(0, len(ids), _BATCH):
        rows = reader.execute(
            sa_select(col(TrailEvent.entity_id), col(TrailEvent.payload))
            .where(col(TrailEvent.entity) == ENTITY)
            .where(col(TrailEvent.entity_id).in_(ids[start : start + _BATCH]))
            .where(col(TrailEvent.action) == RENDER)
            .order_by(col(TrailEvent.seq))
        ).all()
        for ident, payload in rows:  # the first rendering recorded for each issue
            recorded.setdefault(ident, text_value(new_values(payload), "pdf_sha256"))
    for ident, (code, issue, sha256) in wanted.items():
        if recorded.get(ident) != sha256:
            raise IntegrityProblem(
                "the stored PDF of {code} issue {issue} is not the one recorded when it "
                "took effect; run qms verify",
                code=code,
                issue=issue,
            )
    with _confirmed_lock:
        if len(_confirmed) + len(wanted) >= _CONFIRMED_LIMIT:
            _confirmed.clear()
        _confirmed.update((ident, copy[2]) for ident, copy in wanted.items())


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
