"""Reports to print and tables to export: the quarterly objectives report, the approved
objectives of a year and the risk register as PDFs, and the area's tables as XLSX.

Printing and exporting are on the trail, so each download is a form posted (with its
anti-forgery token), not a link a crawler or a prefetch could follow."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from qms.i18n import pmsg, translate
from qms.services.exports import tables
from qms.services.objectives import report
from qms.services.people import organisation
from qms.services.risks import report as risk_report
from qms.web.deps import CurrentUser, Db
from qms.web.i18n import request_language
from qms.web.pages import render
from qms.web.routes.responses import download

router = APIRouter()

Year = Annotated[int, Form(ge=2000, le=2100)]
Department = Annotated[str, Form(max_length=20)]
# File names as the reader would write them; the download keeps their diacritics in the
# UTF-8 form of Content-Disposition and gives an ASCII form beside it.
NAMES = {
    "quarterly": pmsg("File name", "Quality objectives report {year}-Q{quarter}"),
    "objectives": pmsg("File name", "Quality objectives {year}"),
    "risks": pmsg("File name", "Register of risks and opportunities"),
    "desk": pmsg("File name", "One-stop desk figures {year}"),
}


def _name(request: Request, key: str, extension: str, **values: int) -> str:
    return translate(NAMES[key], request_language(request)).format(**values) + extension


@router.get("/reports")
def reports_page(request: Request, session: Db, user: CurrentUser) -> Response:
    scope = report.report_scope(session, user)
    today = organisation.today(session)
    # The last quarter that has ended: its results are in.
    year, quarter = (today.year, (today.month - 1) // 3) if today.month > 3 else (today.year - 1, 4)
    context = {
        "scope": scope.department,
        "year": year,
        "quarter": quarter,
        "years": list(range(today.year, today.year - 5, -1)),
    }
    return render(request, "reports.html", context)


@router.post("/reports/quarterly")
def quarterly(
    request: Request,
    session: Db,
    user: CurrentUser,
    year: Year,
    quarter: Annotated[int, Form(ge=1, le=4)],
    dept: Department = "",
) -> Response:
    data = report.quarterly_pdf(
        session,
        actor=user,
        quarter=f"{year}-Q{quarter}",
        department=dept or None,
        language=request_language(request),
    )
    return download(data, _name(request, "quarterly", ".pdf", year=year, quarter=quarter))


@router.post("/reports/objectives")
def objectives(
    request: Request, session: Db, user: CurrentUser, year: Year, dept: Department = ""
) -> Response:
    data = report.plan_pdf(
        session, actor=user, year=year, department=dept or None, language=request_language(request)
    )
    return download(data, _name(request, "objectives", ".pdf", year=year))


@router.post("/reports/risks")
def risks(request: Request, session: Db, user: CurrentUser, dept: Department = "") -> Response:
    data = risk_report.register_pdf(
        session, actor=user, department=dept or None, language=request_language(request)
    )
    return download(data, _name(request, "risks", ".pdf"))


@router.post("/reports/objectives.xlsx")
def objectives_xlsx(
    request: Request, session: Db, user: CurrentUser, year: Year, dept: Department = ""
) -> Response:
    data = tables.objectives_xlsx(
        session, actor=user, year=year, department=dept or None, language=request_language(request)
    )
    return download(data, _name(request, "objectives", ".xlsx", year=year), tables.XLSX_TYPE)


@router.post("/reports/desk.xlsx")
def desk_xlsx(request: Request, session: Db, user: CurrentUser, year: Year) -> Response:
    data = tables.desk_xlsx(session, actor=user, year=year, language=request_language(request))
    return download(data, _name(request, "desk", ".xlsx", year=year), tables.XLSX_TYPE)


@router.post("/reports/risks.xlsx")
def risks_xlsx(request: Request, session: Db, user: CurrentUser, dept: Department = "") -> Response:
    data = tables.risks_xlsx(
        session, actor=user, department=dept or None, language=request_language(request)
    )
    return download(data, _name(request, "risks", ".xlsx"), tables.XLSX_TYPE)
