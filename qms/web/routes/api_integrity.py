"""``/api/integrity``: every stored record against the trail, as ``qms verify --format
json`` gives it, with its sentences in the user's language."""

from fastapi import APIRouter, Request

from qms.services.integrity import check as integrity
from qms.services.integrity.report import IntegrityReport
from qms.web.deps import CurrentUser, Db
from qms.web.errors import API_ERRORS
from qms.web.i18n import request_language

router = APIRouter(tags=["integrity"], responses=API_ERRORS)


@router.get("/integrity", response_model=IntegrityReport)
def integrity_report(request: Request, session: Db, user: CurrentUser) -> IntegrityReport:
    """The trail's chain, each issue, audit and corrective action against what the trail
    recorded, and each stored file against its hash (admins and auditors)."""
    return integrity.run(session, viewer=user, language=request_language(request))
