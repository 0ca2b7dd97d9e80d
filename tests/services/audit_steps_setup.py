"""Audits prepared in each state for the steps test, and a saved copy of the database the
test puts back after every step that changed it."""

from sqlalchemy.engine import Engine

from qms.services.audits import planning as audits
from qms.services.audits import reports as audit_reports
from qms.services.audits import work as audit_work
from qms.services.capa import lifecycle as capa
from tests.helpers import act
from tests.seed import PASSWORD
from tests.services.audit_helpers import add_person, answer_all, effective_procedures, plan_tp

STATES = ("planned", "in_progress", "reported", "signed", "closed")


def prepare(engine: Engine, state: str) -> str:
    """An audit of TP in ``state``: lead an, team member ngoc, auditee representative
    mai; khoa is an auditor free to join. From in_progress on, every item is answered
    (item 1 a minor nonconformity with a corrective action) and the conclusions are
    written, so each step that is allowed also has what it needs."""
    effective_procedures(engine)
    add_person(engine, "ngoc", "VP", ["auditor"])
    add_person(engine, "khoa", "VP", ["auditor"])
    ref = plan_tp(engine, team=["ngoc"])
    if state == "planned":
        return ref
    act(engine, audits.start, "an", ref=ref)
    act(engine, audit_work.record, "an", ref=ref, item=1, result="NC_MINOR",
        evidence="Sổ chưa cập nhật", finding="Danh mục tài liệu không cập nhật")  # fmt: skip
    answer_all(engine, ref, skip=(1,))
    act(engine, capa.open_nonconformity, "an", finding=f"{ref}/1")
    act(engine, audits.conclude, "an", ref=ref, conclusions="HTQLCL được duy trì")
    if state == "in_progress":
        return ref
    act(engine, audit_reports.report, "an", ref=ref, password=PASSWORD)
    if state == "reported":
        return ref
    act(engine, audit_reports.sign, "mai", ref=ref, password=PASSWORD)
    if state == "signed":
        return ref
    act(engine, audit_reports.close, "an", ref=ref)
    return ref
