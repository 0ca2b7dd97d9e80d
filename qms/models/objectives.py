"""Quality objectives (ISO 9001 clause 6.2) and their measured results (9.1)."""

from datetime import date, datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Objective(SQLModel, table=True):
    """A quality objective's stable identity for one year: of the organisation (no
    department) or of one department. What it says lives in its versions."""

    __tablename__ = "quality_objective"

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(max_length=24, unique=True)  # e.g. MT-2026-03
    year: int = Field(index=True)
    department_id: int | None = Field(default=None, foreign_key="department.id", index=True)
    # The controlled document that lists the year's objectives (MT-01).
    document_id: int | None = Field(default=None, foreign_key="document.id")
    created_at: datetime


class ObjectiveVersion(SQLModel, table=True):
    """One version of an objective: draft -> approved (signed, locked) -> superseded when a
    later version is approved. A change after approval is a new version with a reason."""

    __tablename__ = "objective_version"
    __table_args__ = (
        UniqueConstraint("objective_id", "version", name="uq_objective_version_number"),
    )

    id: int | None = Field(default=None, primary_key=True)
    objective_id: int = Field(foreign_key="quality_objective.id", index=True)
    version: int
    status: str = Field(max_length=12, index=True)  # draft | approved | superseded
    indicator: str = Field(max_length=300)
    unit: str = Field(max_length=40)
    target: float
    direction: str = Field(max_length=8)  # at_least | at_most
    frequency: str = Field(max_length=12)  # monthly | quarterly | half_yearly
    owner_id: int = Field(foreign_key="app_user.id", index=True)
    # How results are obtained: entered by the owner, or computed from imported data.
    measure: str = Field(max_length=20)  # entered | on_time_rate | satisfaction_rate
    # For computed results: which field, procedure or department the figures cover.
    scope_kind: str = Field(default="", max_length=12)  # "" (all) | field | procedure | department
    scope_value: str = Field(default="", max_length=200)
    plan_what: str = Field(default="", sa_column=Column(Text, nullable=False))
    plan_resources: str = Field(default="", sa_column=Column(Text, nullable=False))
    plan_who: str = Field(default="", max_length=300)
    plan_when: str = Field(default="", max_length=200)
    evaluation: str = Field(default="", sa_column=Column(Text, nullable=False))
    reason: str = Field(default="", sa_column=Column(Text, nullable=False))
    content_hash: str = Field(max_length=64)
    drafted_by_id: int = Field(foreign_key="app_user.id")
    drafted_at: datetime
    # The approval signature, bound to ``content_hash``.
    approved_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    approved_at: datetime | None = None
    approver_name: str = Field(default="", max_length=200)
    approver_position: str = Field(default="", max_length=200)
    approved_hash: str = Field(default="", max_length=64)


class ObjectiveResult(SQLModel, table=True):
    """The result of one period, compared with the target of the version in force then
    (copied here, so a later version does not rewrite history)."""

    __tablename__ = "objective_result"
    __table_args__ = (
        UniqueConstraint("objective_id", "period", name="uq_objective_result_period"),
    )

    id: int | None = Field(default=None, primary_key=True)
    objective_id: int = Field(foreign_key="quality_objective.id", index=True)
    version_id: int = Field(foreign_key="objective_version.id")
    period: str = Field(max_length=8)  # 2026-03 | 2026-Q1 | 2026-H1
    period_end: date
    value: float
    target: float
    direction: str = Field(max_length=8)
    met: bool
    origin: str = Field(max_length=10)  # entered | computed
    comment: str = Field(default="", sa_column=Column(Text, nullable=False))
    evidence_sha256: str | None = Field(default=None, max_length=64, foreign_key="blob.sha256")
    evidence_name: str = Field(default="", max_length=200)
    capa_id: int | None = Field(
        default=None, foreign_key="corrective_action_request.id", unique=True
    )
    recorded_by_id: int = Field(foreign_key="app_user.id")
    recorded_at: datetime
