"""The JSON API for internal audits and corrective actions, under ``/api``: the same
sign-in, anti-forgery header and error shape as the documents API, the same services."""

from fastapi import APIRouter

from qms.web.routes import api_audits, api_capa

router = APIRouter()
router.include_router(api_audits.router)
router.include_router(api_capa.router)
