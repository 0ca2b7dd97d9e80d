"""``qms doc``: the document register and the life of each issue.

Imports, comparisons and publishing what is due import their services when they run, so
reading the register does not pay for them."""

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from qms.cli.common import (
    acting_user,
    echo_json,
    echo_phrase,
    echo_table,
    fmt_time,
    format_option,
    label,
    message_text,
    phrase,
    read_file_input,
    read_password,
    read_text_input,
    reading,
    said,
    signing_limits,
    steps_line,
    text_limit,
    writing,
)
from qms.cli.help import TranslatedGroup
from qms.cli.records import problem_line as records_problem_line
from qms.domain import DocType, RevisionStatus
from qms.domain_words import WORDS
from qms.errors import Conflict, Joined, Param, Text
from qms.i18n import pmsg
from qms.models import User
from qms.phrases import day
from qms.phrases import meaning as meaning_word
from qms.phrases import state as state_word
from qms.services.documents import register as documents
from qms.services.documents import revisions
from qms.services.documents import views as doc_views
from qms.services.documents.search import STATUS_FILTERS
from qms.services.people import organisation, users
from qms.services.records import listing as records_list
from qms.settings import message_language
from qms.views import as_json

if TYPE_CHECKING:
    from qms.services.documents import diff as diff_service
    from qms.services.documents import importer

STATUSES = list(STATUS_FILTERS)
# The role a signature gives its signer, as a signature table names it.
SIGNING_ROLES = {
    "drafted": pmsg("signing role", "drafted"),
    "reviewed": pmsg("signing role", "reviewed"),
    "approved": pmsg("signing role", "approved"),
}


def _viewer(session: Any, as_user: str | None) -> User | None:
    return users.get_active_user(session, as_user) if as_user else None


def _read_body(path: str | None) -> str | None:
    if path is None:
        return None
    return read_text_input(path, option="--body", limit=text_limit(revisions.MAX_BODY_CHARS))


@click.group(cls=TranslatedGroup)
def doc() -> None:
    """Documents and their issues: register, revise, review, approve, publish.

    The lifecycle: draft -> in_review -> approved -> effective -> superseded,
    or obsolete when withdrawn. Signing steps ask for the signer's password.
    """


@doc.command("new")
@click.argument("code")
@click.option("--title", required=True, help='Title, e.g. "Quy trình kiểm soát tài liệu".')
@click.option("--type", "doc_type", type=click.Choice([t.value for t in DocType]), required=True)
@click.option("--dept", "department", required=True, help="Owning department code.")
@click.option("--owner", help="Process owner (username).")
@click.option(
    "--lang", "language", type=click.Choice(["vi", "en"]), default="vi", show_default=True
)
@click.option("--review-interval", type=int, default=12, show_default=True, help="Months.")
@click.option("--body", "body_path", help="Markdown file for issue 1 ('-' for stdin).")
@click.option("--issuer", help="External documents: who issued it.")
@click.option("--external-ref", help="External documents: their reference, e.g. 19/2014/QĐ-TTg.")
@click.option("--external-version", help="External documents: their version or year.")
@acting_user()
def new(
    code: str,
    title: str,
    doc_type: str,
    department: str,
    owner: str | None,
    language: str,
    review_interval: int,
    body_path: str | None,
    issuer: str | None,
    external_ref: str | None,
    external_version: str | None,
    as_user: str,
) -> None:
    """Register a document; its issue 1 starts as a draft.

    A body the controlled PDF would refuse (over 2 MB, nested too deep, too many table
    cells) is refused here, with exit code 2.

    \b
    Example:
      qms doc new QT-08 --title "Quy trình tiếp nhận phản ánh" --type procedure \\
          --dept VP --body qt-08.md --as thultm
    """
    body = _read_body(body_path) or ""
    external: dict[str, object] = {
        k: v
        for k, v in (
            ("issuer", issuer),
            ("external_ref", external_ref),
            ("external_version", external_version),
        )
        if v
    }
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        created, rev = revisions.create_document(
            session,
            actor=actor,
            code=code,
            title=title,
            doc_type=doc_type,
            department=department,
            body=body,
            owner=owner,
            language=language,
            review_interval_months=review_interval,
            external=external or None,
        )
    echo_phrase("registered {code}; issue {issue} is a draft", code=created.code, issue=rev.issue)


