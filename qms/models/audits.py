"""Internal audits (ISO 9001 clause 9.2): programme, audits, frozen checklists, findings."""

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class AuditProgramme(SQLModel, table=True):
    """The audit programme of one year (Chương trình đánh giá nội bộ)."""

    __tablename__ = "audit_programme"

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(unique=True)
    objectives: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime
    created_by_id: int = Field(foreign_key="app_user.id")


class ProgrammeEntry(SQLModel, table=True):
    """One line of a programme: a department (and the processes and clauses to audit
    there), how important it is and how often it is to be audited that year."""

    __tablename__ = "programme_entry"
    __table_args__ = (
        UniqueConstraint("programme_id", "department_id", name="uq_programme_entry_department"),
    )

    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="audit_programme.id", index=True)
    department_id: int = Field(foreign_key="department.id")
    # JSON lists: document codes of the processes, ISO 9001:2015 clause numbers.
    processes: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    clauses: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    importance: str = Field(max_length=10)  # high | medium | low
    # Audits planned in the year: from importance, raised by past nonconformities.
    frequency: int
    months: str = Field(default="[]", sa_column=Column(Text, nullable=False))  # JSON [1..12]
    rationale: str = Field(default="", sa_column=Column(Text, nullable=False))


class Audit(SQLModel, table=True):
    """One audit (Cuộc đánh giá): planned -> in_progress -> reported -> closed."""

    # Audits in the order of their references: year, then number (IA-2026-100 after -99).
    __table_args__ = (Index("ix_audit_year_number", "year", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(max_length=40, unique=True)
    year: int = Field(index=True)
    number: int  # within the year: the digits that end ``ref``
    audit_type: str = Field(max_length=20)  # internal | follow_up
    follows_audit_id: int | None = Field(default=None, foreign_key="audit.id")
    programme_entry_id: int | None = Field(default=None, foreign_key="programme_entry.id")
    status: str = Field(max_length=20, index=True)
    objectives: str = Field(sa_column=Column(Text, nullable=False))
    planned_start: date
    planned_end: date
    actual_start: date | None = None
    actual_end: date | None = None
    lead_auditor_id: int = Field(foreign_key="app_user.id", index=True)
    auditee_rep_id: int | None = Field(default=None, foreign_key="app_user.id")
    conclusions: str = Field(default="", sa_column=Column(Text, nullable=False))
    distribution: str = Field(default="", sa_column=Column(Text, nullable=False))
    # The grade scale and checklist source frozen when the audit started (JSON / sha256).
    grades: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    checklist_source: str = Field(default="", max_length=120)
    # The report PDF stored when the audit was reported (and re-stored when signed).
    report_sha256: str | None = Field(default=None, max_length=64, foreign_key="blob.sha256")
    reported_at: datetime | None = None
    closed_at: datetime | None = None
    created_at: datetime
    created_by_id: int = Field(foreign_key="app_user.id")
    updated_at: datetime


class AuditDepartment(SQLModel, table=True):
    """A department in the scope of an audit (the auditee)."""

    __tablename__ = "audit_department"

    audit_id: int = Field(foreign_key="audit.id", primary_key=True)
    department_id: int = Field(foreign_key="department.id", primary_key=True)


class AuditMember(SQLModel, table=True):
    """An auditor on the team; the lead auditor is also a member with role ``lead``."""

    __tablename__ = "audit_member"

    audit_id: int = Field(foreign_key="audit.id", primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    role: str = Field(max_length=10)  # lead | member


class AuditCriterion(SQLModel, table=True):
    """An audit criterion: an ISO 9001 clause, or one of our procedures at the exact
    effective issue used (which also puts that process in scope)."""

    __tablename__ = "audit_criterion"

    id: int | None = Field(default=None, primary_key=True)
    audit_id: int = Field(foreign_key="audit.id", index=True)
    position: int
    kind: str = Field(max_length=10)  # clause | document
    clause: str = Field(default="", max_length=20)
    revision_id: int | None = Field(default=None, foreign_key="revision.id")


class ChecklistItem(SQLModel, table=True):
    """One question of an audit's frozen checklist, with the result recorded against it.

    The question text is copied in when the audit starts, so later edits of the library
    or of a procedure never change a past audit.
    """

    __tablename__ = "checklist_item"
    __table_args__ = (
        UniqueConstraint("audit_id", "number", name="uq_checklist_item_number"),
        # The checklist's contents bar (items, unanswered, nonconforming per clause) and
        # its counts read this index alone.
        Index("ix_checklist_item_contents", "audit_id", "clause", "result"),
    )

    id: int | None = Field(default=None, primary_key=True)
    audit_id: int = Field(foreign_key="audit.id", index=True)
    number: int
    source: str = Field(max_length=10)  # library | procedure
    clause: str = Field(default="", max_length=20)
    clause_2008: str = Field(default="", max_length=40)
    question_key: str = Field(default="", max_length=60)
    question_vi: str = Field(sa_column=Column(Text, nullable=False))
    question_en: str = Field(sa_column=Column(Text, nullable=False))
    department_id: int | None = Field(default=None, foreign_key="department.id")
    revision_id: int | None = Field(default=None, foreign_key="revision.id")
    result: str | None = Field(default=None, max_length=20)
    evidence: str = Field(default="", sa_column=Column(Text, nullable=False))
    recorded_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    recorded_at: datetime | None = None


class ChecklistAttachment(SQLModel, table=True):
    """A file of objective evidence (photo, scan) kept as a blob with its checklist item."""

    __tablename__ = "checklist_attachment"

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="checklist_item.id", index=True)
    blob_sha256: str = Field(max_length=64, foreign_key="blob.sha256")
    filename: str = Field(max_length=200)
    added_by_id: int = Field(foreign_key="app_user.id")
    added_at: datetime


class Finding(SQLModel, table=True):
    """A nonconformity found by an audit: one per checklist item graded as one."""

    __table_args__ = (UniqueConstraint("audit_id", "number", name="uq_finding_number"),)

    id: int | None = Field(default=None, primary_key=True)
    audit_id: int = Field(foreign_key="audit.id", index=True)
    item_id: int = Field(foreign_key="checklist_item.id", unique=True)
    number: int
    grade: str = Field(max_length=20)
    clause: str = Field(default="", max_length=20)
    department_id: int | None = Field(default=None, foreign_key="department.id")
    statement: str = Field(sa_column=Column(Text, nullable=False))
    evidence: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime
    updated_at: datetime


class AuditSignature(SQLModel, table=True):
    """Lead auditor's and auditee representative's signatures on the report, bound to the
    hash of the audit record they signed."""

    __tablename__ = "audit_signature"

    id: int | None = Field(default=None, primary_key=True)
    audit_id: int = Field(foreign_key="audit.id", index=True)
    user_id: int = Field(foreign_key="app_user.id")
    meaning: str = Field(max_length=20)  # lead_auditor | auditee
    printed_name: str = Field(max_length=200)
    position: str = Field(default="", max_length=200)
    signed_at: datetime
    content_hash: str = Field(max_length=64)
