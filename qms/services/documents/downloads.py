"""The hottest read path of the web app: a signed-in download of a document's effective
controlled copy, checked and found in one query.

The session check (token live, within its lifetimes, user active) and the look-up of the
effective issue's stored copy share one statement, so a download costs one round trip
to the database; the trail's confirmation of the copy and its bytes come from this
process's caches once served (see :mod:`qms.services.integrity.copies` and
:func:`qms.services.blobs.data_of`).
"""

from dataclasses import dataclass
from functools import cache

from sqlalchemy import Executable, and_, bindparam
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Connection
from sqlmodel import col

from qms.domain import RevisionStatus
from qms.models import Document, Revision, User, WebSession
from qms.services import blobs
from qms.services.documents.renditions import ControlledCopy
from qms.services.integrity.copies import confirm_controlled_copy
from qms.services.people import sessions
from qms.text import clean


@dataclass(frozen=True)
class SignedInDownload:
    """What one query found: the live session (None: the token signs nobody in) and the
    stored copy of the effective issue (None: there is none, or nobody is signed in;
    the general path then gives the answer or the refusal)."""

    live: sessions.Live | None
    copy: ControlledCopy | None


@cache
def _statement() -> Executable:
    """The download's one query, built once (building it per request cost more than
    running it); the token's hash and the code are bound at each execution."""
    effective = and_(
        col(Revision.document_id) == col(Document.id),
        col(Revision.status) == RevisionStatus.EFFECTIVE.value,
        col(Revision.pdf_sha256).is_not(None),
    )
    return (
        sa_select(
            col(WebSession.id),
            col(WebSession.user_id),
            col(WebSession.created_at),
            col(WebSession.last_seen_at),
            col(Document.code),
            col(Revision.issue),
            col(Revision.pdf_sha256),
        )
        .select_from(WebSession)
        .join(User, col(User.id) == col(WebSession.user_id))
        .outerjoin(Document, col(Document.code) == bindparam("code"))
        .outerjoin(Revision, effective)
        .where(
            col(WebSession.token_sha256) == bindparam("token_sha256"),
            col(WebSession.ended_at).is_(None),
            col(User.active).is_(True),
        )
    )


def effective_copy_for(
    reader: Connection, *, token: str, code: str, lifetimes: sessions.Lifetimes
) -> SignedInDownload:
    """The session ``token`` belongs to and, when it is live, the controlled copy of the
    effective issue of ``code`` (confirmed against the trail, bytes checked against their
    hash). Every signed-in user may read an effective issue, so no role is asked here."""
    row = reader.execute(
        _statement(), {"token_sha256": sessions.token_sha256(token), "code": clean(code).upper()}
    ).first()
    if row is None:
        return SignedInDownload(None, None)
    live = sessions.live_or_none(
        row.id, row.user_id, row.created_at, row.last_seen_at, lifetimes=lifetimes
    )
    if live is None or row.pdf_sha256 is None:
        return SignedInDownload(live, None)
    confirm_controlled_copy(reader, code=row.code, issue=row.issue, sha256=row.pdf_sha256)
    data = blobs.data_of(reader, row.pdf_sha256)
    return SignedInDownload(live, ControlledCopy(row.code, row.issue, data))
