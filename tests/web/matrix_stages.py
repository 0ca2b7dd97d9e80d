"""Databases for the permission matrix's lifecycle steps: the records database (audit
IA-2026-01 in progress with finding 1, corrective action CAR-2026-001 open) advanced
through the services to the state each step needs, so a refusal can only come from who
is asking."""

from collections.abc import Callable
from datetime import date

from sqlalchemy.engine import Engine

from qms.services.audits import planning as audits
from qms.services.audits import programme as audit_programme
from qms.services.audits import reports as audit_reports
from qms.services.audits import work as audit_work
from qms.services.capa import lifecycle as capa
from qms.services.desk import feedback
from qms.services.objectives import results
from qms.services.reviews import meeting
from qms.services.yearly import drafts
from tests.helpers import act
from tests.pinned_clock import days_from_today
from tests.seed import PASSWORD
from tests.services import capa_setup as cs
from tests.services import objectives_setup as obj
from tests.services import review_setup as rs
from tests.services.audit_helpers import add_person, answer_all

AUDIT = "IA-2026-01"
CAR = "CAR-2026-001"
EVIDENCE_FILE = ("bien-ban.txt", "Biên bản kiểm tra quầy số 2".encode())
ACTION_OWNERS = ("lan", "hung")  # action 1 is lan's, action 2 hung's
PROGRAMME_YEAR = 2026
REVIEW = "MR-2026-01"


def _second_auditor(engine: Engine) -> None:
    """kim, an auditor from TP (independent of MC), who can join the audit team."""
    add_person(engine, "kim", "TP", ["auditor"])


def _planned_audit(engine: Engine) -> None:
    """IA-2026-02: planned, not started (lead binh, auditee representative lan)."""
    cs.plan_mc(engine, objectives="Đánh giá lại việc trả kết quả tại Một cửa")


def _concluded(engine: Engine) -> None:
    """Every checklist item answered (binh leads and grades) and conclusions written."""
    answer_all(engine, AUDIT, skip=(1,), auditor="binh")
    act(
        engine,
        audits.conclude,
        "binh",
        ref=AUDIT,
        conclusions="Phù hợp, một điểm không phù hợp nhẹ",
    )


def _reported(engine: Engine) -> None:
    _concluded(engine)
    act(engine, audit_reports.report, "binh", ref=AUDIT, password=PASSWORD)


def _closable(engine: Engine) -> None:
    """Reported, signed by the auditee representative, finding 1 has its corrective action."""
    _reported(engine)
    act(engine, audit_reports.sign, "lan", ref=AUDIT, password=PASSWORD)
    act(engine, capa.open_nonconformity, "binh", source="audit_finding", finding=f"{AUDIT}/1")


def _evidence_file(engine: Engine) -> None:
    act(
        engine,
        audit_work.record,
        "binh",
        ref=AUDIT,
        item=2,
        result="C",
        evidence="Đã xem biên bản",
        attachments=[EVIDENCE_FILE],
    )


def _programme(engine: Engine) -> None:
    act(
        engine,
        audit_programme.set_programme,
        "thu",
        year=PROGRAMME_YEAR,
        objectives="Mục tiêu năm",
    )


def _contained(engine: Engine) -> None:
    cs.contain(engine, CAR)


def _analysed(engine: Engine) -> None:
    _contained(engine)
    cs.analyse(engine, CAR)


def _actions_added(engine: Engine) -> None:
    _analysed(engine)
    for owner in ACTION_OWNERS:
        cs.add_action(engine, CAR, owner)


def _actions_planned(engine: Engine) -> None:
    _actions_added(engine)
    act(engine, capa.plan, "thu", ref=CAR)


def _actions_done(engine: Engine) -> None:
    _actions_planned(engine)
    cs.done(engine, CAR, owners=ACTION_OWNERS)


def _verified(engine: Engine) -> None:
    _actions_done(engine)
    cs.verify(engine, CAR, verifier="binh")


def _yearly_scope(engine: Engine) -> None:
    """Activities listed for this year: the conformity decision has a scope to announce."""
    act(engine, drafts.save_draft, "thu", year=2026, texts={"activities": "Tiếp công dân"})


def plan_review(engine: Engine) -> None:
    """MR-2026-01 planned: chair hai, attendee hung (part of the records database)."""
    rs.plan(engine, attendees=["hung"], guests="")


def _review_started(engine: Engine) -> None:
    act(engine, meeting.start, "thu", ref=REVIEW)


def _review_decided(engine: Engine) -> None:
    _review_started(engine)
    act(engine, meeting.decide, "thu", ref=REVIEW, kind="resources", text="Bổ sung máy quét")


def _review_action(engine: Engine) -> None:
    """Decision 1 is an action of lan's."""
    _review_decided(engine)
    due = days_from_today(30)
    act(engine, meeting.act, "thu", ref=REVIEW, number=1, outcome="action", owner="lan", due=due)


def _review_minuted(engine: Engine) -> None:
    _review_started(engine)
    rs.conclude_all(engine, REVIEW)


def _objectives(engine: Engine) -> None:
    """MT-2026-01 drafted by thu; MT-2026-02 approved by hai, its 2026-Q2 result (hung's)
    not met, with an evidence file; complaint PA-2026-001 about MC, recorded by lan."""
    obj.draft(engine, department=None)
    obj.approve(engine, obj.draft(engine, department=None))
    name, data = EVIDENCE_FILE
    act(
        engine, results.record_result, "hung", ref="MT-2026-02", period="2026-Q2", value="96",
        evidence=data, evidence_name=name, evidence_type="text/plain",
    )  # fmt: skip
    act(
        engine, feedback.record_feedback, "lan", kind="complaint", received_on=date(2026, 10, 12),
        department="MC", summary="Phải đi lại 3 lần để bổ sung hồ sơ",
    )  # fmt: skip


STAGES: dict[str, Callable[[Engine], None]] = {
    "second auditor": _second_auditor,
    "planned audit": _planned_audit,
    "concluded": _concluded,
    "reported": _reported,
    "closable": _closable,
    "evidence file": _evidence_file,
    "programme": _programme,
    "contained": _contained,
    "analysed": _analysed,
    "actions added": _actions_added,
    "actions planned": _actions_planned,
    "actions done": _actions_done,
    "verified": _verified,
    "yearly scope": _yearly_scope,
    "review started": _review_started,
    "review decided": _review_decided,
    "review action": _review_action,
    "review minuted": _review_minuted,
    "objectives": _objectives,
}
