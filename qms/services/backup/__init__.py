"""Backups that restore: an operator's use cases on a whole database, not on its rows.

``qms backup`` takes a consistent snapshot while the application keeps running (SQLite's
online backup API; ``pg_dump`` in custom format from an exported snapshot on PostgreSQL)
and writes it, with a manifest of what it holds, as one tar file. ``qms restore`` puts
such a file into an empty database and keeps the result only once it is row for row
what the manifest describes and passes the checks of ``qms trail verify`` and
``qms pdf verify``.

- ``contents``: what a database holds, as the manifest records it, and its checks
- ``manifest``: the manifest's fields and its JSON form
- ``archive``: writing and reading the tar file
- ``sqlite`` and ``postgres``: the snapshot and the restore of each backend
- ``create`` and ``restore``: the two use cases
"""
