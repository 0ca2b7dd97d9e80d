"""People, documents, revisions, signatures, blobs and the audit trail."""

from datetime import date, datetime

from sqlalchemy import Column, Index, LargeBinary, String, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel


def pk(row: SQLModel) -> int:
    """The integer primary key of a flushed row (typed, for foreign keys)."""
    value = getattr(row, "id", None)
    assert isinstance(value, int), f"{type(row).__name__} has not been flushed"
    return value


class Department(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    name: str = Field(max_length=200)
    name_en: str = Field(default="", max_length=200)


class User(SQLModel, table=True):
    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    full_name: str = Field(max_length=200)
    position: str = Field(default="", max_length=200)
    # Indexed: the readers of a document without a distribution are its department's.
    department_id: int | None = Field(default=None, foreign_key="department.id", index=True)
    password_hash: str = Field(max_length=255)
    language: str = Field(default="vi", max_length=8)
    active: bool = True
    created_at: datetime
    email: str = Field(default="", max_length=254)
    # How notices reach them by mail: a qms.domain.MailChoice value.
    mail_choice: str = Field(default="immediate", max_length=12)


class UserRole(SQLModel, table=True):
    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    role: str = Field(max_length=20, primary_key=True)


class Setting(SQLModel, table=True):
    """Organisation-wide values (organisation name shown on every controlled page...)."""

    key: str = Field(max_length=64, primary_key=True)
    value: str = Field(sa_column=Column(Text, nullable=False))


class Document(SQLModel, table=True):
    __table_args__ = (
        # The register's counts by state, type and department, read from this index alone.
        Index(
            "ix_document_register_counts",
            "in_effect",
            "doc_type",
            "department_id",
            "in_progress",
            "withdrawn",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    title: str = Field(max_length=300)
    doc_type: str = Field(max_length=20, index=True)
    department_id: int = Field(foreign_key="department.id")  # indexed with the id: see search
    owner_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    language: str = Field(default="vi", max_length=8)
    review_interval_months: int = 12
    last_reviewed_on: date | None = None
    # Diacritic-free lower-case code + title, for search ("kiem soat" finds "kiểm soát").
    search_text: str = Field(max_length=400, index=True)
    # Vietnamese dictionary order of the title, as a binary-sortable key (qms.text.sort_key).
    title_sort_key: str = Field(max_length=2000)
    # External-origin documents (laws, decrees, standards).
    issuer: str = Field(default="", max_length=200)
    external_ref: str = Field(default="", max_length=120)
    external_version: str = Field(default="", max_length=200)
    checked_current_on: date | None = None
    created_at: datetime
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    # Where the document's issues stand, kept by the services in the transaction that
    # moves them (qms.services.documents.search_index.refresh), for the register's
    # filters and counts: it has an effective issue; the state of its issue in progress;
    # it was withdrawn (an obsolete issue and neither of the others).
    in_effect: bool = False
    in_progress: str | None = Field(default=None, max_length=20)
    withdrawn: bool = False
    # What the register's sorted pages read, kept by the same refresh: the day the
    # effective issue took (or takes) effect, none without one; where the document
    # stands in the order of a document's life (0 draft ... 3 effective, 4 withdrawn);
    # its department's code.
    effective_on: datetime | None = None
    status_rank: int = 4
    department_code: str = Field(default="", max_length=16)


class Revision(SQLModel, table=True):
    """One issue of a document (Lần ban hành)."""

    __table_args__ = (
        UniqueConstraint("document_id", "issue", name="uq_revision_document_issue"),
        # At most one effective issue per document, and at most one issue in progress:
        # the database refuses a second one even if two processes race past the code.
        Index(
            "uq_revision_one_effective",
            "document_id",
            unique=True,
            sqlite_where=text("status = 'effective'"),
            postgresql_where=text("status = 'effective'"),
        ),
        Index(
            "uq_revision_one_in_progress",
            "document_id",
            unique=True,
            sqlite_where=text("status IN ('draft', 'in_review', 'approved')"),
            postgresql_where=text("status IN ('draft', 'in_review', 'approved')"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    issue: int
    status: str = Field(max_length=20, index=True)
    body: str = Field(sa_column=Column(Text, nullable=False))
    reason: str = Field(default="", sa_column=Column(Text, nullable=False))
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    content_hash: str = Field(max_length=64)
    planned_effective_date: date | None = None
    effective_at: datetime | None = None
    superseded_at: datetime | None = None
    drafted_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    reviewer_id: int | None = Field(default=None, foreign_key="app_user.id")
    approver_id: int | None = Field(default=None, foreign_key="app_user.id")
    # "system" for issues made here, "import" for issues approved before the system existed.
    origin: str = Field(default="system", max_length=20)
    # The controlled PDF rendered when the issue took effect (a Blob), served as stored.
    pdf_sha256: str | None = Field(default=None, max_length=64, foreign_key="blob.sha256")
    # How many lines of its records table could not be read when the issue took effect
    # (None: not read then, as for issues older than the list of records).
    records_problems: int | None = None
    created_at: datetime
    updated_at: datetime


class ReviewComment(SQLModel, table=True):
    """A reviewer's comment; kept when an issue is returned for changes.

    A comment on a passage names it by ``anchor`` (its place and a hash of its words in
    the rendered text, see :func:`qms.render.html_diff.anchor`) and quotes its words in
    ``passage``, so it can still be read once the drafter has changed that passage. A
    reply names the comment it answers (``reply_to_id``)."""

    id: int | None = Field(default=None, primary_key=True)
    revision_id: int = Field(foreign_key="revision.id", index=True)
    author_id: int = Field(foreign_key="app_user.id")
    outcome: str = Field(max_length=20)  # "returned" | "accepted" | "comment" | "reply"
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime
    anchor: str | None = Field(default=None, max_length=40)
    passage: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    reply_to_id: int | None = Field(default=None, foreign_key="reviewcomment.id")


class Signature(SQLModel, table=True):
    """An electronic signature bound to the exact content it signs (``content_hash``)."""

    id: int | None = Field(default=None, primary_key=True)
    revision_id: int = Field(foreign_key="revision.id", index=True)
    user_id: int = Field(foreign_key="app_user.id")
    meaning: str = Field(max_length=20)
    printed_name: str = Field(max_length=200)
    position: str = Field(default="", max_length=200)
    signed_at: datetime
    content_hash: str = Field(max_length=64)


class Acknowledgement(SQLModel, table=True):
    """A user's confirmation of having read an issue (Xác nhận đã đọc)."""

    __table_args__ = (UniqueConstraint("revision_id", "user_id", name="uq_ack_revision_user"),)

    id: int | None = Field(default=None, primary_key=True)
    revision_id: int = Field(foreign_key="revision.id", index=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    acknowledged_at: datetime


class Blob(SQLModel, table=True):
    """Content-addressed bytes (rendered PDFs, images, attachments)."""

    sha256: str = Field(max_length=64, primary_key=True)
    media_type: str = Field(max_length=100)
    size: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime


class Compilation(SQLModel, table=True):
    """A compiled manual, keyed by everything it was built from, so an unchanged manual
    is served again without rendering; or one of its cover and contents pages, keyed by
    everything it prints, so a manual that changed renders only the pages that did.

    ``manual`` names the manual (a hash of its language, department, type and title) a
    compilation was stored for: its next compilation replaces the earlier ones."""

    key: str = Field(max_length=64, primary_key=True)
    pdf_sha256: str = Field(max_length=64, foreign_key="blob.sha256")
    created_at: datetime
    manual: str = Field(max_length=64, index=True)


class TrailEvent(SQLModel, table=True):
    """Append-only, hash-chained trail. ``hash`` covers every other column and ``prev_hash``.

    ``seq`` is assigned by the writer (last + 1) and ``prev_hash`` is unique, so two
    writers that race past the lock cannot fork the chain: one of them fails.
    """

    __tablename__ = "trail_event"

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    at: datetime
    actor: str = Field(max_length=64)
    action: str = Field(max_length=64, index=True)
    entity: str = Field(max_length=40)
    entity_id: str = Field(max_length=80)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    prev_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    hash: str = Field(max_length=64)


Index("ix_trail_event_entity", TrailEvent.entity, TrailEvent.entity_id)
