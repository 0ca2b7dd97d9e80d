"""The register of risks and opportunities, read-only: every signed-in user sees it, with
the risk matrix drawn on the server."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from qms.render.charts import data_uri
from qms.services.people import organisation
from qms.services.risks import views
from qms.web.deps import CurrentUser, Db
from qms.web.i18n import request_language
from qms.web.pages import render

router = APIRouter()


@router.get("/risks")
def risks_page(
    request: Request,
    session: Db,
    user: CurrentUser,
    dept: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    today = organisation.today(session)
    shown = views.register_view(session, viewer=user, today=today, department=dept or None)
    svg = views.matrix_svg(session, views=shown, language=request_language(request))
    context = {
        "entries": shown,
        "dept": dept,
        "matrix": data_uri(svg),
        "overdue": views.overdue(session, today=today),
    }
    return render(request, "risks.html", context)
