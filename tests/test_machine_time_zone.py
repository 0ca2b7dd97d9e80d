"""Dates are the organisation's calendar dates, whatever time zone the machine runs in.

Each check runs with the machine's zone far east (Pacific/Kiritimati, UTC+14) or far
west (America/Adak, UTC-10) of the organisation (Asia/Ho_Chi_Minh, UTC+07), at an instant
a few minutes either side of the organisation's midnight on New Year's Eve: at least one
of the two zones is on another calendar day (and year) than the organisation."""

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from qms import clock
from qms.db import read_session
from qms.models import Revision
from qms.services.audits import planning as audits
from qms.services.capa import actions as capa_actions
from qms.services.capa import records as capa_records
from qms.services.documents import register as documents
from qms.services.people import organisation
from tests.helpers import act, new_draft, to_effective
from tests.pinned_clock import ORGANISATION_ZONE
from tests.services import capa_setup as cs

ROOT = Path(__file__).resolve().parent.parent
BEFORE_MIDNIGHT = datetime(2026, 12, 31, 23, 55, tzinfo=ORGANISATION_ZONE)
AFTER_MIDNIGHT = datetime(2027, 1, 1, 0, 5, tzinfo=ORGANISATION_ZONE)
MACHINE_ZONES = ["Pacific/Kiritimati", "America/Adak"]


@pytest.fixture(params=MACHINE_ZONES)
def machine_zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    zone: str = request.param
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    yield zone
    monkeypatch.undo()
    time.tzset()


def _story(engine: Engine) -> dict[str, Any]:
    """Dated steps through documents, audits and corrective actions, and what they show."""
    new_draft(engine)
    to_effective(engine)  # approved without a date: effective today
    audit_ref = cs.plan_mc(engine)  # planned for today
    act(engine, audits.start, "binh", ref=audit_ref)
    car_ref = cs.open_complaint(engine)
    cs.contain(engine, car_ref)
    cs.analyse(engine, car_ref)
    with read_session(engine) as session:
        today = organisation.today(session)
    act(engine, capa_actions.add_action, "thu", ref=car_ref, owner="lan",
        description="Theo dõi thời hạn", due_date=today)  # fmt: skip
    with engine.begin() as connection:  # a second action that fell due yesterday
        connection.execute(text("UPDATE capa_action SET due_date = :d"), {"d": date(2026, 12, 30)})
    act(engine, capa_actions.add_action, "thu", ref=car_ref, owner="hung",
        description="Rà soát QT-01", due_date=today)  # fmt: skip
    with read_session(engine) as session:
        doc = documents.get_document(session, "QT-01")
        revision = session.get(Revision, 1)
        assert revision is not None
        audit = audits.get_audit(session, audit_ref)
        row = capa_records.register_data(session).rows[0]
        return {
            "today": organisation.today(session),
            "effective on": revision.planned_effective_date,
            "last reviewed": doc.last_reviewed_on,
            "audit": (audit.ref, audit.actual_start),
            "car": (row.ref, row.reported_on, row.age_days),
            "actions open, overdue": (row.open_actions, row.overdue_actions),
        }


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (
            BEFORE_MIDNIGHT,
            {
                "today": date(2026, 12, 31),
                "effective on": date(2026, 12, 31),
                "last reviewed": date(2026, 12, 31),
                "audit": ("IA-2026-01", date(2026, 12, 31)),
                "car": ("CAR-2026-001", date(2026, 12, 31), 0),
                "actions open, overdue": (2, 1),
            },
        ),
        (
            AFTER_MIDNIGHT,
            {
                "today": date(2027, 1, 1),
                "effective on": date(2027, 1, 1),
                "last reviewed": date(2027, 1, 1),
                "audit": ("IA-2027-01", date(2027, 1, 1)),
                "car": ("CAR-2027-001", date(2027, 1, 1), 0),
                "actions open, overdue": (2, 1),
            },
        ),
    ],
    ids=["before-midnight", "after-midnight"],
)
def test_dates_follow_the_organisation_not_the_machine(
    engine: Engine, machine_zone: str, instant: datetime, expected: dict[str, Any]
) -> None:
    with clock.pinned(instant):
        assert _story(engine) == expected


def _due_in_a_child_process(db_url: str, *, zone: str, instant: datetime) -> list[Any]:
    """``qms doc due`` run as its own process, pinned by ``QMS_NOW``."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "QMS_DATABASE_URL": db_url,
        "QMS_NOW": instant.isoformat(),
        "TZ": zone,
    }
    result = subprocess.run(
        [sys.executable, "-m", "qms", "doc", "due", "--within", "0", "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    found: list[Any] = json.loads(result.stdout)
    return found


def test_commands_are_pinned_by_qms_now(db_url: str, engine: Engine) -> None:
    """QT-01 falls due for review a year after it took effect: on 2026-12-31, overdue once
    the organisation's calendar says 2027-01-01, in whichever zone the machine is."""
    with clock.pinned(datetime(2025, 12, 31, 9, 0, tzinfo=ORGANISATION_ZONE)):
        new_draft(engine, review_interval_months=12)
        to_effective(engine)
    for zone in MACHINE_ZONES:
        before = _due_in_a_child_process(db_url, zone=zone, instant=BEFORE_MIDNIGHT)
        after = _due_in_a_child_process(db_url, zone=zone, instant=AFTER_MIDNIGHT)
        assert [(i["code"], i["due_on"], i["overdue"]) for i in before] == [
            ("QT-01", "2026-12-31", False)
        ], zone
        assert [(i["code"], i["due_on"], i["overdue"]) for i in after] == [
            ("QT-01", "2026-12-31", True)
        ], zone
