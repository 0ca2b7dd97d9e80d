"""Management reviews (ISO 9001 clause 9.3): the meeting, its frozen input pack, the
conclusions per input and the decisions with their follow-up."""

from datetime import date, datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class ManagementReview(SQLModel, table=True):
    """One management review meeting: planned -> in_progress (the input pack frozen) ->
    signed (the chair signed the minutes; everything locked)."""

    __tablename__ = "management_review"

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(max_length=24, unique=True)  # MR-2026-01
    year: int = Field(index=True)
    status: str = Field(max_length=12, index=True)  # planned | in_progress | signed
    planned_on: date
    place: str = Field(default="", max_length=200)
    period_from: date
    period_to: date
    chair_id: int = Field(foreign_key="app_user.id", index=True)
    # Attendees from outside the users, one per line.
    guests: str = Field(default="", sa_column=Column(Text, nullable=False))
    # The input pack as frozen when the meeting started (canonical JSON) and its hash.
    pack: str = Field(default="", sa_column=Column(Text, nullable=False))
    pack_sha256: str = Field(default="", max_length=64)
    started_at: datetime | None = None
    # The chair's signature, bound to the record hash, and the minutes stored then.
    content_hash: str = Field(default="", max_length=64)
    signed_at: datetime | None = None
    signer_name: str = Field(default="", max_length=200)
    signer_position: str = Field(default="", max_length=200)
    minutes_sha256: str | None = Field(default=None, max_length=64, foreign_key="blob.sha256")
    created_by_id: int = Field(foreign_key="app_user.id")
    created_at: datetime
    updated_at: datetime


class ReviewAttendee(SQLModel, table=True):
    """A user who attends the review (and may read it)."""

    __tablename__ = "review_attendee"
    __table_args__ = (UniqueConstraint("review_id", "user_id", name="uq_review_attendee"),)

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="management_review.id", index=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)


class ReviewConclusion(SQLModel, table=True):
    """What the meeting concluded on one input of the pack (9.3.2)."""

    __tablename__ = "review_conclusion"
    __table_args__ = (
        UniqueConstraint("review_id", "input_key", name="uq_review_conclusion_input"),
    )

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="management_review.id", index=True)
    input_key: str = Field(max_length=40)
    text: str = Field(sa_column=Column(Text, nullable=False))
    written_by_id: int = Field(foreign_key="app_user.id")
    written_at: datetime


class ReviewDecision(SQLModel, table=True):
    """A decision of the review (9.3.3) and what follows it: an action with an owner and
    a due date, a nonconformity (CAR) or the next issue of a document."""

    __tablename__ = "review_decision"
    __table_args__ = (UniqueConstraint("review_id", "number", name="uq_review_decision_number"),)

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="management_review.id", index=True)
    number: int
    kind: str = Field(max_length=16)  # improvement | qms_change | resources
    text: str = Field(sa_column=Column(Text, nullable=False))
    outcome: str = Field(default="", max_length=10)  # "" | action | capa | revision
    owner_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    due: date | None = None
    done_at: datetime | None = None
    done_note: str = Field(default="", sa_column=Column(Text, nullable=False))
    capa_id: int | None = Field(
        default=None, foreign_key="corrective_action_request.id", unique=True
    )
    revision_id: int | None = Field(default=None, foreign_key="revision.id", unique=True)
    created_by_id: int = Field(foreign_key="app_user.id")
    created_at: datetime