@doc.command("list")
@click.option(
    "--search",
    help="Words that start words of the code, title or effective text; diacritics optional.",
)
@click.option("--type", "doc_type", type=click.Choice([t.value for t in DocType]))
@click.option("--dept", "department", help="Department code.")
@click.option(
    "--status",
    type=click.Choice(STATUSES),
    help="effective, obsolete (withdrawn) or the state of the issue in progress.",
)
@acting_user(required=False)
@format_option
def list_(
    search: str | None,
    doc_type: str | None,
    department: str | None,
    status: str | None,
    as_user: str | None,
    fmt: str,
) -> None:
    """List the register. Staff (and no --as) see documents with an effective issue only.

    \b
    Example:
      qms doc list --search "kiem soat tai lieu"
      qms doc list --type procedure --dept TP --format json --as thultm
    """
    with reading() as session:
        rows = doc_views.register(
            session,
            viewer=_viewer(session, as_user),
            search_text=search,
            doc_type=doc_type,
            department=department,
            status=status,
        )
    if fmt == "json":
        echo_json(as_json(rows))
        return
    echo_table(
        [
            phrase("CODE"),
            phrase("TITLE"),
            phrase("TYPE"),
            phrase("DEPT"),
            phrase("EFFECTIVE"),
            phrase("IN PROGRESS"),
        ],
        [
            [
                r.code,
                r.title,
                label(WORDS[DocType][r.type]) if r.type in WORDS[DocType] else r.type,
                r.department,
                _issue_text(r.effective) or (phrase("withdrawn") if r.withdrawn else ""),
                _in_progress_text(r.in_progress),
            ]
            for r in rows
        ],
    )


_DUE_KINDS = {
    "periodic review": Text("periodic review"),
    "currency check": Text("currency check"),
}


def _issue_text(rev: doc_views.IssueView | None) -> str:
    if rev is None:
        return ""
    if rev.effective_date is None:
        return message_text(Text("issue {issue}", issue=rev.issue))
    return message_text(
        Text("issue {issue} ({date})", issue=rev.issue, date=day(rev.effective_date))
    )


def _in_progress_text(rev: doc_views.IssueView | None) -> str:
    if rev is None:
        return ""
    return message_text(Text("issue {issue} {status}", issue=rev.issue, status=rev.status))


