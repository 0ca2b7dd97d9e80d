"""The JSON API for the signed-in user's notices: the list (each in the user's language,
with the path of the page where its step is taken) and marking read."""

from datetime import datetime

from fastapi import APIRouter, Request
from pydantic import BaseModel

from qms.i18n import in_language
from qms.services.notices import reading
from qms.services.notices.reading import NoticeView
from qms.web.deps import CurrentUser, Db
from qms.web.errors import API_ERRORS
from qms.web.i18n import request_language
from qms.web.routes.api_params import WholeNumber

router = APIRouter(tags=["notices"], responses=API_ERRORS)


class NoticeOut(BaseModel):
    id: int
    kind: str
    subject: str
    text: str
    url: str
    created_at: datetime
    read: bool


class NoticesOut(BaseModel):
    unread: int
    total: int
    notices: list[NoticeOut]


class MarkedRead(BaseModel):
    marked: int


def _out(request: Request, notice: NoticeView) -> NoticeOut:
    return NoticeOut(
        id=notice.id,
        kind=notice.kind,
        subject=notice.subject,
        text=in_language(notice.words, request_language(request)),
        url=notice.url,
        created_at=notice.created_at,
        read=notice.read,
    )


@router.get("/notices", response_model=NoticesOut)
def list_notices(
    request: Request, session: Db, user: CurrentUser, unread: bool = False
) -> NoticesOut:
    listed = reading.notices_of(session, viewer=user, unread_only=unread)
    return NoticesOut(
        unread=listed.unread,
        total=listed.total,
        notices=[_out(request, n) for n in listed.notices],
    )


@router.post("/notices/{notice_id}/read", response_model=NoticeOut)
def mark_read(
    request: Request, session: Db, user: CurrentUser, notice_id: WholeNumber
) -> NoticeOut:
    return _out(request, reading.open_notice(session, viewer=user, notice_id=notice_id))


@router.post("/notices/read-all", response_model=MarkedRead)
def mark_all_read(session: Db, user: CurrentUser) -> MarkedRead:
    return MarkedRead(marked=reading.mark_all_read(session, viewer=user))
