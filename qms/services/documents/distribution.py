"""A document's distribution list: the departments, roles and people who must work from
it and acknowledge each new issue. This module is the one place that decides who must
read a document, both as a list of people (when an issue takes effect) and as a
condition on documents (for one person's "to read" list); the two agree.

A document without a distribution keeps the rule it had before lists existed: the people
of its department and those of no department."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, CompoundSelect, and_, exists, not_, or_, union
from sqlmodel import Session, col, select

from qms.domain import Role
from qms.errors import Conflict, NotFound, Text, ValidationError
from qms.models import Department, DistributionEntry, Document, User, UserRole, pk
from qms.services.documents import register as documents
from qms.services.people import users
from qms.services.trail import chain as trail

DEPARTMENT, ROLE, USER = "department", "role", "user"


@dataclass(frozen=True)
class DistributionLine:
    kind: str  # department | role | user
    name: str  # department code, role, or username
    label: str  # department name, role, or full name


@dataclass(frozen=True)
class _Member:
    kind: str
    key: str  # the stored ``member``
    name: str  # as the user named it: department code, role, username
    department_id: int | None = None
    role: str | None = None
    user_id: int | None = None


def distribution_of(session: Session, *, code: str) -> list[DistributionLine]:
    """The lines of a document's distribution: departments, then roles, then people."""
    doc = documents.get_document(session, code)
    return [_line(session, entry) for entry in _entries(session, pk(doc))]


def add_to_distribution(
    session: Session,
    *,
    actor: User,
    code: str,
    department: str | None = None,
    role: str | None = None,
    user: str | None = None,
) -> DistributionLine:
    """Put one department, role or person on the document's distribution (controllers)."""
    users.require_role(session, actor, Role.CONTROLLER, action=Text("change distribution lists"))
    doc = documents.lock_document(session, code)
    member = _member(session, department=department, role=role, user=user)
    if _find(session, pk(doc), member) is not None:
        raise Conflict(
            "{name} is already on the distribution of {code}", name=member.name, code=doc.code
        )
    entry = DistributionEntry(
        document_id=pk(doc),
        member=member.key,
        department_id=member.department_id,
        role=member.role,
        user_id=member.user_id,
    )
    session.add(entry)
    session.flush()
    line = _line(session, entry)
    _record(session, actor, doc, "distribution.add", {"new": {line.kind: line.name}})
    session.commit()
    return line


def remove_from_distribution(
    session: Session,
    *,
    actor: User,
    code: str,
    department: str | None = None,
    role: str | None = None,
    user: str | None = None,
) -> DistributionLine:
    """Take one department, role or person off the document's distribution (controllers)."""
    users.require_role(session, actor, Role.CONTROLLER, action=Text("change distribution lists"))
    doc = documents.lock_document(session, code)
    member = _member(session, department=department, role=role, user=user)
    entry = _find(session, pk(doc), member)
    if entry is None:
        raise NotFound(
            "{name} is not on the distribution of {code}", name=member.name, code=doc.code
        )
    line = _line(session, entry)
    session.delete(entry)
    session.flush()
    _record(session, actor, doc, "distribution.remove", {"old": {line.kind: line.name}})
    session.commit()
    return line


def readers(session: Session, doc: Document) -> list[User]:
    """The active people who must read the document's issues, by username."""
    return list(
        session.exec(
            select(User)
            .where(col(User.active).is_(True))
            .where(reads(doc_id=pk(doc), doc_department=doc.department_id))
            .order_by(col(User.username))
        ).all()
    )


def read_by(user: User, roles: set[Role]) -> CompoundSelect:
    """The ids of the documents ``user`` (holding ``roles``) must read, as a union of
    selections each answered from an index: the documents whose distribution names the
    user, their department or one of their roles, and the documents without a
    distribution of the user's department (of any department, for a user without one).
    One condition over every document with its own subqueries would make the database
    judge each document in turn."""
    named = [select(DistributionEntry.document_id).where(DistributionEntry.user_id == user.id)]
    if user.department_id is not None:
        named.append(
            select(DistributionEntry.document_id).where(
                DistributionEntry.department_id == user.department_id
            )
        )
    if roles:
        named.append(
            select(DistributionEntry.document_id).where(
                col(DistributionEntry.role).in_(sorted(r.value for r in roles))
            )
        )
    unlisted = select(Document.id).where(
        not_(exists().where(col(DistributionEntry.document_id) == Document.id))
    )
    if user.department_id is not None:
        unlisted = unlisted.where(Document.department_id == user.department_id)
    return union(*named, unlisted)


