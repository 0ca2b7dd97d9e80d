"""Vocabulary of the domain: roles, document types, lifecycle states, signature meanings."""

from enum import StrEnum

from qms.errors import Joined, ValidationError


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
    PLAN = "plan"  # kế hoạch: e.g. the plan for building and applying the QMS
    DECISION = "decision"  # quyết định: e.g. the decision issuing the QMS documents
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


class CommentOutcome(StrEnum):
    """What a review comment on an issue went with."""

    ACCEPTED = "accepted"  # the reviewer accepted the issue and said something
    RETURNED = "returned"  # the issue went back to its drafter with this comment
    COMMENT = "comment"  # a comment on one passage of the issue in review
    REPLY = "reply"  # an answer to a comment on a passage


class Meaning(StrEnum):
    """What a signature attests."""

    DRAFTED = "drafted"
    REVIEWED = "reviewed"
    APPROVED = "approved"


LANGUAGES = ("vi", "en")


class CapaStatus(StrEnum):
    """States of a nonconformity and its corrective action (ISO 9001 clause 10.2)."""

    OPEN = "open"
    CONTAINED = "contained"
    CAUSE_ANALYSED = "cause_analysed"
    ACTIONS_PLANNED = "actions_planned"
    ACTIONS_DONE = "actions_done"
    VERIFIED_EFFECTIVE = "verified_effective"
    CLOSED = "closed"


class CapaSource(StrEnum):
    AUDIT_FINDING = "audit_finding"
    COMPLAINT = "complaint"  # citizen complaint
    LATE_DOSSIER = "late_dossier"  # late dossier at the one-stop desk
    MEASUREMENT = "measurement"  # process measurement
    OBJECTIVE_NOT_MET = "objective_not_met"  # a quality objective's result below target
    MANAGEMENT_REVIEW = "management_review"
    OTHER = "other"


class CauseCategory(StrEnum):
    PEOPLE = "people"
    METHOD = "method"
    DOCUMENTATION = "documentation"
    EQUIPMENT = "equipment"
    ENVIRONMENT = "environment"
    MANAGEMENT = "management"
    OTHER = "other"


class AuditStatus(StrEnum):
    """States of an internal audit (ISO 9001 clause 9.2); a reported audit can be reopened."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    REPORTED = "reported"
    CLOSED = "closed"


class AuditType(StrEnum):
    INTERNAL = "internal"
    FOLLOW_UP = "follow_up"


class SessionEnd(StrEnum):
    """Why a web sign-in session ended (kept on its row; not shown on pages)."""

    LOGOUT = "logout"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105  (a reason, not a password)
    DEACTIVATED = "deactivated"
    ENDED_BY_ADMIN = "ended_by_admin"
    EXPIRED = "expired"


SEVERITIES = ("major", "minor")
SIMILAR_ANSWERS = ("yes", "no", "possible")


def validate_language(language: str) -> str:
    """``language`` when it is one of the languages documents, records and the interface
    come in (vi, en)."""
    if language not in LANGUAGES:
        raise ValidationError(
            "language must be one of {choices}, not {value!r}",
            choices=Joined(LANGUAGES),
            value=language,
        )
    return language


class NoticeKind(StrEnum):
    """What a notice tells its reader (stored; each kind has its own wording)."""

    REVIEW_REQUESTED = "review_requested"  # submitted for your review
    APPROVAL_REQUESTED = "approval_requested"  # reviewed, waiting for your approval
    RETURNED = "returned"  # your draft was returned for changes, with the comment
    READY_TO_PUBLISH = "ready_to_publish"  # approved, effective today: publish it
    TAKES_EFFECT = "takes_effect"  # approved, takes effect on a date
    NEW_ISSUE_TO_READ = "new_issue_to_read"
    READ_REMINDER = "read_reminder"  # an issue on your distribution is still unread
    AUDIT_ASSIGNED = "audit_assigned"
    CHECKLIST_TO_WORK = "checklist_to_work"
    FINDING_RAISED = "finding_raised"
    ACTION_ASSIGNED = "action_assigned"
    ACTION_DUE_SOON = "action_due_soon"
    ACTION_OVERDUE = "action_overdue"
    VERIFICATION_DUE = "verification_due"
    PERIODIC_REVIEW_DUE = "periodic_review_due"
    RISK_REVIEW_DUE = "risk_review_due"
    RISK_ACTION_OVERDUE = "risk_action_overdue"


class MailChoice(StrEnum):
    """How a user's notices reach them by mail (in-app notices are always kept)."""

    IMMEDIATE = "immediate"
    DIGEST = "digest"  # one mail a day
    NONE = "none"
