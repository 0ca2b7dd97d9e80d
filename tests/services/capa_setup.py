"""Building corrective actions to a given state through the services, for the CAPA tests."""

from datetime import date, timedelta
from io import BytesIO
from typing import Any

from pypdf import PdfReader
from sqlalchemy import text
from sqlalchemy.engine import Engine

from qms.db import read_session
from qms.services.audits import planning as audits
from qms.services.audits import work as audit_work
from qms.services.capa import actions as capa_actions
from qms.services.capa import lifecycle as capa
from qms.services.people import organisation
from tests.helpers import act
from tests.seed import PASSWORD

WHYS = [
    ("Vì sao hồ sơ trả trễ hẹn?", "Vì phòng chuyên môn chuyển lại muộn"),
    ("Vì sao chuyển lại muộn?", "Vì không ai theo dõi thời hạn từng bước"),
    ("Vì sao không ai theo dõi?", "Vì QT-01 không quy định người theo dõi thời hạn"),
]


def today(engine: Engine) -> date:
    with read_session(engine) as session:
        return organisation.today(session)


def due(engine: Engine, days: int = 14) -> date:
    return today(engine) + timedelta(days=days)


def plan_mc(
    engine: Engine,
    objectives: str = "Đánh giá việc kiểm soát thông tin dạng văn bản tại Bộ phận Một cửa",
) -> str:
    """An audit of MC for today, planned by its lead binh (auditee representative lan)."""
    day = today(engine)
    audit = act(
        engine,
        audits.plan,
        "binh",
        departments=["MC"],
        clauses=["7.5.3"],
        procedures=[],
        lead="binh",
        team=[],
        planned_start=day,
        planned_end=day,
        objectives=objectives,
        auditee_rep="lan",
    )
    return str(audit.ref)


def audit_with_findings(engine: Engine, grades: tuple[str, ...] = ("NC_MINOR", "NC_MAJOR")) -> str:
    """An audit of MC (lead binh, auditee representative lan) in progress whose first
    checklist items are graded ``grades``, each with a finding."""
    ref = plan_mc(engine)
    act(engine, audits.start, "binh", ref=ref)
    for number, grade in enumerate(grades, start=1):
        act(
            engine,
            audit_work.record,
            "binh",
            ref=ref,
            item=number,
            result=grade,
            evidence=f"Bằng chứng {number}: bản QT-01 lần 1 còn tại quầy số {number}",
            finding=f"Phát hiện {number}: tài liệu lỗi thời chưa được thu hồi",
        )
    return ref


def open_complaint(engine: Engine, actor: str = "lan", **kwargs: Any) -> str:
    kwargs.setdefault("source", "complaint")
    kwargs.setdefault("description", "Công dân phản ánh hồ sơ đất đai trả trễ hẹn 5 ngày")
    kwargs.setdefault("department", "MC")
    kwargs.setdefault("severity", "minor")
    return str(act(engine, capa.open_nonconformity, actor, **kwargs).ref)


def contain(engine: Engine, ref: str, actor: str = "thu") -> None:
    act(engine, capa.contain, actor, ref=ref, containment="Gọi điện xin lỗi, trả kết quả ngay")


def analyse(engine: Engine, ref: str, actor: str = "thu", **kwargs: Any) -> None:
    kwargs.setdefault("whys", WHYS)
    kwargs.setdefault("cause_category", "documentation")
    kwargs.setdefault("root_cause", "QT-01 không quy định người theo dõi thời hạn")
    kwargs.setdefault("similar_exist", "possible")
    kwargs.setdefault("similar_answer", "Rà soát hồ sơ của Phòng Tư pháp: chưa thấy trễ hẹn")
    act(engine, capa.analyse, actor, ref=ref, **kwargs)


def add_action(engine: Engine, ref: str, owner: str, actor: str = "thu", **kwargs: Any) -> int:
    kwargs.setdefault("description", f"Phân công {owner} theo dõi thời hạn hồ sơ")
    kwargs.setdefault("due_date", due(engine))
    return int(act(engine, capa_actions.add_action, actor, ref=ref, owner=owner, **kwargs).number)


def analysed(engine: Engine, **kwargs: Any) -> str:
    ref = open_complaint(engine, **kwargs)
    contain(engine, ref)
    analyse(engine, ref)
    return ref


def planned(engine: Engine, owners: tuple[str, ...] = ("lan", "hung"), **kwargs: Any) -> str:
    ref = analysed(engine, **kwargs)
    for owner in owners:
        add_action(engine, ref, owner)
    act(engine, capa.plan, "thu", ref=ref)
    return ref


def done(engine: Engine, ref: str, owners: tuple[str, ...] = ("lan", "hung")) -> None:
    for number, owner in enumerate(owners, start=1):
        act(engine, capa_actions.complete_action, owner, ref=ref, number=number, note="Xong")


def verify(engine: Engine, ref: str, verifier: str = "an", effective: bool = True) -> None:
    act(
        engine,
        capa_actions.verify,
        verifier,
        ref=ref,
        effective=effective,
        evidence="Kiểm tra 20 hồ sơ tháng 12: không hồ sơ nào trễ hẹn",
        password=PASSWORD,
    )


def verified(engine: Engine) -> str:
    ref = planned(engine)
    done(engine, ref)
    verify(engine, ref)
    return ref


def pass_days(engine: Engine, table: str, column: str, days: int) -> None:
    """Let time pass for a date column: move every value ``days`` into the past."""
    with engine.begin() as connection:
        rows = connection.execute(text(f"SELECT id, {column} FROM {table}")).all()
        for row_id, value in rows:
            if value is None:
                continue
            if isinstance(value, str):
                value = date.fromisoformat(value)
            connection.execute(
                text(f"UPDATE {table} SET {column} = :v WHERE id = :id"),
                {"v": value - timedelta(days=days), "id": row_id},
            )


def pdf_text(data: bytes) -> str:
    reader = PdfReader(BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)
