"""Notices to people, the mail that carries them, and the scheduled jobs' claims.

A notice stores its kind and parameters, never rendered text: each person reads it in
their own language, and a mail is worded when it is sent.
"""

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Notice(SQLModel, table=True):
    """Something that gives a person a task or news (a qms.domain.NoticeKind)."""

    __table_args__ = (
        Index("ix_notice_user_unread", "user_id", "read_at"),
        Index("uq_notice_once", "user_id", "once_key", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id")
    kind: str = Field(max_length=40)
    # What it is about, as the page it leads to names it: "QT-01/2", "ĐG-2026-01", "CAR-2026-003/1".
    subject: str = Field(max_length=120)
    params: str = Field(sa_column=Column(Text, nullable=False))  # JSON object
    # A reminder is given once per item and period: "<kind>|<subject>|<period>"; events: None.
    once_key: str | None = Field(default=None, max_length=200)
    # Set when the user wants a daily digest; cleared once a digest mail has taken it.
    awaiting_digest: bool = False
    created_at: datetime
    read_at: datetime | None = None


class MailMessage(SQLModel, table=True):
    """One mail to send: a notice (immediate) or the day's digest of a user's notices.

    Worded and addressed when sent, from the user's address and language then. A mail
    that fails waits ``next_try_at`` (growing back-off) and keeps its ``last_error``; after
    the last attempt it stays, given up, for an administrator to see.
    """

    __tablename__ = "mail_message"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    notice_id: int | None = Field(default=None, foreign_key="notice.id")
    digest_day: str = Field(default="", max_length=10)  # ISO date of a digest mail
    created_at: datetime
    attempts: int = 0
    next_try_at: datetime = Field(index=True)
    last_error: str = Field(default="", sa_column=Column(Text, nullable=False))
    sent_at: datetime | None = None
    given_up: bool = False
    recipient: str = Field(default="", max_length=254)  # the address it was last sent to


class DigestItem(SQLModel, table=True):
    """The notices a digest mail carries."""

    __tablename__ = "mail_digest_item"

    mail_id: int = Field(foreign_key="mail_message.id", primary_key=True)
    notice_id: int = Field(foreign_key="notice.id", primary_key=True)


class JobRun(SQLModel, table=True):
    """A scheduled job's claim on one period: whoever inserts the row runs the job; a
    failed run is taken over by the next run of the same period."""

    __tablename__ = "job_run"
    __table_args__ = (UniqueConstraint("job", "period", name="uq_job_run_period"),)

    id: int | None = Field(default=None, primary_key=True)
    job: str = Field(max_length=40)
    period: str = Field(max_length=20)
    status: str = Field(max_length=12)  # "running" | "done" | "failed"
    started_at: datetime
    finished_at: datetime | None = None
    runs: int = 1
    error: str = Field(default="", sa_column=Column(Text, nullable=False))