@doc.command("show")
@click.argument("code")
@click.option("--issue", type=int, help="Issue number (default: the effective one).")
@click.option("--body/--no-body", default=False, help="Print the Markdown body too.")
@click.option("--body-only", is_flag=True, help="Print only the Markdown body (to edit it).")
@acting_user(required=False)
@format_option
def show(
    code: str, issue: int | None, body: bool, body_only: bool, as_user: str | None, fmt: str
) -> None:
    """Show a document's issue: status, signatures (with validity), comments, history.

    The content hash is computed from the issue's text now, and any way the issue
    differs from what the audit trail recorded (text, signatures, stored PDF) is named.

    \b
    Example:
      qms doc show QT-01 --issue 2 --as thultm
      qms doc show QT-01 --body-only > QT-01.md
    """
    with reading() as session:
        r = doc_views.issue_detail(
            session,
            viewer=_viewer(session, as_user),
            code=code,
            issue=issue,
            language=message_language(),
        )
        tz = organisation.get_setting(session, "timezone")
    if body_only:
        click.echo(r.body, nl=False)
        return
    if fmt == "json":
        echo_json(as_json(r))
        return
    click.echo(f"{r.code}  {r.title}")
    echo_phrase(
        "type {type}, department {department}, language {language}",
        type=label(WORDS[DocType][r.type]) if r.type in WORDS[DocType] else r.type,
        department=r.department,
        language=r.language,
    )
    if r.type == DocType.EXTERNAL:
        echo_phrase(
            "issuer {issuer}; reference {reference} {version}; checked current on {checked}",
            issuer=r.issuer,
            reference=r.external_ref,
            version=r.external_version,
            checked=str(r.checked_current_on) if r.checked_current_on else phrase("never"),
        )
    stage = (
        phrase("reviewed — awaiting approval") if r.stage == "reviewed" else state_word(r.status)
    )
    if r.effective_at and r.effective_date:
        state = Text(
            "issue {issue}: {stage}, effective {date}",
            issue=r.issue,
            stage=stage,
            date=day(r.effective_date),
        )
    else:
        state = Text("issue {issue}: {stage}", issue=r.issue, stage=stage)
    imported = Text(" (imported {time})", time=fmt_time(r.effective_at, tz))
    click.echo(message_text(state) + (message_text(imported) if r.origin == "import" else ""))
    if r.planned_effective_date and r.status == RevisionStatus.APPROVED:
        echo_phrase("takes effect on {date}", date=day(r.planned_effective_date))
    if r.reason:
        echo_phrase("reason for change: {reason}", reason=r.reason)
    if r.description:
        echo_phrase("description of change: {description}", description=r.description)
    if r.capa_ref:
        echo_phrase("raised by corrective action {ref}", ref=r.capa_ref)
    echo_phrase("content hash: {hash}", hash=r.content_hash)
    for mismatch in r.mismatches:
        click.echo("  " + said("MISMATCH: {problem}", problem=mismatch.message))
    for s in r.signatures:
        mark = phrase("valid") if s.valid else phrase("INVALID (content changed after signing)")
        if s.superseded:
            mark = phrase("superseded by resubmission")
        echo_phrase(
            "  signed {role}: {name} ({who}) {time}  {mark}",
            role=label(SIGNING_ROLES[s.meaning]) if s.meaning in SIGNING_ROLES else s.meaning,
            name=s.printed_name,
            who=s.position or s.username,
            time=fmt_time(s.signed_at, tz),
            mark=mark,
        )
    for p in r.paper_signatures:
        when = message_text(Text(" on {date}", date=day(p.signed_on))) if p.signed_on else ""
        echo_phrase(
            "  signed {role} on paper: {name}{position}{when}",
            role=label(SIGNING_ROLES[p.meaning]) if p.meaning in SIGNING_ROLES else p.meaning,
            name=p.name,
            position=f" ({p.position})" if p.position else "",
            when=when,
        )
    for comment in r.comments:
        echo_phrase(
            "  comment by {author} ({outcome}): {body}",
            author=comment.author,
            outcome=comment.outcome,
            body=comment.body,
        )
    echo_phrase(
        "acknowledged by {count}: {names}",
        count=len(r.acknowledged_by),
        names=", ".join(r.acknowledged_by) or "-",
    )
    history = [Text("issue {issue} on paper", issue=h.issue) for h in r.paper_history] + [
        Text("issue {issue} {status}", issue=h.issue, status=state_word(h.status))
        for h in r.history
    ]
    echo_phrase("history: {issues}", issues=Joined(history, "; "))
    click.echo(steps_line(r.steps))
    if body:
        click.echo("")
        click.echo(r.body, nl=False)


@doc.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Say per file what would be imported; write nothing.")
@click.option("--code", help="Document code, over the Word header table (one file only).")
@click.option("--title", help="Title, over the Word header table (one file only).")
@click.option("--issue", type=int, help="Issue number (one file only).")
@click.option(
    "--effective-date", type=click.DateTime(formats=["%Y-%m-%d"]), help="As on paper, YYYY-MM-DD."
)
@click.option("--dept", "department", help="Department code (or name).")
@click.option("--type", "doc_type", type=click.Choice([t.value for t in DocType]))
@acting_user()
@format_option
def import_(
    paths: tuple[Path, ...],
    dry_run: bool,
    code: str | None,
    title: str | None,
    issue: int | None,
    effective_date: datetime | None,
    department: str | None,
    doc_type: str | None,
    as_user: str,
    fmt: str,
) -> None:
    """Import documents approved before the system as effective issues: Markdown files
    with YAML front matter and Word files (.docx), or folders of them. All or nothing:
    one bad file and nothing is imported, the file named.

    A Word file's code, title, issue and date come from its header table ("Mã số:",
    "Lần ban hành:", "Ngày ban hành:"), its paper signatures and revision history from
    its signature and history tables; a sidecar QT-01.yaml beside QT-01.docx (front
    matter fields) and the options here override them. Run --dry-run first.

    \b
    Example:
      qms doc import procedures/ --as thultm
      qms doc import word/ --dept VP --dry-run --as thultm
    """
    overrides: dict[str, Any] = {
        key: value
        for key, value in {
            "code": code,
            "title": title,
            "issue": issue,
            "effective_date": effective_date.date() if effective_date else None,
            "department": department,
            "type": doc_type,
        }.items()
        if value is not None
    }
    from qms.services.documents import importer

    if dry_run:
        with reading() as session:
            actor = users.get_active_user(session, as_user)
            plans = importer.plan_files(
                session, actor=actor, paths=list(paths), overrides=overrides
            )
        _print_plans(plans, fmt)
        return
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        results = importer.import_files(
            session, actor=actor, paths=list(paths), overrides=overrides
        )
    for r in results:
        named: dict[str, Param] = {
            "code": r.document.code,
            "issue": r.revision.issue,
            "title": r.document.title,
        }
        if r.created:
            echo_phrase("registered {code} issue {issue}: {title}", **named)
        else:
            echo_phrase("new issue of {code} issue {issue}: {title}", **named)
    echo_phrase("imported {count} documents", count=len(results))


