"""Refusals of planning, concluding, state steps and checklist attachments that the
walk-through tests do not reach: each is refused and leaves every table as it was."""

from typing import Any

import pytest
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.errors import InvalidTransition, PermissionDenied, ValidationError
from qms.services.audits import planning as audits
from qms.services.audits import programme as audit_programme
from qms.services.audits import reports as audit_reports
from qms.services.audits import views as audit_views
from qms.services.audits import work as audit_work
from qms.services.audits.work import MAX_ATTACHMENTS_PER_ITEM
from qms.services.people import users
from tests.helpers import act, refused
from tests.seed import PASSWORD
from tests.services.audit_helpers import effective_procedures, plan_tp, tp_plan


@pytest.fixture
def procedures(engine: Engine) -> Engine:
    effective_procedures(engine)
    return engine


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"objectives": "x" * (audits.MAX_OBJECTIVES_CHARS + 1)}, "longer than 20,000 characters"),
        ({"audit_type": "external"}, "audit type 'external' must be internal or follow_up"),
        ({"follows": "IA-2026-01"}, "only a follow-up audit follows another audit"),
        ({"departments": []}, "an audit needs at least one department in its scope"),
    ],
)
def test_plans_that_do_not_fit_are_refused(
    procedures: Engine, changes: dict[str, Any], match: str
) -> None:
    plan_tp(procedures)  # IA-2026-01 exists, so "follows" names a real audit
    refused(procedures, ValidationError, audits.plan, "thu", match, **tp_plan(**changes))


def test_the_objectives_may_be_exactly_at_the_limit(procedures: Engine) -> None:
    ref = plan_tp(procedures, objectives="x" * audits.MAX_OBJECTIVES_CHARS)
    with read_session(procedures) as session:
        assert len(audits.get_audit(session, ref).objectives) == audits.MAX_OBJECTIVES_CHARS


def test_conclusions_are_written_by_the_lead_and_never_empty(procedures: Engine) -> None:
    ref = plan_tp(procedures)
    refused(procedures, ValidationError, audits.conclude, "an", "the conclusions are empty",
            ref=ref, conclusions=" \n ")  # fmt: skip
    refused(procedures, ValidationError, audits.conclude, "an",
            "the conclusions are longer than 20,000 characters",
            ref=ref, conclusions="x" * (audits.MAX_OBJECTIVES_CHARS + 1))  # fmt: skip
    refused(procedures, PermissionDenied, audits.conclude, "thu",
            f"only the lead auditor of {ref} can write its conclusions",
            ref=ref, conclusions="Phù hợp")  # fmt: skip
    act(procedures, audits.conclude, "an", ref=ref, conclusions="Phù hợp")
    with read_session(procedures) as session:
        assert audits.get_audit(session, ref).conclusions == "Phù hợp"


def test_steps_out_of_order_are_refused(procedures: Engine) -> None:
    ref = plan_tp(procedures)
    refused(procedures, InvalidTransition, audit_reports.report, "an",
            f"{ref} is planned; it must be in progress to be reported",
            ref=ref, password=PASSWORD, conclusions="Phù hợp")  # fmt: skip
    refused(procedures, InvalidTransition, audit_reports.sign, "mai",
            f"{ref} is planned; it must be reported to be signed",
            ref=ref, password=PASSWORD)  # fmt: skip
    act(procedures, audits.start, "an", ref=ref)
    refused(procedures, InvalidTransition, audits.start, "an",
            f"{ref} is in progress; it must be planned to start", ref=ref)  # fmt: skip


@pytest.fixture
def started(procedures: Engine) -> str:
    ref = plan_tp(procedures)
    act(procedures, audits.start, "an", ref=ref)
    return ref


@pytest.mark.parametrize(
    ("attachments", "match"),
    [
        ([("  ", b"anh")], "an attachment needs a file name"),
        ([("scan/", b"anh"), ("rong.jpg", b"")], "attachment rong.jpg is empty"),
        (
            [(f"anh-{n}.jpg", b"anh %d" % n) for n in range(MAX_ATTACHMENTS_PER_ITEM + 1)],
            f"item 1 can have at most {MAX_ATTACHMENTS_PER_ITEM} attachments",
        ),
    ],
)
def test_attachments_that_do_not_fit_are_refused(
    procedures: Engine, started: str, attachments: list[tuple[str, bytes]], match: str
) -> None:
    refused(procedures, ValidationError, audit_work.record, "an", match,
            ref=started, item=1, result="C", attachments=attachments)  # fmt: skip


def test_attachments_per_item_count_what_is_already_there(procedures: Engine, started: str) -> None:
    first = [(f"anh-{n}.jpg", b"anh %d" % n) for n in range(MAX_ATTACHMENTS_PER_ITEM)]
    act(procedures, audit_work.record, "an", ref=started, item=1, result="C", attachments=first)
    refused(procedures, ValidationError, audit_work.record, "an",
            f"item 1 can have at most {MAX_ATTACHMENTS_PER_ITEM} attachments",
            ref=started, item=1, result="C", attachments=[("them.jpg", b"them")])  # fmt: skip
    with read_session(procedures) as session:
        sheet = audit_views.worksheet(
            session, viewer=users.get_user(session, "an"), ref=started, only=1
        )
        assert len(sheet.items[0].attachments) == MAX_ATTACHMENTS_PER_ITEM


@pytest.mark.parametrize(
    ("year", "objectives", "match"),
    [
        (1999, "Toàn bộ HTQLCL", "1999 is not a plausible programme year"),
        (2101, "Toàn bộ HTQLCL", "2101 is not a plausible programme year"),
        (2026, "  ", "the audit programme needs objectives"),
    ],
)
def test_programmes_that_do_not_fit_are_refused(
    engine: Engine, year: int, objectives: str, match: str
) -> None:
    refused(engine, ValidationError, audit_programme.set_programme, "thu", match,
            year=year, objectives=objectives)  # fmt: skip
