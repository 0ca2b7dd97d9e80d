"""The sample district's register of risks and opportunities (the procedures folder's
``data``), entered, treated and partly re-assessed through the services."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import Session

from qms.services.people import organisation, users
from qms.services.risks import actions, register

RISKS_FILE = "rui-ro-2026.yaml"


def install(session: Session, *, folder: Path) -> int:
    """Enter every entry of the sample register; returns how many."""
    plan: dict[str, Any] = yaml.safe_load((folder / "data" / RISKS_FILE).read_text("utf-8"))
    keeper = users.get_active_user(session, plan["kept_by"])
    today = organisation.today(session)
    for entry in plan["entries"]:
        review = today + timedelta(days=int(entry["review_in_days"]))
        risk = register.add_risk(
            session,
            actor=keeper,
            kind=entry["kind"],
            department=entry["department"],
            process=entry.get("process", ""),
            title=entry["title"],
            cause=entry.get("cause", ""),
            effect=entry.get("effect", ""),
            likelihood=int(entry["likelihood"]),
            impact=int(entry["impact"]),
            treatment=entry["treatment"],
            next_review=review,
        )
        for item in entry.get("actions", []):
            added = actions.add_action(
                session,
                actor=keeper,
                ref=risk.ref,
                what=item["what"],
                owner=item["owner"],
                due=today + timedelta(days=int(item["due_in_days"])),
            )
            if item.get("done"):
                owner = users.get_active_user(session, item["owner"])
                actions.complete_action(
                    session, actor=owner, ref=risk.ref, number=added.number, note=item["done"]
                )
        if entry.get("after"):
            likelihood, impact = entry["after"]
            register.reassess(
                session,
                actor=keeper,
                ref=risk.ref,
                residual_likelihood=int(likelihood),
                residual_impact=int(impact),
                next_review=review,
            )
    return len(plan["entries"])
