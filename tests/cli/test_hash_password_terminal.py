"""``qms user hash-password`` at a terminal asks for the password twice, without echoing
it, and prints a hash only when both agree; scripts give it one line of stdin instead
(tests/cli/test_init.py). Run in a real pseudo-terminal, as a person would."""

import fcntl
import os
import pty
import select
import subprocess
import sys
import termios
import time
from pathlib import Path

from qms.services.people import passwords

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 30.0


def _take_terminal() -> None:
    """In the child: a session of its own, with the pseudo-terminal as its terminal."""
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    def __init__(self, tmp_path: Path) -> None:
        self.screen = b""
        self.main, side = pty.openpty()
        kept = {k: v for k, v in os.environ.items() if not k.startswith(("QMS_", "PYTHON"))}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "qms", "user", "hash-password"],
            stdin=side,
            stdout=side,
            stderr=subprocess.PIPE,
            preexec_fn=_take_terminal,
            env={
                **kept,
                "PYTHONPATH": str(ROOT),
                "QMS_LANGUAGE": "en",
                "QMS_DATABASE_URL": f"sqlite:///{tmp_path / 'qms.db'}",
            },
        )
        os.close(side)

    def wait_for(self, prompt: bytes) -> None:
        deadline = time.monotonic() + TIMEOUT
        while prompt not in self.screen:
            assert time.monotonic() < deadline, self.screen
            ready, _, _ = select.select([self.main], [], [], 0.1)
            if ready:
                self.screen += os.read(self.main, 1024)

    def type(self, line: str) -> None:
        os.write(self.main, line.encode() + b"\r")

    def finish(self) -> tuple[int, str, str]:
        _, errors = self.process.communicate(timeout=TIMEOUT)
        try:
            while chunk := os.read(self.main, 1024):
                self.screen += chunk
        except OSError:  # the other side has closed
            pass
        os.close(self.main)
        return self.process.returncode, self.screen.decode(), errors.decode()


def _hash_password(tmp_path: Path, first: str, again: str) -> tuple[int, str, str]:
    terminal = Terminal(tmp_path)
    terminal.wait_for(b"Password: ")
    terminal.type(first)
    terminal.wait_for(b"Repeat the password: ")
    terminal.type(again)
    return terminal.finish()


def test_two_passwords_that_agree_give_their_hash_and_are_not_shown(tmp_path: Path) -> None:
    code, screen, errors = _hash_password(tmp_path, "mat-khau-cua-lan", "mat-khau-cua-lan")
    assert code == 0, errors
    assert "mat-khau-cua-lan" not in screen  # not echoed
    [made] = [line for line in screen.splitlines() if line.startswith("$argon2id$")]
    assert passwords.is_our_hash(made)
    assert passwords.verify(made, "mat-khau-cua-lan")


def test_two_passwords_that_differ_are_refused_in_one_line(tmp_path: Path) -> None:
    code, screen, errors = _hash_password(tmp_path, "mat-khau-cua-lan", "mat-khau-cua-lam")
    assert code == 2
    assert errors.splitlines() == ["error: the two passwords differ"]
    assert "$argon2" not in screen
