"""The SQLite full-text index keeps a prefix index for every length of a Vietnamese
syllable (one to seven letters, "nghieng"), not only for one to three: a search word is a
prefix, and FTS5 answers a prefix without its own index by merging the lists of every
word it starts before it returns the first match, so a broad search paid for every
document it matched even to count the first thousand. PostgreSQL's GIN index needs
nothing.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLE = (
    "CREATE VIRTUAL TABLE {name} USING fts5(words, "
    "tokenize = \"unicode61 remove_diacritics 0 tokenchars '_='\", "
    "prefix = '{prefixes}', detail = none)"
)


def _rebuild(prefixes: str) -> None:
    """The index again with prefix indexes of ``prefixes``, from its own rows."""
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(_TABLE.format(name="document_search_rebuilt", prefixes=prefixes))
    op.execute(
        "INSERT INTO document_search_rebuilt (rowid, words) "
        "SELECT rowid, words FROM document_search"
    )
    op.execute("DROP TABLE document_search")
    op.execute("ALTER TABLE document_search_rebuilt RENAME TO document_search")


def upgrade() -> None:
    _rebuild("1 2 3 4 5 6 7")


def downgrade() -> None:
    _rebuild("1 2 3")
