"""The filtered register as rows of a spreadsheet, in the reader's language."""

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlmodel import Session

from qms.domain import DocType, RevisionStatus
from qms.domain_words import word_for
from qms.models import User
from qms.render.table_files import Cell
from qms.services.documents import register as documents
from qms.services.documents import search
from qms.services.people import organisation
from qms.web.i18n import request_language, translator

SortOrder = Annotated[str, Query(alias="dir", pattern="^(asc|desc)$")]


@dataclass(frozen=True)
class RegisterQuery:
    """Which rows of the register the address asks for, and in which order."""

    filters: search.RegisterFilter
    sort: str
    descending: bool


def register_query(
    q: str = "",
    doc_type: Annotated[str, Query(alias="type")] = "",
    dept: str = "",
    status: str = "",
    sort: str = "title",
    order: SortOrder = "asc",
) -> RegisterQuery:
    """The register's filters and order from the query string (an empty one filters
    nothing), as the register page writes them into its links."""
    filters = search.RegisterFilter(q or None, doc_type or None, dept or None, status or None)
    return RegisterQuery(filters, sort, order == "desc")


Register = Annotated[RegisterQuery, Depends(register_query)]


def table(
    request: Request, session: Session, user: User, query: RegisterQuery
) -> tuple[list[str], list[list[Cell]]]:
    """The column headings and the rows of the register ``query`` chooses, in its order,
    read a batch at a time."""
    _ = translator(request)
    language = request_language(request)
    zone = organisation.get_setting(session, "timezone")
    headers = [
        _("Code"),
        _("Title"),
        _("Type"),
        _("Department"),
        _("Status"),
        _("Effective issue"),
        _("Effective date"),
        _("In progress"),
        _("Language"),
    ]
    rows: list[list[Cell]] = []
    for row in search.register_rows(
        session,
        viewer=user,
        filters=query.filters,
        sort=query.sort,
        descending=query.descending,
    ):
        current, progress, status = row.current, row.in_progress, _status(row)
        effective_on: date | None = documents.effective_day(current, zone) if current else None
        rows.append(
            [
                row.document.code,
                row.document.title,
                word_for(DocType, row.document.doc_type, language),
                row.department.code,
                word_for(RevisionStatus, status, language) if status else "",
                current.issue if current else None,
                effective_on,
                f"{progress.issue} ({word_for(RevisionStatus, progress.status, language)})"
                if progress
                else "",
                row.document.language,
            ]
        )
    return headers, rows


def _status(row: documents.RegisterRow) -> str:
    if row.current:
        return RevisionStatus.EFFECTIVE.value
    if row.withdrawn:
        return RevisionStatus.OBSOLETE.value
    return row.in_progress.status if row.in_progress else ""


def file_name(request: Request, extension: str) -> str:
    _ = translator(request)
    name = _("document-register")
    return f"{name}.{extension}"
