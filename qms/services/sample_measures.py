"""The sample district's quality objectives of a year with their results, its one-stop-desk
statistics and its satisfaction surveys (files in the procedures folder's ``data``)."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import Session

from qms.models import User
from qms.services.desk import dossiers, satisfaction
from qms.services.documents import revisions
from qms.services.objectives import lifecycle, results
from qms.services.people import users

OBJECTIVES_FILE = "muc-tieu-2026.yaml"
DOSSIERS_FILE = "thong-ke-ho-so-2026.csv"
SURVEY_FILE = "khao-sat-hai-long-2026.csv"
_MAX_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Loaded:
    objectives: int
    results: int
    nonconformities: list[str]


def document_issued_again(folder: Path) -> str | None:
    """The code of the document the sample issues again to list its approved objectives."""
    plan: dict[str, Any] = yaml.safe_load((folder / "data" / OBJECTIVES_FILE).read_text("utf-8"))
    return str(plan["document"]) if plan.get("document") and plan.get("reissue") else None


def install(session: Session, *, folder: Path, password: str) -> Loaded:
    """Draft, approve (the leader signs with ``password``) and measure the sample
    objectives, then import the sample figures, which compute the other results."""
    data_dir = folder / "data"
    plan: dict[str, Any] = yaml.safe_load((data_dir / OBJECTIVES_FILE).read_text("utf-8"))
    drafter = users.get_active_user(session, plan["drafted_by"])
    approver = users.get_active_user(session, plan["approved_by"])
    coordinator = users.get_active_user(session, plan["coordinator"])
    refs: list[str] = []
    entered: list[tuple[str, dict[str, Any]]] = []
    for item in plan["objectives"]:
        fields = {k: v for k, v in item.items() if k not in ("department", "results", "scope")}
        if item.get("scope"):
            fields["scope_kind"], fields["scope_value"] = item["scope"]
        version = lifecycle.draft_objective(
            session,
            actor=drafter,
            year=int(plan["year"]),
            department=item.get("department"),
            document=plan.get("document"),
            **fields,
        )
        ref = lifecycle.get_objective_by_id(session, version.objective_id).ref
        refs.append(ref)
        entered += [(ref, result) for result in item.get("results", [])]
    lifecycle.approve_objectives(session, actor=approver, refs=refs, password=password)
    if plan.get("document") and plan.get("reissue"):
        _reissue(session, plan, drafter=coordinator, approver=approver, password=password)
    opened: list[str] = []
    count = 0
    for ref, result in entered:
        owner = users.get_active_user(
            session, lifecycle.owner_of(session, lifecycle.get_objective(session, ref))
        )
        results.record_result(
            session,
            actor=owner,
            ref=ref,
            period=str(result["period"]),
            value=result["value"],
            comment=result.get("comment", ""),
        )
        count += 1
        if result.get("nonconformity"):
            opened.append(
                results.raise_nonconformity(
                    session, actor=owner, ref=ref, period=str(result["period"])
                )
            )
    figures = dossiers.import_dossiers(
        session,
        actor=coordinator,
        data=(data_dir / DOSSIERS_FILE).read_bytes(),
        filename=DOSSIERS_FILE,
        max_bytes=_MAX_BYTES,
    )
    survey = satisfaction.import_survey(
        session,
        actor=coordinator,
        data=(data_dir / SURVEY_FILE).read_bytes(),
        filename=SURVEY_FILE,
        max_bytes=_MAX_BYTES,
    )
    return Loaded(
        objectives=len(refs),
        results=count + len(figures.results) + len(survey.results),
        nonconformities=opened + figures.nonconformities,
    )


def _reissue(
    session: Session, plan: dict[str, Any], *, drafter: User, approver: User, password: str
) -> None:
    """Issue the document that lists the objectives again, now that they are approved:
    its issue approved on paper was rendered before them, and a controlled copy never
    changes, so only a new issue lists them (in its annex)."""
    code = str(plan["document"])
    reissue: dict[str, Any] = plan["reissue"]
    reviewer = users.get_active_user(session, reissue["reviewer"])
    revisions.revise(
        session,
        actor=drafter,
        code=code,
        reason=reissue["reason"],
        description=reissue["description"],
    )
    revisions.submit(
        session,
        actor=drafter,
        code=code,
        password=password,
        reviewer=reviewer.username,
        approver=approver.username,
    )
    revisions.review(session, actor=reviewer, code=code, accept=True, password=password)
    revisions.approve(session, actor=approver, code=code, password=password)
    revisions.publish(session, actor=drafter, code=code)
