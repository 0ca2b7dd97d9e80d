"""``/api/integrity``: every stored record against the trail, as ``qms verify --format
json`` gives it (messages in English)."""

from fastapi import APIRouter

from qms.services.integrity import check as integrity
from qms.services.integrity.report import IntegrityReport
from qms.web.deps import CurrentUser, Db

router = APIRouter(tags=["integrity"])


@router.get("/integrity", response_model=IntegrityReport)
def integrity_report(session: Db, user: CurrentUser) -> IntegrityReport:
    """The trail's chain, each issue, audit and corrective action against what the trail
    recorded, and each stored file against its hash (admins and auditors)."""
    return integrity.run(session, viewer=user)