def _print_plans(plans: "list[importer.PlannedImport]", fmt: str) -> None:
    if fmt == "json":
        echo_json(as_json([_plan_view(p) for p in plans]))
    else:
        for plan in plans:
            _print_plan(plan)
    conflicts = [p for p in plans if p.conflict is not None]
    if conflicts:
        raise Conflict(
            "{count} of {total} files conflict with the register; nothing was written",
            count=len(conflicts),
            total=len(plans),
        )
    if fmt != "json":
        echo_phrase(
            "dry run: {count} files would be imported; nothing was written", count=len(plans)
        )


def _plan_view(plan: "importer.PlannedImport") -> dict[str, Any]:
    source, meta = plan.source, plan.source.meta
    return {
        "file": str(source.path),
        "code": meta["code"],
        "title": meta["title"],
        "issue": meta["issue"],
        "effective_date": meta["effective_date"],
        "department": meta["department"],
        "replaces_issue": plan.existing_issue,
        "pages": source.pages,
        "pictures": len(source.images),
        "paper_signatures": [
            {"meaning": s.meaning, "name": s.name, "date": s.signed_on}
            for s in source.paper.signers
        ],
        "earlier_issues": [
            {"issue": h.issue, "date": h.issued_on, "change": h.change}
            for h in source.paper.history
        ],
        "not_converted": [
            {"where": loss.where, "what": message_text(loss.what)} for loss in source.losses
        ],
        "conflict": message_text(plan.conflict) if plan.conflict else None,
    }


def _print_plan(plan: "importer.PlannedImport") -> None:
    view = _plan_view(plan)
    what = (
        Text(
            "new issue of {code} (replaces issue {issue})",
            code=view["code"],
            issue=plan.existing_issue,
        )
        if plan.existing_issue
        else Text("register {code}", code=view["code"])
    )
    echo_phrase(
        '{file}: {what} issue {issue} "{title}", effective {date}, department {department}{pages}',
        file=view["file"],
        what=what,
        issue=view["issue"],
        title=view["title"],
        date=day(view["effective_date"]),
        department=view["department"],
        pages=Text(", about {count} pages", count=view["pages"]) if view["pages"] else "",
    )
    for signer in view["paper_signatures"]:
        echo_phrase(
            "  signed on paper: {meaning} by {name}{when}",
            meaning=meaning_word(signer["meaning"]),
            name=signer["name"],
            when=Text(" on {date}", date=day(signer["date"])) if signer["date"] else "",
        )
    for line in view["earlier_issues"]:
        echo_phrase(
            "  earlier issue {issue}{when}: {change}",
            issue=line["issue"],
            when=Text(" ({date})", date=day(line["date"])) if line["date"] else "",
            change=line["change"],
        )
    if view["pictures"]:
        echo_phrase("  pictures: {count}", count=view["pictures"])
    for loss in view["not_converted"]:
        where = f"{loss['where']}: " if loss["where"] else ""
        echo_phrase("  not converted: {where}{what}", where=where, what=loss["what"])
    if view["conflict"]:
        echo_phrase("  CONFLICT: {conflict}", conflict=view["conflict"])


