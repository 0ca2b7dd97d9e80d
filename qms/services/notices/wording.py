"""Each kind's words (message ids in the catalogs) and the page where its step is taken.
A date is stored as a date (ISO) and worded as a date, so each reader reads it their way:
05/12/2026 in Vietnamese, 2026-12-05 in English."""

import json
from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import quote

from qms.domain import NoticeKind
from qms.errors import Text
from qms.models import Notice
from qms.phrases import day

Params = dict[str, Any]


def _v(params: Params, key: str) -> str | int:
    """A stored value as a phrase takes it (a missing one as empty text)."""
    value = params.get(key, "")
    return value if isinstance(value, int) and not isinstance(value, bool) else str(value)


def _date(params: Params) -> Text | str:
    """The stored ``date`` as a date in the reader's language (text that is not one, as
    it is)."""
    value = params.get("date", "")
    try:
        return day(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _document(params: Params) -> dict[str, str | int]:
    return {key: _v(params, key) for key in ("code", "issue", "title")}


def _review_requested(p: Params) -> Text:
    return Text(
        "{by} submitted {code} issue {issue} ({title}) for your review",
        by=_v(p, "by"),
        **_document(p),
    )


def _approval_requested(p: Params) -> Text:
    return Text(
        "{by} reviewed {code} issue {issue} ({title}); it waits for your approval",
        by=_v(p, "by"),
        **_document(p),
    )


def _returned(p: Params) -> Text:
    return Text(
        "{by} returned {code} issue {issue} ({title}) to you for changes: {comment}",
        by=_v(p, "by"),
        comment=_v(p, "comment"),
        **_document(p),
    )


def _ready_to_publish(p: Params) -> Text:
    return Text(
        "{by} approved {code} issue {issue} ({title}); it is ready to publish",
        by=_v(p, "by"),
        **_document(p),
    )


def _takes_effect(p: Params) -> Text:
    return Text(
        "{by} approved {code} issue {issue} ({title}); it takes effect on {date}",
        by=_v(p, "by"),
        date=_date(p),
        **_document(p),
    )


def _new_issue_to_read(p: Params) -> Text:
    return Text("New issue to read: {code} issue {issue} ({title})", **_document(p))


def _read_reminder(p: Params) -> Text:
    return Text(
        "Please read and acknowledge {code} issue {issue} ({title}) by {date}",
        date=_date(p),
        **_document(p),
    )


def _audit_assigned(p: Params) -> Text:
    return Text("{by} put you on the team of audit {ref}", by=_v(p, "by"), ref=_v(p, "ref"))


def _checklist_to_work(p: Params) -> Text:
    return Text(
        "Audit {ref} has started: {items} checklist items to work",
        ref=_v(p, "ref"),
        items=_v(p, "items"),
    )


def _finding_raised(p: Params) -> Text:
    return Text(
        "Audit {ref} raised finding {number} ({grade}) for your department",
        ref=_v(p, "ref"),
        number=_v(p, "number"),
        grade=_v(p, "grade"),
    )


def _action(p: Params) -> dict[str, Text | str | int]:
    return {**{key: _v(p, key) for key in ("ref", "number", "description")}, "date": _date(p)}


def _action_assigned(p: Params) -> Text:
    return Text(
        "{by} gave you action {number} of {ref}, due on {date}: {description}",
        by=_v(p, "by"),
        **_action(p),
    )


def _action_due_soon(p: Params) -> Text:
    return Text("Action {number} of {ref} is due on {date}: {description}", **_action(p))


def _action_overdue(p: Params) -> Text:
    return Text(
        "Action {number} of {ref} is overdue (it was due on {date}): {description}", **_action(p)
    )


def _verification_due(p: Params) -> Text:
    return Text(
        "The effectiveness of {ref} is to be verified by {date}",
        ref=_v(p, "ref"),
        date=_date(p),
    )


def _periodic_review_due(p: Params) -> Text:
    values = {"code": _v(p, "code"), "title": _v(p, "title"), "date": _date(p)}
    if p.get("external"):
        return Text(
            "{code} ({title}): check by {date} that the edition referred to is current", **values
        )
    return Text("{code} ({title}) is due for its periodic review on {date}", **values)


def _risk_review_due(p: Params) -> Text:
    return Text(
        "{ref} ({title}) was due for review on {date}",
        ref=_v(p, "ref"),
        title=_v(p, "title"),
        date=_date(p),
    )


def _risk_action_overdue(p: Params) -> Text:
    return Text(
        "Action {number} on risk {ref} is overdue (it was due on {date}): {description}",
        **_action(p),
    )


_WORDS: dict[NoticeKind, Callable[[Params], Text]] = {
    NoticeKind.REVIEW_REQUESTED: _review_requested,
    NoticeKind.APPROVAL_REQUESTED: _approval_requested,
    NoticeKind.RETURNED: _returned,
    NoticeKind.READY_TO_PUBLISH: _ready_to_publish,
    NoticeKind.TAKES_EFFECT: _takes_effect,
    NoticeKind.NEW_ISSUE_TO_READ: _new_issue_to_read,
    NoticeKind.READ_REMINDER: _read_reminder,
    NoticeKind.AUDIT_ASSIGNED: _audit_assigned,
    NoticeKind.CHECKLIST_TO_WORK: _checklist_to_work,
    NoticeKind.FINDING_RAISED: _finding_raised,
    NoticeKind.ACTION_ASSIGNED: _action_assigned,
    NoticeKind.ACTION_DUE_SOON: _action_due_soon,
    NoticeKind.ACTION_OVERDUE: _action_overdue,
    NoticeKind.VERIFICATION_DUE: _verification_due,
    NoticeKind.PERIODIC_REVIEW_DUE: _periodic_review_due,
    NoticeKind.RISK_REVIEW_DUE: _risk_review_due,
    NoticeKind.RISK_ACTION_OVERDUE: _risk_action_overdue,
}


def params_of(notice: Notice) -> Params:
    loaded = json.loads(notice.params)
    return loaded if isinstance(loaded, dict) else {}


def words(notice: Notice) -> Text:
    """What the notice says, to be put in the reader's language."""
    return _WORDS[NoticeKind(notice.kind)](params_of(notice))


def link(notice: Notice) -> str:
    """The path of the page where the step is taken (relative to the application)."""
    params = params_of(notice)
    kind = NoticeKind(notice.kind)
    if kind in {NoticeKind.AUDIT_ASSIGNED, NoticeKind.CHECKLIST_TO_WORK, NoticeKind.FINDING_RAISED}:
        ref = quote(str(params.get("ref", "")), safe="")
        tail = {
            NoticeKind.CHECKLIST_TO_WORK: "/checklist",
            NoticeKind.FINDING_RAISED: "/findings",
        }.get(kind, "")
        return f"/audits/{ref}{tail}"
    if kind in {
        NoticeKind.ACTION_ASSIGNED,
        NoticeKind.ACTION_DUE_SOON,
        NoticeKind.ACTION_OVERDUE,
        NoticeKind.VERIFICATION_DUE,
    }:
        return f"/capa/{quote(str(params.get('ref', '')), safe='')}"
    if kind in {NoticeKind.RISK_REVIEW_DUE, NoticeKind.RISK_ACTION_OVERDUE}:
        return "/risks"
    return f"/documents/{quote(str(params.get('code', '')), safe='')}"
