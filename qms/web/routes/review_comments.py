"""Comments on a passage of an issue in review, and answers to them."""

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from qms.errors import QMSError
from qms.services.documents import comments
from qms.web.deps import CurrentUser, Db
from qms.web.i18n import translator
from qms.web.pages import flash
from qms.web.routes.editing import refused

router = APIRouter()


def _back(code: str, issue: int, anchor: str | None) -> RedirectResponse:
    target = f"/documents/{quote(code, safe='')}?issue={issue}"
    if anchor:
        target += f"#{quote(anchor, safe='')}"
    return RedirectResponse(target, status_code=303)


@router.post("/documents/{code}/comments")
def comment_on_passage(
    request: Request,
    session: Db,
    user: CurrentUser,
    code: str,
    passage: Annotated[str, Form()] = "",
    comment: Annotated[str, Form()] = "",
) -> Response:
    try:
        note = comments.comment_on_passage(
            session, actor=user, code=code, passage=passage, body=comment
        )
    except QMSError as exc:
        typed = {"passage": passage, "comment": comment}
        return refused(request, session, user, code, "comment", exc, typed)
    _ = translator(request)
    flash(request, _("Your comment is beside its passage."))
    return _back(code.upper(), comments.issue_number(session, note.revision_id), note.anchor)


@router.post("/documents/{code}/comments/{comment_id}/reply")
def reply(
    request: Request,
    session: Db,
    user: CurrentUser,
    code: str,
    comment_id: int,
    comment: Annotated[str, Form()] = "",
) -> Response:
    try:
        note = comments.reply(session, actor=user, code=code, comment_id=comment_id, body=comment)
    except QMSError as exc:
        typed = {"reply_to": str(comment_id), "comment": comment}
        return refused(request, session, user, code, "reply", exc, typed)
    _ = translator(request)
    flash(request, _("Your answer is recorded."))
    return _back(code.upper(), comments.issue_number(session, note.revision_id), note.anchor)