@doc.command("export")
@click.argument("code")
@click.option("--issue", type=int, help="Issue number (default: the effective one).")
@click.option(
    "--format", "file_format", type=click.Choice(["docx"]), default="docx", show_default=True
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="File to write (default: CODE-NN.docx)."
)
@acting_user(required=False)
def export(
    code: str, issue: int | None, file_format: str, output: Path | None, as_user: str | None
) -> None:
    """Write an issue as a Word file, to edit in Word and bring back as the next draft
    with 'qms doc revise CODE --body FILE.docx'.

    \b
    Example:
      qms doc export QT-01 -o QT-01.docx --as thultm
    """
    from qms.services.documents import word_files

    with reading() as session:
        copy = word_files.export_issue(
            session, viewer=_viewer(session, as_user), code=code, issue=issue
        )
    target = output or Path(copy.filename)
    target.write_bytes(copy.data)
    echo_phrase("wrote {file} ({size:,} bytes)", file=str(target), size=len(copy.data))


@doc.command("revise")
@click.argument("code")
@click.option(
    "--body",
    "body_path",
    help="Markdown file with the new text ('-' for stdin), or a Word file (.docx).",
)
@click.option("--reason", help="Reason for change (Lý do sửa đổi).")
@click.option("--description", help="Description of change (Nội dung sửa đổi).")
@click.option(
    "--based-on",
    metavar="HASH",
    help="The content hash of the text you edited (as 'doc show' printed it): if the "
    "draft has changed since, nothing is saved (exit 7).",
)
@acting_user()
def revise(
    code: str,
    body_path: str | None,
    reason: str | None,
    description: str | None,
    based_on: str | None,
    as_user: str,
) -> None:
    """Start the next issue as a draft, or update your draft in progress.

    Without --body a new draft starts from the effective text. Staff keep seeing the
    effective issue until the new one takes effect. A body the controlled PDF would
    refuse (over 2 MB, nested too deep, too many table cells) is refused, with exit code 2.
    When others may edit the same draft, give --based-on: a save on a text that has
    changed since is refused instead of silently undoing their change.

    \b
    Example:
      qms doc revise QT-01 --body qt-01.md --reason "Kết quả đánh giá nội bộ" \\
          --description "Bổ sung bước kiểm tra" --as thultm
      qms doc revise QT-01 --body qt-01.md --based-on 3f5c...e1 --as thultm
    """
    from qms.services.documents import importer

    if body_path and Path(body_path).suffix.lower() in importer.WORD_SUFFIXES:
        from qms.services.documents import word_files
        from qms.services.documents.word import package

        data = read_file_input(body_path, option="--body", limit=package.MAX_DOCX_BYTES)
        with writing() as session:
            rev = word_files.revise_from_word(
                session,
                actor=users.get_active_user(session, as_user),
                code=code,
                data=data,
                filename=Path(body_path).name,
                reason=reason,
                description=description,
                based_on=based_on,
            )
        _say_draft(code, rev.issue, rev.content_hash)
        return
    body = _read_body(body_path)
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        rev = revisions.revise(
            session,
            actor=actor,
            code=code,
            body=body,
            reason=reason,
            description=description,
            based_on=based_on,
        )
    _say_draft(code, rev.issue, rev.content_hash)


def _say_draft(code: str, issue: int, content_hash: str) -> None:
    echo_phrase(
        "{code} issue {issue} is a draft (content hash {hash})",
        code=code.upper(),
        issue=issue,
        hash=content_hash,
    )


@doc.command("submit")
@click.argument("code")
@click.option("--reviewer", help="Send to this reviewer only.")
@click.option("--approver", help="Send to this approver only.")
@acting_user()
def submit(code: str, reviewer: str | None, approver: str | None, as_user: str) -> None:
    """Sign your draft as drafted (password) and send it for review.

    \b
    Example:
      echo "$PASSWORD" | qms doc submit QT-01 --reviewer maidtt --approver haitt --as thultm
    """
    password = read_password()
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        rev = revisions.submit(
            session,
            actor=actor,
            code=code,
            password=password,
            reviewer=reviewer,
            approver=approver,
            limits=signing_limits(),
        )
    echo_phrase("{code} issue {issue} submitted for review", code=code.upper(), issue=rev.issue)


