"""The audit trail viewer for admins and auditors: filters, CSV export, chain check, and
the check of every stored record against the trail."""

import csv
import io
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import Response, StreamingResponse

from qms.db import read_session
from qms.errors import Text, ValidationError
from qms.services.integrity import check as integrity
from qms.services.trail import anchors as trail_anchors
from qms.services.trail import view as trail_view
from qms.services.trail import words as trail_words
from qms.web.deps import CurrentUser, Db
from qms.web.i18n import request_language, translated
from qms.web.pages import render
from qms.web.routes.responses import download

router = APIRouter()


def _filters(
    entity: str = "",
    entity_id: str = "",
    actor: str = "",
    since: date | None = None,
    until: date | None = None,
) -> trail_view.TrailFilter:
    """The filter form's query parameters, shared by the page and the CSV and PDF exports."""
    return trail_view.TrailFilter(
        entity=entity or None,
        entity_id=entity_id or None,
        actor=actor or None,
        since=since,
        until=until,
    )


Filters = Annotated[trail_view.TrailFilter, Depends(_filters)]


@router.get("/trail")
def trail_page(
    request: Request,
    session: Db,
    user: CurrentUser,
    filters: Filters,
    page: Annotated[int, Query(ge=1)] = 1,
) -> Response:
    result = trail_view.browse(session, viewer=user, filters=filters, page=page)
    language = request_language(request)
    context = {
        "result": result,
        "rows": [
            (event, trail_words.readable(event.action, event.entity, event.payload, language))
            for event in result.events
        ],
        "filters": filters,
        "query": request.url.query,
        "entities": trail_view.entities(session, viewer=user),
        "entity_words": {e: trail_words.entity_word(e, language) for e in trail_words.ENTITIES},
    }
    return render(request, "trail.html", context)


@router.get("/trail/verify")
def verify(request: Request, session: Db, user: CurrentUser) -> Response:
    check = trail_view.verify(session, viewer=user)
    anchor = trail_anchors.of_check(check) if check.ok else None
    return render(request, "_trail_check.html", {"check": check, "anchor": anchor})


@router.get("/trail/integrity")
def integrity_check(request: Request, session: Db, user: CurrentUser) -> Response:
    """Every stored record against the trail (``qms verify``): in place for htmx, else a
    page."""
    report = integrity.run(session, viewer=user, language=request_language(request))
    template = "_integrity.html" if request.headers.get("HX-Request") else "integrity.html"
    return render(request, template, {"report": report})


@router.post("/trail/verify")
def verify_anchors(
    request: Request,
    session: Db,
    user: CurrentUser,
    anchors: Annotated[str, Form()] = "",
    anchors_file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """The chain check against anchors kept outside the system, uploaded as the file
    ``qms trail anchor`` lines were collected in, or pasted. htmx gets the result in
    place (a bad file too); a plain form gets a page."""
    htmx = bool(request.headers.get("HX-Request"))
    given: str | bytes = anchors
    source: str | Text = Text("the pasted anchors")
    if anchors_file is not None and anchors_file.filename:
        given, source = anchors_file.file.read(), anchors_file.filename
    context: dict[str, object] = {"check": None, "anchor": None, "anchors": 0, "error": ""}
    try:
        context["check"], context["anchors"] = trail_view.verify_against(
            session, viewer=user, anchors=given, source=source
        )
    except ValidationError as exc:
        if not htmx:
            raise
        context["error"] = translated(request, exc)
    return render(request, "_trail_check.html" if htmx else "trail_check.html", context)


@router.get("/trail.pdf")
def export_pdf(
    request: Request, session: Db, user: CurrentUser, filters: Filters, lang: str = ""
) -> Response:
    """The filtered events printed (at most 1,000), with the chain's state and anchor, in
    the page's language unless ``lang`` asks for another."""
    language = lang or request_language(request)
    data = trail_view.trail_pdf(session, viewer=user, filters=filters, language=language)
    return download(data, "audit-trail.pdf")


@router.get("/trail.csv")
def export_csv(request: Request, user: CurrentUser, filters: Filters) -> Response:
    """Streamed from a session of its own, which outlives the request's; the permission
    is checked before the first byte."""
    stream = ExitStack()
    export_session = stream.enter_context(read_session(request.app.state.engine))
    try:
        events = trail_view.export(export_session, viewer=user, filters=filters)
    except BaseException:
        stream.close()
        raise

    def rows() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["seq", "at", "actor", "action", "entity", "entity_id", "payload", "hash"])
        with stream:
            for event in events:
                writer.writerow(
                    [
                        event.seq,
                        event.at.isoformat(),
                        event.actor,
                        event.action,
                        event.entity,
                        event.entity_id,
                        event.payload,
                        event.hash,
                    ]
                )
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return StreamingResponse(
        rows(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="audit-trail.csv"'},
    )
