"""The sample QMS: a district People's Committee's organisation and procedures."""

from pathlib import Path

import yaml
from sqlmodel import Session

from qms.domain import Role
from qms.errors import ValidationError
from qms.services import sample_measures, sample_records, sample_review, sample_risks
from qms.services.documents import importer, renditions
from qms.services.people import organisation, users


def install(session: Session, *, folder: Path) -> tuple[int, int, int]:
    """Load ``organisation.yaml`` and import every procedure source in ``folder`` into an
    empty database; then the year's quality objectives, their results, the one-stop-desk
    figures, the register of risks, the year's management review, planned, and the
    batches of records kept (``folder/data``). Returns (departments, users, documents).

    ``session`` must be one of :func:`qms.db.all_or_nothing`: the services' own commits
    then end only savepoints, so the rest of the sample is entered while the documents'
    controlled copies are still rendering on both cores, and nothing is committed before
    every copy is stored."""
    depts, created = organisation.apply_organisation_file(
        session, actor=None, path=folder / "organisation.yaml"
    )
    controller = next((u for u in created if Role.CONTROLLER in users.roles_of(session, u)), None)
    if controller is None:
        raise ValidationError("organisation.yaml: the sample needs a user with the controller role")
    password = str(
        yaml.safe_load((folder / "organisation.yaml").read_text("utf-8"))["demo_password"]
    )
    with renditions.PendingCopies() as copies:
        results = importer.add_files(session, actor=controller, paths=[folder], copies=copies)
        reissued = sample_measures.document_issued_again(folder)
        if reissued:  # its first issue's copy is stored before the second issue replaces it
            copies.store(session, only=reissued)
        sample_measures.install(session, folder=folder, password=password)
        sample_risks.install(session, folder=folder)
        sample_review.install(session, folder=folder)
        sample_records.install(session, folder=folder)
        copies.store(session)
    session.commit()
    return len(depts), len(created), len(results)