@doc.command("review")
@click.argument("code")
@click.option("--accept", "decision", flag_value="accept", help="Accept and sign as reviewed.")
@click.option("--return", "decision", flag_value="return", help="Return for changes.")
@click.option("--comment", default="", help="Comments (required when returning).")
@acting_user()
def review(code: str, decision: str | None, comment: str, as_user: str) -> None:
    """Review an issue: --accept signs it as reviewed (password); --return sends it
    back to the drafter with your comments.

    \b
    Example:
      qms doc review QT-01 --return --comment "Bổ sung thời hạn ở bước 3" --as maidtt
      echo "$PASSWORD" | qms doc review QT-01 --accept --as maidtt
    """
    if decision is None:
        raise click.UsageError("choose --accept or --return")
    accept = decision == "accept"
    password = read_password() if accept else None
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        rev = revisions.review(
            session,
            actor=actor,
            code=code,
            accept=accept,
            comment=comment,
            password=password,
            limits=signing_limits(),
        )
    if accept:
        echo_phrase("{code} issue {issue} reviewed", code=code.upper(), issue=rev.issue)
    else:
        echo_phrase(
            "{code} issue {issue} returned to the drafter", code=code.upper(), issue=rev.issue
        )


@doc.command("approve")
@click.argument("code")
@click.option(
    "--effective-date",
    type=click.DateTime(["%Y-%m-%d"]),
    help="When it takes effect (default: today).",
)
@acting_user()
def approve(code: str, effective_date: datetime | None, as_user: str) -> None:
    """Approve a reviewed issue for issue (signature, password).

    \b
    Example:
      echo "$PASSWORD" | qms doc approve QT-01 --effective-date 2026-12-01 --as haitt
    """
    password = read_password()
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        rev = revisions.approve(
            session,
            actor=actor,
            code=code,
            password=password,
            effective_date=effective_date.date() if effective_date else None,
            limits=signing_limits(),
        )
    when: date | None = rev.planned_effective_date
    echo_phrase(
        "{code} issue {issue} approved; takes effect on {date}",
        code=code.upper(),
        issue=rev.issue,
        date=day(when) if when else "",
    )


@doc.command("publish")
@click.argument("code", required=False)
@click.option("--due", is_flag=True, help="Publish every approved issue whose date has come.")
@acting_user()
def publish(code: str | None, due: bool, as_user: str) -> None:
    """Make an approved issue effective; the previous issue becomes superseded.

    With --due each due issue is published on its own: one that fails is named on
    stderr and the others still take effect (the exit code is then that of the
    first failure); one that another run has just published is skipped.

    \b
    Example:
      qms doc publish QT-01 --as thultm
      qms doc publish --due --as thultm     # e.g. daily from cron
    """
    if bool(code) == due:
        raise click.UsageError("give a document CODE or --due")
    if code:
        with writing() as session:
            actor = users.get_active_user(session, as_user)
            rev = revisions.publish(session, actor=actor, code=code)
            unreadable = records_list.problems(session, code=code)
        echo_phrase("{code} issue {issue} is now effective", code=code.upper(), issue=rev.issue)
        for problem in unreadable:
            click.echo(records_problem_line(problem), err=True)
        return
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        from qms.services.documents import publishing

        run = publishing.publish_due(session, actor=actor)
    for item in run.published:
        echo_phrase("{code} issue {issue} is now effective", code=item.code, issue=item.issue)
    for item in run.skipped:
        echo_phrase(
            "{code} issue {issue} skipped: published meanwhile, or no longer due",
            code=item.code,
            issue=item.issue,
        )
    for failure in run.failed:
        reason = Text(
            "{code} issue {issue} was not published: {reason}",
            code=failure.code,
            issue=failure.issue,
            reason=failure.error.text,
        )
        click.echo(f"error: {message_text(reason)}", err=True)
    if not (run.published or run.skipped or run.failed):
        echo_phrase("nothing due")
    if run.failed:
        raise click.exceptions.Exit(run.failed[0].error.exit_code)


