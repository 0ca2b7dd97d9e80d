"""Vocabulary of the domain: roles, document types, lifecycle states, signature meanings."""

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    CONTROLLER = "controller"  # ISO secretary / document controller
    REVIEWER = "reviewer"
    APPROVER = "approver"
    AUDITOR = "auditor"
    STAFF = "staff"


class DocType(StrEnum):
    POLICY = "policy"
    MANUAL = "manual"
    PROCEDURE = "procedure"
    WORK_INSTRUCTION = "work_instruction"
    FORM = "form"
    RECORD_TEMPLATE = "record_template"
    EXTERNAL = "external"


class RevisionStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    EFFECTIVE = "effective"
    SUPERSEDED = "superseded"
    OBSOLETE = "obsolete"


IN_PROGRESS = (RevisionStatus.DRAFT, RevisionStatus.IN_REVIEW, RevisionStatus.APPROVED)


class Meaning(StrEnum):
    """What a signature attests."""

    DRAFTED = "drafted"
    REVIEWED = "reviewed"
    APPROVED = "approved"


LANGUAGES = ("vi", "en")
