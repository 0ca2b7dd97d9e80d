"""Use cases. Each public function takes a ``Session`` and keyword-only arguments, enforces
the rules, writes the audit trail in the same transaction and commits.

One package per domain, each owning its rules and its tables' writes:

- ``documents``: the register, the life of an issue, signatures, controlled PDFs, search
- ``audits``: internal audits, their programme, checklists, reports
- ``capa``: nonconformities and corrective actions
- ``trail``: the append-only, hash-chained audit trail, its anchors and its views
- ``people``: users, roles, sign-in, the organisation and its settings
- ``notices``: notices to people, the mail that carries them, the scheduled jobs

Beside them: ``blobs`` (content-addressed bytes every domain stores), ``inbox`` (what waits
for a user, across domains) and ``sample`` (the demo organisation).
"""