@doc.command("obsolete")
@click.argument("code")
@click.option("--reason", required=True, help="Why the document is withdrawn.")
@acting_user()
def obsolete(code: str, reason: str, as_user: str) -> None:
    """Withdraw a document: its issues become obsolete and leave staff's view.

    \b
    Example:
      qms doc obsolete HD-MC-01 --reason "Thay bằng QT-TP-03" --as thultm
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        revisions.obsolete(session, actor=actor, code=code, reason=reason)
    echo_phrase("{code} withdrawn (obsolete)", code=code.upper())


@doc.command("diff")
@click.argument("code")
@click.argument("old", type=int)
@click.argument("new", type=int)
@click.option("--color/--no-color", default=None, help="Colour (default: when on a terminal).")
@acting_user(required=False)
@format_option
def diff(code: str, old: int, new: int, color: bool | None, as_user: str | None, fmt: str) -> None:
    """Compare two issues: changed lines, with [-removed-]{+added+} words inside them.

    \b
    Example:
      qms doc diff QT-01 1 2 --as thultm
    """
    with reading() as session:
        from qms.services.documents import diff as diff_service

        result = diff_service.diff_issues(
            session, viewer=_viewer(session, as_user), code=code, old_issue=old, new_issue=new
        )
    if fmt == "json":
        echo_json(as_json(result))
        return
    click.echo("--- " + said("{code} issue {issue}", code=result.code, issue=result.old_issue))
    click.echo("+++ " + said("{code} issue {issue}", code=result.code, issue=result.new_issue))
    for line in result.lines:
        if line.op == "equal":
            continue
        if line.op == "delete":
            click.secho(f"- {line.old}", fg="red", color=color)
        elif line.op == "insert":
            click.secho(f"+ {line.new}", fg="green", color=color)
        else:
            click.echo("~ " + _inline(line.words, color))
    if not result.changed:
        click.echo(phrase("(no differences in the body)"))


def _inline(words: "list[diff_service.WordChange]", color: bool | None) -> str:
    parts = []
    for w in words:
        if w.op == "equal":
            parts.append(w.old)
            continue
        if w.old:
            parts.append(click.style(f"[-{w.old}-]", fg="red") if color else f"[-{w.old}-]")
        if w.new:
            parts.append(click.style(f"{{+{w.new}+}}", fg="green") if color else f"{{+{w.new}+}}")
    return "".join(parts)


@doc.command("ack")
@click.argument("code")
@acting_user()
def ack(code: str, as_user: str) -> None:
    """Acknowledge having read the effective issue (Xác nhận đã đọc).

    \b
    Example:
      qms doc ack QT-01 --as huongnt
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        record, created = revisions.acknowledge(session, actor=actor, code=code)
        tz = organisation.get_setting(session, "timezone")
    when = fmt_time(record.acknowledged_at, tz)
    if created:
        echo_phrase("{code}: acknowledged on {time}", code=code.upper(), time=when)
    else:
        echo_phrase("{code}: already acknowledged on {time}", code=code.upper(), time=when)


@doc.command("due")
@click.option(
    "--within", "within_days", type=int, default=30, show_default=True, help="Days ahead."
)
@format_option
def due(within_days: int, fmt: str) -> None:
    """Documents due for periodic review (external ones: currency check), overdue first.

    \b
    Example:
      qms doc due --within 60
    """
    with reading() as session:
        items = documents.review_due(session, within_days=within_days)
    if fmt == "json":
        echo_json(
            [
                {
                    "code": i.document.code,
                    "title": i.document.title,
                    "due_on": i.due_on,
                    "kind": i.kind,
                    "overdue": i.overdue,
                }
                for i in items
            ]
        )
        return
    echo_table(
        [phrase("CODE"), phrase("TITLE"), phrase("DUE"), phrase("WHAT"), ""],
        [
            [
                i.document.code,
                i.document.title,
                message_text(day(i.due_on)),
                message_text(_DUE_KINDS[i.kind]) if i.kind in _DUE_KINDS else i.kind,
                phrase("OVERDUE") if i.overdue else "",
            ]
            for i in items
        ],
    )


@doc.command("reviewed")
@click.argument("code")
@click.option("--note", required=True, help="What the periodic review found.")
@acting_user()
def reviewed(code: str, note: str, as_user: str) -> None:
    """Record a periodic review that found the document still adequate (for external
    documents: that the referenced edition is still current).

    \b
    Example:
      qms doc reviewed QT-02 --note "Vẫn phù hợp, không cần sửa đổi" --as thultm
    """
    with writing() as session:
        actor = users.get_active_user(session, as_user)
        documents.record_periodic_review(session, actor=actor, code=code, note=note)
    echo_phrase("{code}: periodic review recorded", code=code.upper())


def _add_distribution_commands() -> None:
    from qms.cli import distribution

    doc.add_command(distribution.distribution)
    doc.add_command(distribution.readers)
    doc.add_command(distribution.remind)
    doc.add_command(distribution.copies)


_add_distribution_commands()