@dataclass(frozen=True)
class ReaderRule:
    """Who must read one document, in three conditions: ``listed`` (on nothing: the
    document has a distribution), ``on_list`` and ``by_department`` (on ``User``). The
    people on its list must read a listed document; the others, those of its department
    and those of none."""

    listed: ColumnElement[bool]
    on_list: ColumnElement[bool]
    by_department: ColumnElement[bool]

    def reads(self) -> ColumnElement[bool]:
        """A condition on ``User``: they must read the document."""
        return or_(and_(self.listed, self.on_list), and_(not_(self.listed), self.by_department))


def reader_rule(
    *, doc_id: int | ColumnElement[int], doc_department: int | ColumnElement[int]
) -> ReaderRule:
    """The rule of who must read document ``doc_id`` (of department ``doc_department``);
    both may be columns of an outer query, at any depth (each subquery correlates to every
    enclosing query, not only the nearest). A query asking whether someone among many
    people has not read a document tests ``listed`` once, outside its look at each person,
    rather than once per person."""

    def entries(column: Any) -> Any:
        return (
            select(column)
            .where(DistributionEntry.document_id == doc_id)
            .correlate_except(DistributionEntry)
        )

    has_role = (
        exists()
        .where(
            and_(
                col(UserRole.user_id) == User.id,
                col(UserRole.role).in_(entries(DistributionEntry.role)),
            )
        )
        .correlate_except(UserRole)
    )
    return ReaderRule(
        listed=exists(entries(DistributionEntry.id)),
        on_list=or_(
            col(User.id).in_(entries(DistributionEntry.user_id)),
            col(User.department_id).in_(entries(DistributionEntry.department_id)),
            has_role,
        ),
        by_department=or_(
            col(User.department_id) == doc_department, col(User.department_id).is_(None)
        ),
    )


def reads(
    *, doc_id: int | ColumnElement[int], doc_department: int | ColumnElement[int]
) -> ColumnElement[bool]:
    """A condition on ``User``: the user must read document ``doc_id`` (of department
    ``doc_department``), either of them columns of an outer query or values."""
    return reader_rule(doc_id=doc_id, doc_department=doc_department).reads()


def _member(
    session: Session, *, department: str | None, role: str | None, user: str | None
) -> _Member:
    given = [value for value in (department, role, user) if value]
    if len(given) != 1:
        raise ValidationError("name one department, one role or one person")
    if department:
        dept = users.get_department(session, department)
        return _Member(DEPARTMENT, f"{DEPARTMENT}:{pk(dept)}", dept.code, department_id=pk(dept))
    if role:
        try:
            value = Role(role.strip().lower()).value
        except ValueError:
            raise ValidationError(
                "no role {role!r}: use one of {roles}", role=role, roles=", ".join(Role)
            ) from None
        return _Member(ROLE, f"{ROLE}:{value}", value, role=value)
    person = users.get_user(session, user or "")
    return _Member(USER, f"{USER}:{pk(person)}", person.username, user_id=pk(person))


def _find(session: Session, doc_id: int, member: _Member) -> DistributionEntry | None:
    return session.exec(
        select(DistributionEntry)
        .where(DistributionEntry.document_id == doc_id)
        .where(DistributionEntry.member == member.key)
    ).first()


def _entries(session: Session, doc_id: int) -> list[DistributionEntry]:
    entries = session.exec(
        select(DistributionEntry).where(DistributionEntry.document_id == doc_id)
    ).all()
    order = {DEPARTMENT: 0, ROLE: 1, USER: 2}
    lines = [(entry, _line(session, entry)) for entry in entries]
    lines.sort(key=lambda pair: (order[pair[1].kind], pair[1].name))
    return [entry for entry, _ in lines]


def _line(session: Session, entry: DistributionEntry) -> DistributionLine:
    if entry.department_id is not None:
        dept = session.get(Department, entry.department_id)
        assert dept is not None
        return DistributionLine(DEPARTMENT, dept.code, dept.name)
    if entry.role is not None:
        return DistributionLine(ROLE, entry.role, entry.role)
    person = session.get(User, entry.user_id)
    assert person is not None
    return DistributionLine(USER, person.username, person.full_name)


def _record(
    session: Session, actor: User, doc: Document, action: str, payload: dict[str, object]
) -> None:
    trail.record(
        session,
        actor=actor.username,
        action=action,
        entity="document",
        entity_id=doc.code,
        payload=payload,
    )
