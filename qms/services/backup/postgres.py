"""PostgreSQL through its own client tools.

``pg_dump --format=custom`` reads the database from a snapshot exported by the transaction
that also reads the manifest's contents, so the dump and the manifest describe the same
instant while writers carry on. ``pg_restore`` loads an empty database in one transaction.
The password reaches the tools in ``PGPASSWORD``, never on their command line, where any
user of the machine could read it.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import make_url, text
from sqlalchemy.engine import URL, Connection, Engine

from qms.errors import Conflict, DatabaseProblem, Joined, Text

_VERSION = re.compile(r"\)\s+((\d+)(?:\.\d+)*)")  # "pg_dump (PostgreSQL) 15.18 (Debian ...)"
MAX_DETAIL = 600  # characters of a tool's error shown

# Everything a database holds of its own, outside the system schemas and extensions, as
# (kind as DROP names it, name as DROP takes it): what makes a database "not empty", and
# what a refused restore removes again.
_OWN_OBJECTS = text(
    r"""
    WITH user_schema AS (
        SELECT oid, nspname FROM pg_namespace
         WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\_%'
    ), from_extension AS (
        SELECT objid FROM pg_depend WHERE deptype = 'e'
    )
    SELECT kind, name FROM (
        SELECT CASE WHEN c.relkind IN ('r', 'p') THEN 1 ELSE 2 END AS step,
               CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                    WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
               format('%I.%I', n.nspname, c.relname)
          FROM pg_class c JOIN user_schema n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
           AND c.oid NOT IN (SELECT objid FROM from_extension)
        UNION ALL
        SELECT 3,
               CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE'
                    ELSE 'FUNCTION' END,
               p.oid::regprocedure::text
          FROM pg_proc p JOIN user_schema n ON n.oid = p.pronamespace
         WHERE p.oid NOT IN (SELECT objid FROM from_extension)
        UNION ALL
        SELECT 4, 'TYPE', t.oid::regtype::text
          FROM pg_type t JOIN user_schema n ON n.oid = t.typnamespace
         WHERE t.typtype IN ('c', 'd', 'e', 'r', 'm')
           AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
           AND t.oid NOT IN (SELECT objid FROM from_extension)
        UNION ALL
        SELECT 5, 'SCHEMA', quote_ident(n.nspname)
          FROM user_schema n
         WHERE n.nspname <> 'public' AND n.oid NOT IN (SELECT objid FROM from_extension)
    ) AS own (step, kind, name)
    ORDER BY step, name
    """
)


def server_version(connection: Connection) -> tuple[int, str]:
    """The server's major version and its version as it shows it (``15.18``)."""
    number = int(connection.execute(text("SHOW server_version_num")).scalar_one())
    shown = str(connection.execute(text("SHOW server_version")).scalar_one()).split()[0]
    return number // 10000, shown


def client_package(major: int) -> str:
    """The Debian package of the client tools of PostgreSQL ``major``."""
    return f"postgresql-client-{major}"


def find_tool(name: str, *, server_major: int) -> Path:
    """The client tool ``name`` on the PATH."""
    found = shutil.which(name)
    if found is None:
        raise DatabaseProblem(
            "{tool} was not found: install the PostgreSQL client tools of the server's"
            " version (Debian package {package})",
            tool=name,
            package=client_package(server_major),
        )
    return Path(found)


def require_not_older(tool: Path, *, server_major: int, server: str) -> None:
    """pg_dump refuses a server newer than itself; say so before running it, with what to
    install."""
    try:
        result = subprocess.run(
            [str(tool), "--version"], capture_output=True, text=True, check=False
        )
    except OSError:
        return  # running it for real will say what is wrong
    match = _VERSION.search(result.stdout)
    if match is None:
        return  # cannot tell: the tool itself will say
    version, major = match.group(1), int(match.group(2))
    if major < server_major:
        raise DatabaseProblem(
            "{tool} {version} is older than the PostgreSQL server ({server}): install the"
            " client tools of version {major} (Debian package {package})",
            tool=tool.name,
            version=version,
            server=server,
            major=server_major,
            package=client_package(server_major),
        )


def dump(url: str, *, tool: Path, snapshot: str, into: Path) -> None:
    """``pg_dump`` of the database at ``url`` as seen by the exported ``snapshot``."""
    _run(
        tool,
        url,
        "--format=custom",
        # Stored files are mostly PDFs, which hardly compress, and in the dump they are
        # hex text of twice their size: the fastest gzip level gets the same file size as
        # the default one in a quarter of the time (bench/backup_bench.py).
        "--compress=1",
        f"--snapshot={snapshot}",
        f"--file={into}",
    )


def restore(url: str, *, tool: Path, dump: Path) -> None:
    """``pg_restore`` of ``dump`` into the database at ``url``: all of it or, on the first
    error, nothing. Objects are owned by the restoring user, and grants of the source's
    users (who may not exist here) are left out."""
    _run(
        tool,
        url,
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        str(dump),
    )


def _run(tool: Path, url: str, *arguments: str) -> None:
    parsed = make_url(url)
    environment = dict(os.environ)
    if parsed.password is not None:
        environment["PGPASSWORD"] = str(parsed.password)
    try:
        result = subprocess.run(
            [str(tool), "--no-password", f"--dbname={_conninfo(parsed)}", *arguments],
            env=environment,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as exc:  # found on the PATH, but not executable
        raise DatabaseProblem(
            "{tool} failed: {detail}", tool=tool.name, detail=exc.strerror or str(exc)
        ) from None
    if result.returncode != 0:
        detail = _detail(tool.name, result.stderr)
        raise DatabaseProblem(
            "{tool} failed: {detail}",
            tool=tool.name,
            detail=detail or Text("exit status {code}", code=result.returncode),
        )


def _conninfo(url: URL) -> str:
    """The URL as libpq reads it, without its password."""
    plain = URL.create(
        "postgresql",
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )  # (url.set(password=None) would keep the password: None there means "unchanged")
    return plain.render_as_string(hide_password=False)


def _detail(tool: str, stderr: str) -> str:
    """The tool's messages on one line: ``pg_dump: error: x`` and ``pg_dump: detail: y``
    as ``error: x; detail: y``."""
    lines = [line.strip().removeprefix(f"{tool}: ") for line in stderr.splitlines()]
    joined = "; ".join(line for line in lines if line)
    return joined if len(joined) <= MAX_DETAIL else joined[: MAX_DETAIL - 1] + "…"


def own_objects(connection: Connection) -> list[tuple[str, str]]:
    return [(row[0], row[1]) for row in connection.execute(_OWN_OBJECTS)]


def require_empty(connection: Connection) -> None:
    """Refuse a database that holds tables or other objects of its own."""
    names = [name.removeprefix("public.") for _kind, name in own_objects(connection)]
    if names:
        raise Conflict(
            "the target database is not empty ({names}): restore only into a new, empty database",
            names=Joined([*names[:3], "…"] if len(names) > 3 else names),
        )


def drop_own_objects(engine: Engine) -> None:
    """Return a database that was empty before a refused restore to empty: everything of
    its own is what the restore created."""
    with engine.begin() as connection:
        for kind, name in own_objects(connection):
            # The kind is one of the query's words; the name is quoted by the server
            # (a colon escaped, as text() would read it as a parameter).
            escaped = name.replace(":", r"\:")
            connection.execute(text(f"DROP {kind} IF EXISTS {escaped} CASCADE"))
