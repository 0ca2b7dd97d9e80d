"""Nonconformities and corrective action (ISO 9001 clause 10.2)."""

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class CorrectiveActionRequest(SQLModel, table=True):
    """A nonconformity record and its corrective action (phiếu yêu cầu hành động khắc
    phục): open -> contained -> cause_analysed -> actions_planned -> actions_done ->
    verified_effective -> closed."""

    __tablename__ = "corrective_action_request"
    # The register's order (year, then number: CAR-2026-1000 after CAR-2026-999): a page
    # of it walks this index and stops.
    __table_args__ = (Index("ix_corrective_action_request_year_number", "year", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(max_length=40, unique=True)
    year: int = Field(index=True)
    number: int  # within the year: the digits that end ``ref``
    status: str = Field(max_length=24, index=True)
    # audit_finding | complaint | late_dossier | measurement | objective_not_met |
    # management_review | other
    source: str = Field(max_length=24)
    finding_id: int | None = Field(default=None, foreign_key="finding.id", unique=True)
    description: str = Field(sa_column=Column(Text, nullable=False))
    department_id: int = Field(foreign_key="department.id", index=True)
    clause: str = Field(default="", max_length=20)
    severity: str = Field(max_length=10)  # major | minor
    reported_by_id: int = Field(foreign_key="app_user.id")
    reported_at: datetime
    # Correction / containment (sự khắc phục): removes the effect now.
    containment: str = Field(default="", sa_column=Column(Text, nullable=False))
    contained_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    contained_at: datetime | None = None
    # Root cause (nguyên nhân gốc rễ), after the 5-whys chain in CapaWhy.
    cause_category: str = Field(default="", max_length=24)
    root_cause: str = Field(default="", sa_column=Column(Text, nullable=False))
    similar_exist: str = Field(default="", max_length=10)  # yes | no | possible
    similar_answer: str = Field(default="", sa_column=Column(Text, nullable=False))
    analysed_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    analysed_at: datetime | None = None
    verification_due: date | None = None
    closed_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    closed_at: datetime | None = None
    record_sha256: str | None = Field(default=None, max_length=64, foreign_key="blob.sha256")
    created_at: datetime
    updated_at: datetime


class CapaWhy(SQLModel, table=True):
    """One step of the 5-whys chain: why did it happen -> because ..."""

    __tablename__ = "capa_why"
    __table_args__ = (UniqueConstraint("capa_id", "position", name="uq_capa_why_position"),)

    id: int | None = Field(default=None, primary_key=True)
    capa_id: int = Field(foreign_key="corrective_action_request.id", index=True)
    position: int
    question: str = Field(sa_column=Column(Text, nullable=False))
    answer: str = Field(sa_column=Column(Text, nullable=False))


class CapaAction(SQLModel, table=True):
    """A planned corrective action with its owner and due date."""

    __tablename__ = "capa_action"
    __table_args__ = (UniqueConstraint("capa_id", "number", name="uq_capa_action_number"),)

    id: int | None = Field(default=None, primary_key=True)
    capa_id: int = Field(foreign_key="corrective_action_request.id", index=True)
    number: int
    description: str = Field(sa_column=Column(Text, nullable=False))
    owner_id: int = Field(foreign_key="app_user.id", index=True)
    due_date: date = Field(index=True)
    status: str = Field(max_length=12)  # open | done
    # The document to change and the draft revision this action raised. The link is
    # kept here only (unique), so a revision finds its action by this column and the
    # schema has no foreign-key cycle through the revision table.
    document_id: int | None = Field(default=None, foreign_key="document.id")
    revision_id: int | None = Field(default=None, foreign_key="revision.id", unique=True)
    done_note: str = Field(default="", sa_column=Column(Text, nullable=False))
    done_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    done_at: datetime | None = None
    created_at: datetime


class CapaVerification(SQLModel, table=True):
    """An effectiveness verification (đánh giá hiệu lực của hành động khắc phục), signed by someone who owns none
    of the actions; an ineffective result reopens the plan."""

    __tablename__ = "capa_verification"

    id: int | None = Field(default=None, primary_key=True)
    capa_id: int = Field(foreign_key="corrective_action_request.id", index=True)
    verifier_id: int = Field(foreign_key="app_user.id")
    effective: bool
    evidence: str = Field(sa_column=Column(Text, nullable=False))
    printed_name: str = Field(max_length=200)
    position: str = Field(default="", max_length=200)
    performed_at: datetime
    content_hash: str = Field(max_length=64)
