"""Search index (the folded words of each document's effective issue) and the indexes the
register's pages and the inbox walk at scale."""

from sqlalchemy import Index
from sqlmodel import Field, SQLModel, col

from qms.models.core import Document, Revision


class SearchTerm(SQLModel, table=True):
    """One distinct diacritic-free, lower-case word of a document's effective body.

    Prefix look-ups on ``term`` use its index, so searching bodies stays fast on a large
    register without database-specific full-text features.
    """

    __tablename__ = "search_term"
    # Covers the prefix look-up (term range -> document ids) without reading the table.
    __table_args__ = (Index("ix_search_term_term_document", "term", "document_id"),)

    document_id: int = Field(foreign_key="document.id", primary_key=True)
    term: str = Field(max_length=64, primary_key=True)


# What a page of the register reads besides its order: the id and where the issues
# stand (the filters), so a deep or filtered page is found from the index alone.
_ANSWERED = (
    col(Document.id),
    col(Document.in_effect),
    col(Document.in_progress),
    col(Document.withdrawn),
)
# The register's order (Vietnamese title order, code breaks ties), walked page by page.
Index("ix_document_title_order", col(Document.title_sort_key), col(Document.code), *_ANSWERED)
# The register sorted by another column, walked page by page in the same way: that
# column first, then the title order. Documents never in effect come last.
Index(
    "ix_document_effective_order",
    col(Document.effective_on).is_(None),
    col(Document.effective_on),
    col(Document.title_sort_key),
    col(Document.code),
    *_ANSWERED,
)
Index(
    "ix_document_type_order",
    col(Document.doc_type),
    col(Document.title_sort_key),
    col(Document.code),
    *_ANSWERED,
)
Index(
    "ix_document_department_order",
    col(Document.department_code),
    col(Document.title_sort_key),
    col(Document.code),
    *_ANSWERED,
)
Index(
    "ix_document_status_order",
    col(Document.status_rank),
    col(Document.title_sort_key),
    col(Document.code),
    *_ANSWERED,
)


class RegisterTally(SQLModel, table=True):
    """How many documents share a type, a department and where their issues stand (as
    on the document row; ``in_progress`` is '' for none). Triggers on ``document`` keep
    it in the transaction of every change, so the register's total and its filters'
    counts are summed from these few rows, not counted from every document."""

    __tablename__ = "register_tally"

    doc_type: str = Field(max_length=20, primary_key=True)
    department_id: int = Field(primary_key=True)
    in_effect: bool = Field(primary_key=True)
    in_progress: str = Field(max_length=20, primary_key=True)
    withdrawn: bool = Field(primary_key=True)
    documents: int


# "Has an issue in this state" checks without reading the issues' rows (bodies are large),
# and one person's issues still to read judged from the index alone: who drafted the
# effective issue and since when it is in effect.
Index(
    "ix_revision_document_status",
    col(Revision.document_id),
    col(Revision.status),
    col(Revision.drafted_by_id),
    col(Revision.planned_effective_date),
    col(Revision.effective_at),
    col(Revision.id),
)
# The inbox's sections (drafts, reviews, acknowledgements): issues in a state, by drafter,
# oldest first, counted and paged without reading the issues' rows.
Index(
    "ix_revision_status_drafter_updated",
    col(Revision.status),
    col(Revision.drafted_by_id),
    col(Revision.updated_at),
    col(Revision.document_id),
)
# The inbox's sections of issues in a state whoever drafted them (to publish, to read,
# late readers), oldest first: the first page is read in this order, stopping after it;
# whether each is late to read is judged from the index, not the row.
Index(
    "ix_revision_status_updated",
    col(Revision.status),
    col(Revision.updated_at),
    col(Revision.document_id),
    col(Revision.planned_effective_date),
    col(Revision.effective_at),
    col(Revision.drafted_by_id),
    col(Revision.id),
)
# Periodic reviews (currency checks) falling due: documents in effect by interval, then
# by the day last reviewed (checked), then the day the issue took effect, so the few due
# are found without judging every document in effect.
Index(
    "ix_document_review_due",
    col(Document.in_effect),
    col(Document.review_interval_months),
    col(Document.last_reviewed_on),
    col(Document.effective_on),
)
Index(
    "ix_document_currency_due",
    col(Document.in_effect),
    col(Document.review_interval_months),
    col(Document.checked_current_on),
    col(Document.effective_on),
)
# A department's documents, their ids read from the index alone (a document's row holds
# its search text): one person's reading list and the register's department filter.
Index("ix_document_department_id", col(Document.department_id), col(Document.id))
