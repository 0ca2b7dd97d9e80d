"""What an issue approved on paper brings with it: the signatures on the paper copy and the
revision-history lines of the issues before it."""

from datetime import date

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel


class PaperSignature(SQLModel, table=True):
    """A handwritten signature on the paper copy of an imported issue: who, in what role,
    on which day. Shown as signed on paper, never as an electronic signature."""

    __tablename__ = "paper_signature"

    id: int | None = Field(default=None, primary_key=True)
    revision_id: int = Field(foreign_key="revision.id", index=True)
    meaning: str = Field(max_length=20)  # drafted | reviewed | approved
    printed_name: str = Field(max_length=200)
    position: str = Field(default="", max_length=200)
    signed_on: date | None = None


class PaperHistoryLine(SQLModel, table=True):
    """One line of the revision history printed on an imported issue, for an issue that
    was in force before the system existed."""

    __tablename__ = "paper_history_line"

    id: int | None = Field(default=None, primary_key=True)
    revision_id: int = Field(foreign_key="revision.id", index=True)
    issue: int
    issued_on: date | None = None
    change: str = Field(default="", sa_column=Column(Text, nullable=False))
