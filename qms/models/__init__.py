"""Tables. Rules live in ``qms.services``; these classes only describe storage.

Enumerated values are stored as short strings (see ``qms.domain``) so the schema is the
same on SQLite and PostgreSQL and migrations need no native enum types.
"""

from qms.models.audits import (
    Audit,
    AuditCriterion,
    AuditDepartment,
    AuditMember,
    AuditProgramme,
    AuditSignature,
    ChecklistAttachment,
    ChecklistItem,
    Finding,
    ProgrammeEntry,
)
from qms.models.bodies import BodyHtml
from qms.models.capa import CapaAction, CapaVerification, CapaWhy, CorrectiveActionRequest
from qms.models.core import (
    Acknowledgement,
    Blob,
    Compilation,
    Department,
    Document,
    ReviewComment,
    Revision,
    Setting,
    Signature,
    TrailEvent,
    User,
    UserRole,
    pk,
)
from qms.models.desk import DeskImport, DossierStat, Feedback, SatisfactionCount
from qms.models.distribution import ControlledCopy, DistributionEntry
from qms.models.notices import DigestItem, JobRun, MailMessage, Notice
from qms.models.objectives import Objective, ObjectiveResult, ObjectiveVersion
from qms.models.paper import PaperHistoryLine, PaperSignature
from qms.models.records import RecordBatch, RecordType
from qms.models.reviews import (
    ManagementReview,
    ReviewAttendee,
    ReviewConclusion,
    ReviewDecision,
)
from qms.models.risks import Risk, RiskAction
from qms.models.search import RegisterTally, SearchTerm
from qms.models.web import LoginAttempt, WebSession
from qms.models.yearly import ConformityDecision, YearlyDraft

__all__ = [
    "Acknowledgement",
    "Audit",
    "AuditCriterion",
    "AuditDepartment",
    "AuditMember",
    "AuditProgramme",
    "AuditSignature",
    "Blob",
    "BodyHtml",
    "CapaAction",
    "CapaVerification",
    "CapaWhy",
    "ChecklistAttachment",
    "ChecklistItem",
    "Compilation",
    "ConformityDecision",
    "ControlledCopy",
    "CorrectiveActionRequest",
    "Department",
    "DeskImport",
    "DigestItem",
    "DistributionEntry",
    "Document",
    "DossierStat",
    "Feedback",
    "Finding",
    "JobRun",
    "LoginAttempt",
    "MailMessage",
    "ManagementReview",
    "Notice",
    "Objective",
    "ObjectiveResult",
    "ObjectiveVersion",
    "PaperHistoryLine",
    "PaperSignature",
    "ProgrammeEntry",
    "RecordBatch",
    "RecordType",
    "RegisterTally",
    "ReviewAttendee",
    "ReviewComment",
    "ReviewConclusion",
    "ReviewDecision",
    "Revision",
    "Risk",
    "RiskAction",
    "SatisfactionCount",
    "SearchTerm",
    "Setting",
    "Signature",
    "TrailEvent",
    "User",
    "UserRole",
    "WebSession",
    "YearlyDraft",
    "pk",
]
