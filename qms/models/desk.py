"""One-stop-desk figures: imported dossier statistics, citizen satisfaction surveys and
recorded complaints and feedback (ISO 9001 clauses 9.1.1 and 9.1.2)."""

from datetime import date, datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class DeskImport(SQLModel, table=True):
    """One imported file, recorded with its SHA-256: the same file imports once."""

    __tablename__ = "desk_import"
    __table_args__ = (UniqueConstraint("kind", "sha256", name="uq_desk_import_file"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # dossiers | satisfaction
    sha256: str = Field(max_length=64)
    filename: str = Field(max_length=255)
    rows: int
    imported_by_id: int = Field(foreign_key="app_user.id")
    imported_at: datetime


class DossierStat(SQLModel, table=True):
    """One row of the one-stop-desk statistics: a procedure (or a whole field, when the
    procedure code is empty) in one month."""

    __tablename__ = "dossier_stat"
    __table_args__ = (
        UniqueConstraint("period", "field", "procedure_code", name="uq_dossier_stat_row"),
    )

    id: int | None = Field(default=None, primary_key=True)
    import_id: int = Field(foreign_key="desk_import.id", index=True)
    period: str = Field(max_length=7, index=True)  # 2026-03
    field: str = Field(max_length=200)
    procedure_code: str = Field(default="", max_length=60)
    procedure: str = Field(default="", max_length=500)
    department_id: int = Field(foreign_key="department.id", index=True)
    received: int
    early: int
    on_time: int
    late: int
    pending_in_time: int
    pending_overdue: int
    # The nonconformity its late dossiers opened (once per procedure and period).
    capa_id: int | None = Field(
        default=None, foreign_key="corrective_action_request.id", unique=True
    )


class SatisfactionCount(SQLModel, table=True):
    """How many answers one question got at one level of the survey's scale, per field and
    period (per-respondent files are counted into these rows)."""

    __tablename__ = "satisfaction_count"
    __table_args__ = (
        UniqueConstraint("period", "field", "question", "level", name="uq_satisfaction_count"),
    )

    id: int | None = Field(default=None, primary_key=True)
    import_id: int = Field(foreign_key="desk_import.id", index=True)
    period: str = Field(max_length=8, index=True)  # 2026-03 | 2026-Q1
    period_end: date
    field: str = Field(max_length=200)
    question: str = Field(max_length=300)
    level: str = Field(max_length=60)
    satisfied: bool
    answers: int


class Feedback(SQLModel, table=True):
    """A complaint or other feedback from a citizen, which may become a nonconformity."""

    __tablename__ = "citizen_feedback"

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(max_length=24, unique=True)  # PA-2026-001
    kind: str = Field(max_length=12)  # complaint | feedback
    received_on: date
    channel: str = Field(default="", max_length=60)
    field: str = Field(default="", max_length=200)
    department_id: int = Field(foreign_key="department.id", index=True)
    summary: str = Field(sa_column=Column(Text, nullable=False))
    recorded_by_id: int = Field(foreign_key="app_user.id")
    recorded_at: datetime
    capa_id: int | None = Field(
        default=None, foreign_key="corrective_action_request.id", unique=True
    )
