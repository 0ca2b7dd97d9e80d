"""Who must work from a document: its distribution list and its controlled paper copies
(ISO 9001 7.5.3)."""

from datetime import datetime

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel


class DistributionEntry(SQLModel, table=True):
    """One line of a document's distribution: a department, a role or a person. Exactly
    one of ``department_id``, ``role`` and ``user_id`` is set; ``member`` names it
    (``department:<id>``, ``role:<role>``, ``user:<id>``) so a line is listed once."""

    __tablename__ = "distribution_entry"
    __table_args__ = (
        UniqueConstraint("document_id", "member", name="uq_distribution_member"),
        CheckConstraint(
            "(CASE WHEN department_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN role IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN user_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="ck_distribution_one_member",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    member: str = Field(max_length=40)
    # Indexed each: one person's "to read" list gathers the lines naming them, their
    # department or their roles.
    department_id: int | None = Field(default=None, foreign_key="department.id", index=True)
    role: str | None = Field(default=None, max_length=20, index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)


class ControlledCopy(SQLModel, table=True):
    """A numbered paper copy of an issue and who holds it. When the issue is superseded
    or withdrawn the copy is to be recalled; ``recalled_at`` records the confirmed return."""

    __tablename__ = "controlled_copy"
    __table_args__ = (
        UniqueConstraint("revision_id", "copy_number", name="uq_controlled_copy_number"),
    )

    id: int | None = Field(default=None, primary_key=True)
    revision_id: int = Field(foreign_key="revision.id", index=True)
    copy_number: int
    holder: str = Field(max_length=200)
    issued_at: datetime
    issued_by: str = Field(max_length=64)
    recalled_at: datetime | None = None
    recalled_by: str | None = Field(default=None, max_length=64)
