"""The outbox: mail worded in each person's language and sent by ``qms jobs run``, never by
a request. Each mail is claimed before it is sent (so two runs never send it twice), and a
mail that fails waits longer after each attempt, keeping its last error, until it is given
up after :data:`MAX_ATTEMPTS` and stays listed for an administrator."""

import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from sqlalchemy import update
from sqlmodel import Session, col, select

from qms.clock import utcnow
from qms.domain import MailChoice, Role
from qms.errors import Text
from qms.i18n import in_language
from qms.models import DigestItem, MailMessage, Notice, User, pk
from qms.phrases import day
from qms.services.notices import wording
from qms.services.people import users
from qms.settings import MailSettings

MAX_ATTEMPTS = 8
FIRST_WAIT = timedelta(minutes=5)
LONGEST_WAIT = timedelta(hours=12)
# A claimed mail is left to its sender this long; a run that died is then taken over.
LEASE = timedelta(minutes=10)
SMTP_TIMEOUT_SECONDS = 20


def wait_after(attempts: int) -> timedelta:
    """5 minutes after the first failure, doubling each time, at most 12 hours."""
    return min(FIRST_WAIT * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


@dataclass(frozen=True)
class MailFailure:
    mail_id: int
    recipient: str
    error: str
    given_up: bool


@dataclass
class MailRun:
    sent: list[str] = field(default_factory=list)  # recipients, in order
    failed: list[MailFailure] = field(default_factory=list)


# ------------------------------------------------------------------ digests


def queue_digests(session: Session, *, day: date) -> int:
    """One mail per person whose notices wait for a daily digest, carrying them all; how
    many mails. Notices of someone who has since stopped mail are simply let go."""
    waiting = session.exec(
        select(Notice).where(col(Notice.awaiting_digest).is_(True)).order_by(col(Notice.id))
    ).all()
    by_user: dict[int, list[Notice]] = {}
    for notice in waiting:
        by_user.setdefault(notice.user_id, []).append(notice)
    now = utcnow()
    queued = 0
    for user_id, notices in by_user.items():
        user = session.get(User, user_id)
        wants = (
            user is not None
            and user.active
            and bool(user.email)
            and user.mail_choice != MailChoice.NONE
        )
        mail = None
        if wants:
            mail = MailMessage(
                user_id=user_id, digest_day=day.isoformat(), created_at=now, next_try_at=now
            )
            session.add(mail)
            session.flush()
            queued += 1
        for notice in notices:
            notice.awaiting_digest = False
            session.add(notice)
            if mail is not None:
                session.add(DigestItem(mail_id=pk(mail), notice_id=pk(notice)))
    session.commit()
    return queued


# ------------------------------------------------------------------ sending


@dataclass(frozen=True)
class Composed:
    recipient: str
    message: EmailMessage | None  # None: nothing to send any more (no address, stopped)


def compose(session: Session, mail: MailMessage, *, sender: str, base_url: str) -> Composed:
    """The mail as it is to be sent now, in its reader's language, with absolute links."""
    user = session.get(User, mail.user_id)
    if user is None or not user.active or not user.email:
        return Composed("", None)
    if mail.notice_id is not None and user.mail_choice != MailChoice.IMMEDIATE:
        return Composed(user.email, None)
    language = user.language

    def say(phrase: Text) -> str:
        return in_language(phrase, language)

    if mail.notice_id is not None:
        notice = session.get(Notice, mail.notice_id)
        notices = [notice] if notice is not None else []
    else:
        notices = list(
            session.exec(
                select(Notice)
                .join(DigestItem, col(DigestItem.notice_id) == Notice.id)
                .where(DigestItem.mail_id == mail.id)
                .order_by(col(Notice.id))
            ).all()
        )
    if not notices:
        return Composed(user.email, None)
    lines = [say(Text("Hello {name},", name=user.full_name)), ""]
    for notice in notices:
        lines.append(say(wording.words(notice)))
        lines.append(base_url + wording.link(notice))
        lines.append("")
    lines.append(
        say(
            Text(
                "You receive this mail from the document control system. Choose how notices "
                "reach you on your account page: {url}",
                url=base_url + "/account",
            )
        )
    )
    if len(notices) == 1:  # a digest of one notice says it, as a mail sent at once does
        subject = " ".join(say(wording.words(notices[0])).split())
        if len(subject) > 150:
            subject = subject[:149] + "…"
    else:  # two or more: the plural is always right
        subject = say(
            Text(
                "qms: {count} notices of {date}",
                count=len(notices),
                date=day(date.fromisoformat(mail.digest_day)) if mail.digest_day else "",
            )
        )
    message = EmailMessage()
    message["From"] = sender
    message["To"] = user.email
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(idstring=f"qms.{mail.id}", domain=sender.split("@")[-1])
    message["Auto-Submitted"] = "auto-generated"
    message.set_content("\n".join(lines) + "\n")
    message["Content-Language"] = language  # after the content, which resets Content-*
    return Composed(user.email, message)


class _Server:
    """One SMTP connection for a run, opened at the first mail. A failure to connect or
    sign in is kept and given as the failure of every mail of the run."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None
        self.broken: str | None = None

    def send(self, message: EmailMessage) -> None:
        if self.broken is not None:
            raise _Unsendable(self.broken)
        if self.smtp is None:
            try:
                self.smtp = self._connect()
            except (OSError, smtplib.SMTPException) as exc:
                self.broken = _describe(exc, self.settings)
                raise _Unsendable(self.broken) from exc
        try:
            self.smtp.send_message(message)
        except smtplib.SMTPServerDisconnected as exc:
            self.smtp = None
            raise _Unsendable(_describe(exc, self.settings)) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise _Unsendable(_describe(exc, self.settings)) from exc

    def _connect(self) -> smtplib.SMTP:
        cfg = self.settings
        smtp: smtplib.SMTP
        if cfg.security == "tls":
            smtp = smtplib.SMTP_SSL(
                cfg.host,
                cfg.port,
                timeout=SMTP_TIMEOUT_SECONDS,
                context=ssl.create_default_context(),
            )
        else:
            smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=SMTP_TIMEOUT_SECONDS)
            if cfg.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
        try:
            if cfg.user:
                smtp.login(cfg.user, cfg.password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None


class _Unsendable(Exception):
    pass


def _describe(exc: BaseException, settings: MailSettings) -> str:
    where = f"{settings.host}:{settings.port}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"{where} refused the sign-in of {settings.user}: {exc.smtp_code} {_text(exc.smtp_error)}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = "; ".join(
            f"{address}: {code} {_text(reason)}"
            for address, (code, reason) in exc.recipients.items()
        )
        return f"{where} refused the recipient {refused}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{where} answered {exc.smtp_code} {_text(exc.smtp_error)}"
    if isinstance(exc, OSError):
        return f"cannot reach {where}: {exc.strerror or exc}"
    return f"{where}: {exc}"


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def due_mail_ids(session: Session, *, now: datetime) -> list[int]:
    found = session.exec(
        select(MailMessage.id)
        .where(col(MailMessage.sent_at).is_(None))
        .where(col(MailMessage.given_up).is_(False))
        .where(col(MailMessage.next_try_at) <= now)
        .order_by(col(MailMessage.id))
    ).all()
    return [mail_id for mail_id in found if mail_id is not None]


def _claim(session: Session, mail_id: int, now: datetime) -> bool:
    """Take the mail for this run (committed): no other run sends it while the lease lasts."""
    result = session.exec(
        update(MailMessage)
        .where(col(MailMessage.id) == mail_id)
        .where(col(MailMessage.sent_at).is_(None))
        .where(col(MailMessage.given_up).is_(False))
        .where(col(MailMessage.next_try_at) <= now)
        .values(next_try_at=now + LEASE, attempts=MailMessage.attempts + 1)
    )
    session.commit()
    return bool(result.rowcount)


def send_due(session: Session, *, settings: MailSettings, base_url: str) -> MailRun:
    """Send every mail whose time has come, each claimed, sent and recorded on its own."""
    now = utcnow()
    run = MailRun()
    ids = due_mail_ids(session, now=now)
    session.rollback()
    server = _Server(settings)
    try:
        for mail_id in ids:
            if not _claim(session, mail_id, now):
                continue
            mail = session.get(MailMessage, mail_id)
            assert mail is not None
            composed = compose(session, mail, sender=settings.sender, base_url=base_url)
            mail.recipient = composed.recipient
            if composed.message is None:
                mail.given_up = True
                mail.last_error = "nothing to send: no address, or mail stopped by the user"
            else:
                try:
                    server.send(composed.message)
                except _Unsendable as exc:
                    mail.last_error = str(exc)
                    mail.given_up = mail.attempts >= MAX_ATTEMPTS
                    mail.next_try_at = utcnow() + wait_after(mail.attempts)
                    run.failed.append(
                        MailFailure(pk(mail), composed.recipient, str(exc), mail.given_up)
                    )
                else:
                    mail.sent_at = utcnow()
                    mail.last_error = ""
                    run.sent.append(composed.recipient)
            session.add(mail)
            session.commit()
    finally:
        server.close()
    return run


@dataclass(frozen=True)
class OutboxRow:
    id: int
    username: str
    recipient: str
    kind: str  # "notice" or "digest"
    created_at: datetime
    attempts: int
    next_try_at: datetime
    last_error: str
    given_up: bool


def unsent(session: Session, *, viewer: User, limit: int = 200) -> list[OutboxRow]:
    """Mail not sent yet (waiting, failing or given up), oldest first: the admin's view."""
    users.require_role(session, viewer, Role.ADMIN, action=Text("see the mail outbox"))
    rows = session.exec(
        select(MailMessage, User.username)
        .join(User, col(User.id) == MailMessage.user_id)
        .where(col(MailMessage.sent_at).is_(None))
        .order_by(col(MailMessage.id))
        .limit(limit)
    ).all()
    return [
        OutboxRow(
            id=pk(mail),
            username=username,
            recipient=mail.recipient,
            kind="notice" if mail.notice_id is not None else "digest",
            created_at=mail.created_at,
            attempts=mail.attempts,
            next_try_at=mail.next_try_at,
            last_error=mail.last_error,
            given_up=mail.given_up,
        )
        for mail, username in rows
    ]
