"""Management reviews built through the services, for the review tests."""

from typing import Any

from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.services.people import users
from qms.services.reviews import meeting, planning, views
from qms.services.reviews.words import INPUTS
from tests.helpers import act
from tests.pinned_clock import TODAY, days_from_today

PLAN: dict[str, Any] = {
    "planned_on": days_from_today(7),
    "period_from": TODAY.replace(month=1, day=1),
    "period_to": TODAY,
    "chair": "hai",
    "attendees": ["quang", "hung"],
    "guests": "Đại diện Sở Khoa học và Công nghệ",
    "place": "Phòng họp số 1, UBND quận",
}


def plan(engine: Engine, actor: str = "thu", **changes: Any) -> str:
    return str(act(engine, planning.plan, actor, **{**PLAN, **changes}).ref)


def started(engine: Engine, **texts: str) -> str:
    ref = plan(engine)
    act(engine, meeting.start, "thu", ref=ref, texts=texts)
    return ref


def conclude_all(engine: Engine, ref: str) -> None:
    for key in INPUTS:
        act(engine, meeting.conclude, "thu", ref=ref, key=key, text=f"Đạt yêu cầu ({key})")


def view(engine: Engine, ref: str, viewer: str = "thu", language: str = "vi") -> views.ReviewView:
    with read_session(engine) as session:
        return views.review_view(
            session, viewer=users.get_user(session, viewer), ref=ref, language=language
        )
