"""Home pages that lead: what was returned to you, what waits on others, what is approved
and ready to publish (or takes effect on its date)."""

from datetime import UTC, datetime, time

from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.services import inbox
from qms.services.documents import revisions
from qms.services.people import users
from tests.helpers import act, new_draft
from tests.pinned_clock import days_from_today
from tests.seed import PASSWORD


def sections(engine: Engine, username: str) -> dict[str, list[tuple[str, datetime]]]:
    with read_session(engine) as session:
        return {
            s.key: [(f"{i.code}/{i.issue}", i.since) for i in s.items]
            for s in inbox.inbox(session, viewer=users.get_user(session, username))
        }


def keys(engine: Engine, username: str) -> dict[str, list[str]]:
    return {k: [code for code, _ in v] for k, v in sections(engine, username).items()}


def test_each_stage_of_a_draft_leads_its_drafter_and_the_coordinators(engine: Engine) -> None:
    new_draft(engine, "QT-01")
    act(engine, revisions.submit, "thu", code="QT-01", password=PASSWORD, reviewer="mai")
    assert keys(engine, "thu")["waiting"] == ["QT-01/1"]
    assert "returned" not in keys(engine, "thu")

    act(engine, revisions.review, "mai", code="QT-01", accept=False, comment="Thiếu bước 3")
    assert keys(engine, "thu")["returned"] == ["QT-01/1"]
    assert "waiting" not in keys(engine, "thu")

    act(engine, revisions.submit, "thu", code="QT-01", password=PASSWORD)
    act(engine, revisions.review, "hung", code="QT-01", accept=True, password=PASSWORD)
    act(
        engine,
        revisions.approve,
        "hai",
        code="QT-01",
        password=PASSWORD,
        effective_date=days_from_today(3),
    )
    on = datetime.combine(days_from_today(3), time(12), tzinfo=UTC)
    assert sections(engine, "nam")["publish"] == [("QT-01/1", on)]  # publishes on that day
    assert "returned" not in keys(engine, "thu")
    assert "waiting" not in keys(engine, "thu")
    assert not {"publish", "returned", "waiting"} & set(keys(engine, "lan"))
