"""A throwaway PostgreSQL server for the test session: its own cluster in a temporary
folder, on a free loopback port, with fsync off. Started and removed by the tests."""

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def _bin_dir() -> Path:
    override = os.environ.get("QMS_TEST_PG_BINDIR")
    if override:
        return Path(override)
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
    )
    if not candidates:
        found = shutil.which("initdb")
        if not found:
            raise RuntimeError(
                "PostgreSQL server binaries (initdb, pg_ctl) not found: install the "
                "'postgresql' package (scripts/test does this)"
            )
        return Path(found).parent
    return candidates[-1].parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class PostgresServer:
    def __init__(self) -> None:
        self.bin = _bin_dir()
        self.base = Path(tempfile.mkdtemp(prefix="qms-pg-"))
        self.port = free_port()
        # PostgreSQL refuses to run as root; run it as the 'postgres' system user then.
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            shutil.chown(self.base, user=self.user)
        self.data = self.base / "data"

    @property
    def url(self) -> str:
        return f"postgresql://qms@127.0.0.1:{self.port}/postgres"

    def url_for(self, database: str) -> str:
        return f"postgresql://qms@127.0.0.1:{self.port}/{database}"

    def sql(self, *statements: str) -> None:
        """Run statements that cannot run in a transaction (CREATE/DROP DATABASE)."""
        from sqlalchemy import text

        from qms.db import make_engine

        admin = make_engine(self.url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                for statement in statements:
                    connection.execute(text(statement))
        finally:
            admin.dispose()

    def create_database(self, name: str, *, template: str | None = None) -> str:
        """A new database ``name`` (a copy of ``template`` when given); its URL."""
        copy = f' TEMPLATE "{template}"' if template else ""
        self.sql(f'CREATE DATABASE "{name}"{copy}')
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        self.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _run(self, *args: str) -> None:
        result = subprocess.run(
            [str(self.bin / args[0]), *args[1:]],
            user=self.user,
            capture_output=True,
            text=True,
            check=False,
            cwd=self.base,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{args[0]} failed: {result.stderr.strip() or result.stdout.strip()}"
            )

    def start(self) -> "PostgresServer":
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "qms",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        options = (
            f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.base / "log"),
            "-w",
            "start",
        )
        return self

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)
