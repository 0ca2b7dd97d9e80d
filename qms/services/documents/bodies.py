"""Document bodies at the door and on the page: checked when saved, HTML stored per body.

A body is checked when it comes in (a new document, a draft saved, an import) against the
caps the PDF renderer applies, so a body that could never be published is refused there,
as invalid input, with nothing saved. The sanitised HTML made by that check is stored
under the SHA-256 of the Markdown and the converter's version; showing an issue looks it
up and does not convert. A body without stored HTML (kept before this version, or by a
converter since changed) is converted when shown, and checked again when submitted.
"""

import hashlib

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from qms.clock import utcnow
from qms.models import BodyHtml
from qms.render.body import checked_body
from qms.render.markdown import CONVERTER_VERSION, SafeBody


def body_sha256(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def checked(body: str) -> SafeBody:
    """``body`` converted as the controlled PDF will convert it, or the refusal
    (ValidationError: the real size or depth and the cap). The PDF of an issue is given
    no images (see :func:`renditions.rendition`), so a body may show none."""
    return checked_body(body)


def keep(session: Session, body: str, safe: SafeBody | None = None) -> SafeBody:
    """Check ``body`` (unless ``safe`` is its checked form already) and store its HTML if
    it is not stored yet; the caller commits with the body. Two transactions saving the
    same body at once (two new empty documents) store it once, neither fails."""
    safe = safe or checked(body)
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
    return stored if stored is not None else checked(body).html


def check(session: Session, body: str) -> None:
    """Refuse ``body`` as :func:`checked` would; a body whose HTML is stored passed when
    it was saved, so it is not converted again."""
    stored = session.exec(
        select(BodyHtml.body_sha256).where(
            BodyHtml.body_sha256 == body_sha256(body), BodyHtml.converter == CONVERTER_VERSION
        )
    ).first()
    if stored is None:
        checked(body)
