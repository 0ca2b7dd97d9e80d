"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, optionally asks
for a sign-in, and refuses the recipients it is told to."""

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER = "qms-mailer"
SECRET = "mail-secret"


@dataclass
class Received:
    recipients: list[str]
    message: EmailMessage


@dataclass
class Handler:
    refuse: set[str] = field(default_factory=set)
    received: list[Received] = field(default_factory=list)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(Received(list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"


def _authenticator(
    _server: Any, _session: Any, _envelope: Any, mechanism: str, data: Any
) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(),
        SECRET.encode(),
    )
    return AuthResult(success=ok, handled=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def smtp_server(
    *, refuse: set[str] | None = None, auth: bool = False
) -> Iterator[tuple[int, Handler]]:
    """(port, handler) of a running server; with ``auth`` it wants USER and SECRET."""
    handler = Handler(refuse=refuse or set())
    options: dict[str, Any] = {}
    if auth:
        options = {
            "authenticator": _authenticator,
            "auth_required": True,
            "auth_require_tls": False,
        }
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **options)
    controller.start()
    try:
        yield controller.port, handler
    finally:
        controller.stop()


def mail_environment(port: int, **extra: str) -> dict[str, str]:
    """The settings that send mail to the loopback server on ``port``, without TLS."""
    return {
        "QMS_SMTP_HOST": "127.0.0.1",
        "QMS_SMTP_PORT": str(port),
        "QMS_SMTP_SECURITY": "none",
        "QMS_MAIL_FROM": "qms@ubnd-hongha.example.vn",
        "QMS_BASE_URL": "https://qms.example.vn",
        **extra,
    }
