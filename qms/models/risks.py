"""The register of risks and opportunities (ISO 9001 clause 6.1) and their actions."""

from datetime import date, datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel


class Risk(SQLModel, table=True):
    """One risk or opportunity of a department's process, assessed on the organisation's
    scale (likelihood x impact), with its treatment, its re-assessment after treatment and
    the date of its next review."""

    __tablename__ = "risk"

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(max_length=16, unique=True)  # RR-001
    kind: str = Field(max_length=12)  # risk | opportunity
    department_id: int = Field(foreign_key="department.id", index=True)
    process: str = Field(default="", max_length=200)
    title: str = Field(max_length=300)
    cause: str = Field(default="", sa_column=Column(Text, nullable=False))
    effect: str = Field(default="", sa_column=Column(Text, nullable=False))
    likelihood: int
    impact: int
    level: str = Field(max_length=8)  # low | medium | high
    treatment: str = Field(max_length=8)  # accept | reduce | avoid | exploit
    # The assessment after treatment (None until the risk is re-assessed).
    residual_likelihood: int | None = None
    residual_impact: int | None = None
    residual_level: str = Field(default="", max_length=8)
    next_review: date = Field(index=True)
    status: str = Field(default="open", max_length=8, index=True)  # open | closed
    created_by_id: int = Field(foreign_key="app_user.id")
    created_at: datetime
    reviewed_at: datetime | None = None


class RiskAction(SQLModel, table=True):
    """An action that treats a risk or takes an opportunity, with its owner and due date."""

    __tablename__ = "risk_action"

    id: int | None = Field(default=None, primary_key=True)
    risk_id: int = Field(foreign_key="risk.id", index=True)
    number: int  # 1, 2, ... within the risk
    what: str = Field(sa_column=Column(Text, nullable=False))
    owner_id: int = Field(foreign_key="app_user.id", index=True)
    due: date = Field(index=True)
    done_at: datetime | None = None
    done_note: str = Field(default="", sa_column=Column(Text, nullable=False))
