"""Writing notices: one row per person, and for those who want mail at once, a mail in the
outbox. Called inside the transaction of the step that gives the task or the news, so a
step that rolls back leaves no notice behind."""

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from qms.clock import utcnow
from qms.domain import MailChoice, NoticeKind
from qms.models import MailMessage, Notice, User, pk


def give(
    session: Session,
    *,
    to: Iterable[User],
    kind: NoticeKind,
    subject: str,
    params: dict[str, Any] | None = None,
    period: str | None = None,
    skip: User | None = None,
) -> list[Notice]:
    """Give ``kind`` about ``subject`` to each active user of ``to`` (once each; not to
    ``skip``, the person who took the step). With ``period`` it is a reminder: a user who
    already has this kind about this subject for this period gets nothing again."""
    now = utcnow()
    given = []
    seen: set[int] = set()
    for user in to:
        if not user.active or pk(user) in seen or (skip is not None and user.id == skip.id):
            continue
        seen.add(pk(user))
        once_key = f"{kind.value}|{subject}|{period}" if period is not None else None
        if once_key is not None and _already_given(session, pk(user), once_key):
            continue
        wants = MailChoice(user.mail_choice) if user.email else MailChoice.NONE
        notice = Notice(
            user_id=pk(user),
            kind=kind.value,
            subject=subject,
            params=json.dumps(params or {}, ensure_ascii=False, sort_keys=True, default=str),
            once_key=once_key,
            awaiting_digest=wants == MailChoice.DIGEST,
            created_at=now,
        )
        session.add(notice)
        session.flush()
        if wants == MailChoice.IMMEDIATE:
            session.add(
                MailMessage(user_id=pk(user), notice_id=pk(notice), created_at=now, next_try_at=now)
            )
        given.append(notice)
    return given


def _already_given(session: Session, user_id: int, once_key: str) -> bool:
    found = session.exec(
        select(func.count())
        .select_from(Notice)
        .where(Notice.user_id == user_id)
        .where(col(Notice.once_key) == once_key)
    ).one()
    return bool(found)
