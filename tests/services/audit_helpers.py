"""Shared set-up for the audit tests: effective procedures, extra people, a planned audit."""

from datetime import date
from typing import Any

from sqlalchemy.engine import Engine

from qms.db import read_session, write_session
from qms.models import Audit
from qms.services.audits import planning as audits
from qms.services.audits import work as audit_work
from qms.services.people import users
from tests.helpers import act, new_draft, to_effective
from tests.seed import PASSWORD

START, END = date(2026, 12, 1), date(2026, 12, 2)
QT02_BODY = (
    "# 1. Mục đích\n\nQuy định việc lưu hồ sơ.\n\n"
    "# 2. Nội dung quy trình\n\n## 2.1 Lập hồ sơ\n\nLập theo BM-02-01.\n\n"
    "## 2.2 Lưu hồ sơ\n\nGhi sổ BM-02-02 và BM-02-01.\n"
)


def effective_procedures(engine: Engine) -> None:
    """QT-01 (drafted by thu, approved by hai) and QT-02, both effective at issue 1."""
    new_draft(engine, "QT-01")
    to_effective(engine, "QT-01")
    new_draft(engine, "QT-02", title="Quy trình kiểm soát hồ sơ", body=QT02_BODY)
    to_effective(engine, "QT-02")


def add_person(engine: Engine, username: str, department: str, roles: list[str]) -> None:
    with write_session(engine) as session:
        users.add_user(
            session,
            actor_name="system",
            username=username,
            full_name=f"Người {username}",
            password=PASSWORD,
            roles=roles,
            department=department,
        )
        session.commit()


def plan_tp(engine: Engine, actor: str = "thu", **overrides: Any) -> str:
    """Plan an audit of TP (lead an from MC, auditee rep mai from TP)."""
    audit: Audit = act(engine, audits.plan, actor, **tp_plan(**overrides))
    return audit.ref


def tp_plan(**overrides: Any) -> dict[str, Any]:
    """The arguments of :func:`plan_tp`'s audit, with ``overrides``."""
    kwargs: dict[str, Any] = {
        "departments": ["TP"],
        "clauses": ["7.5.1"],
        "procedures": ["QT-01"],
        "lead": "an",
        "team": [],
        "auditee_rep": "mai",
        "planned_start": START,
        "planned_end": END,
        "objectives": "Đánh giá việc kiểm soát tài liệu tại Phòng Tư pháp",
    }
    kwargs.update(overrides)
    return kwargs


def item_numbers(engine: Engine, ref: str) -> list[int]:
    with read_session(engine) as session:
        return [i.number for i in audits.items_of(session, audits.get_audit(session, ref))]


def answer_all(
    engine: Engine,
    ref: str,
    result: str = "C",
    skip: tuple[int, ...] = (),
    auditor: str = "an",
) -> None:
    for number in item_numbers(engine, ref):
        if number not in skip:
            act(
                engine,
                audit_work.record,
                auditor,
                ref=ref,
                item=number,
                result=result,
                evidence="Đã kiểm tra hồ sơ mẫu",
            )
