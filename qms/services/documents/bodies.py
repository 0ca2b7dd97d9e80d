"""Document bodies at the door and on the page: checked when saved, HTML stored per body.

A body is checked when it comes in (a new document, a draft saved, an import) against the
caps the PDF renderer applies, so a body that could never be published is refused there,
as invalid input, with nothing saved. The sanitised HTML made by that check is stored
under the SHA-256 of the Markdown and the converter's version; showing an issue looks it
up and does not convert. A body without stored HTML (kept before this version, or by a
converter since changed) is converted when shown, and checked again when submitted.
"""

import hashlib
from collections.abc import Mapping

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from qms.clock import utcnow
from qms.models import Blob, BodyHtml
from qms.render.body import checked_body
from qms.render.markdown import BLOB_RE, CONVERTER_VERSION, SafeBody
from qms.services import blobs

# The picture formats a body may show (WeasyPrint and every browser read them).
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif"})


def body_sha256(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def checked(body: str, images: Mapping[str, bytes] | None = None) -> SafeBody:
    """``body`` converted as the controlled PDF will convert it, or the refusal
    (ValidationError: the real size or depth and the cap). A body may show only the
    pictures in ``images`` (sha256 -> bytes): ``![alt](blob:<sha256>)``."""
    return checked_body(body, images=images)


def body_images(session: Session, body: str) -> dict[str, bytes]:
    """The stored pictures ``body`` shows (``blob:<sha256>``), by hash: only blobs stored
    as pictures, so a body cannot show a stored PDF or attachment. A reference to
    anything else is left out, and checking the body then refuses it."""
    refs = sorted(set(BLOB_RE.findall(body)))
    if not refs:
        return {}
    stored = session.exec(
        select(Blob.sha256).where(
            col(Blob.sha256).in_(refs), col(Blob.media_type).in_(sorted(IMAGE_TYPES))
        )
    ).all()
    return {key: blobs.data_of(session, key) for key in stored}


def keep(session: Session, body: str, safe: SafeBody | None = None) -> SafeBody:
    """Check ``body`` (unless ``safe`` is its checked form already) and store its HTML if
    it is not stored yet; the caller commits with the body. Two transactions saving the
    same body at once (two new empty documents) store it once, neither fails."""
    safe = safe or checked(body, body_images(session, body))
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(
        insert(BodyHtml)
        .values(
            body_sha256=body_sha256(body),
            converter=CONVERTER_VERSION,
            html=safe.html,
            image_refs=" ".join(sorted(safe.image_refs)),
            created_at=utcnow(),
        )
        .on_conflict_do_nothing()
    )
    return safe


def html_of(session: Session, body: str) -> str:
    """The sanitised HTML of ``body``: stored, or converted now when it is not."""
    stored = session.exec(
        select(BodyHtml.html).where(
            BodyHtml.body_sha256 == body_sha256(body), BodyHtml.converter == CONVERTER_VERSION
        )
    ).first()
    return stored if stored is not None else checked(body, body_images(session, body)).html


def check(session: Session, body: str) -> None:
    """Refuse ``body`` as :func:`checked` would; a body whose HTML is stored passed when
    it was saved, so it is not converted again."""
    stored = session.exec(
        select(BodyHtml.body_sha256).where(
            BodyHtml.body_sha256 == body_sha256(body), BodyHtml.converter == CONVERTER_VERSION
        )
    ).first()
    if stored is None:
        checked(body, body_images(session, body))
