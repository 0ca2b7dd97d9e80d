"""The sample district's management review of the year (the procedures folder's
``data``), planned through the services and left for the meeting to be held."""

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import Session

from qms.models import ManagementReview
from qms.services.people import organisation, users
from qms.services.reviews import planning

REVIEW_FILE = "xem-xet-lanh-dao.yaml"


def install(session: Session, *, folder: Path) -> ManagementReview:
    """Plan the year's review: the period runs from the first of January to today."""
    plan: dict[str, Any] = yaml.safe_load((folder / "data" / REVIEW_FILE).read_text("utf-8"))
    today = organisation.today(session)
    month, day = (int(part) for part in str(plan["period_from_month_day"]).split("-"))
    return planning.plan(
        session,
        actor=users.get_active_user(session, plan["planned_by"]),
        planned_on=today + timedelta(days=int(plan["planned_in_days"])),
        period_from=date(today.year, month, day),
        period_to=today,
        chair=plan["chair"],
        attendees=list(plan["attendees"]),
        guests=str(plan.get("guests", "")),
        place=str(plan.get("place", "")),
    )
