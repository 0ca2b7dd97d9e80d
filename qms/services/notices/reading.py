"""What a person reads of their notices: the bell's count, the list, opening one (which
marks it read and leads to the page of the step), marking all read."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from qms.clock import utcnow
from qms.errors import NotFound, Text
from qms.models import Notice, User
from qms.services.notices import wording

SHOWN = 50


@dataclass(frozen=True)
class NoticeView:
    id: int
    kind: str
    subject: str
    words: Text
    url: str
    created_at: datetime
    read: bool


@dataclass(frozen=True)
class NoticeList:
    unread: int
    total: int
    notices: list[NoticeView]


def unread_count(session: Session, *, user_id: int) -> int:
    """One COUNT over the user's unread notices (an index covers it)."""
    count = session.exec(
        select(func.count())
        .select_from(Notice)
        .where(Notice.user_id == user_id)
        .where(col(Notice.read_at).is_(None))
    ).one()
    return int(count)


def view(notice: Notice) -> NoticeView:
    return NoticeView(
        id=notice.id or 0,
        kind=notice.kind,
        subject=notice.subject,
        words=wording.words(notice),
        url=wording.link(notice),
        created_at=notice.created_at,
        read=notice.read_at is not None,
    )


def notices_of(
    session: Session, *, viewer: User, unread_only: bool = False, limit: int = SHOWN
) -> NoticeList:
    """The viewer's newest notices (unread ones only if asked), with the counts."""
    query = select(Notice).where(Notice.user_id == viewer.id)
    if unread_only:
        query = query.where(col(Notice.read_at).is_(None))
    rows = session.exec(
        query.order_by(col(Notice.created_at).desc(), col(Notice.id).desc()).limit(limit)
    ).all()
    total = session.exec(
        select(func.count()).select_from(Notice).where(Notice.user_id == viewer.id)
    ).one()
    return NoticeList(
        unread=unread_count(session, user_id=viewer.id or 0),
        total=int(total),
        notices=[view(n) for n in rows],
    )


def _own(session: Session, viewer: User, notice_id: int) -> Notice:
    notice = session.get(Notice, notice_id)
    if notice is None or notice.user_id != viewer.id:
        raise NotFound("no notice {id} of yours", id=notice_id)
    return notice


def open_notice(session: Session, *, viewer: User, notice_id: int) -> NoticeView:
    """Mark the viewer's notice read; it says where its step is taken."""
    notice = _own(session, viewer, notice_id)
    if notice.read_at is None:
        notice.read_at = utcnow()
        session.add(notice)
        session.commit()
    return view(notice)


def mark_all_read(session: Session, *, viewer: User) -> int:
    """Every unread notice of the viewer read now; how many there were."""
    result = session.exec(
        update(Notice)
        .where(col(Notice.user_id) == viewer.id)
        .where(col(Notice.read_at).is_(None))
        .values(read_at=utcnow())
    )
    session.commit()
    return int(result.rowcount or 0)
