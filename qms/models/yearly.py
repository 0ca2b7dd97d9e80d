"""The yearly reports of a public body: the coordinator's free texts per year, and the
decisions announcing that the QMS conforms to TCVN ISO 9001:2015, one per scope."""

from datetime import date, datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class YearlyDraft(SQLModel, table=True):
    """What the data cannot say, written by the coordinator for one year: difficulties and
    proposals of the yearly report; legal bases, recipients and the activities covered
    beyond the one-stop-desk procedures, for the conformity decision."""

    __tablename__ = "yearly_draft"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    difficulties: str = Field(default="", sa_column=Column(Text, nullable=False))
    proposals: str = Field(default="", sa_column=Column(Text, nullable=False))
    legal_bases: str = Field(default="", sa_column=Column(Text, nullable=False))
    recipients: str = Field(default="", sa_column=Column(Text, nullable=False))
    activities: str = Field(default="", sa_column=Column(Text, nullable=False))
    place: str = Field(default="", max_length=100)  # "Hồng Hà, ngày ... tháng ..."
    signer: str = Field(default="", max_length=200)  # the head who signs
    updated_by_id: int = Field(foreign_key="app_user.id")
    updated_at: datetime


class ConformityDecision(SQLModel, table=True):
    """One issued decision announcing conformity, with the scope it announced (JSON lists
    kept as issued); a new scope is a new decision, the earlier ones stay."""

    __tablename__ = "conformity_decision"
    __table_args__ = (UniqueConstraint("year", "number", name="uq_conformity_decision_number"),)

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    number: int  # running number within the year: "Số: 02/QĐ-UBND"
    issued_on: date
    procedures: str = Field(sa_column=Column(Text, nullable=False))  # JSON list of names
    departments: str = Field(sa_column=Column(Text, nullable=False))  # JSON list of names
    legal_bases: str = Field(default="", sa_column=Column(Text, nullable=False))
    recipients: str = Field(default="", sa_column=Column(Text, nullable=False))
    place: str = Field(default="", max_length=100)
    signer: str = Field(default="", max_length=200)
    scope_hash: str = Field(max_length=64)
    replaces_id: int | None = Field(default=None, foreign_key="conformity_decision.id")
    issued_by_id: int = Field(foreign_key="app_user.id")
    issued_at: datetime
