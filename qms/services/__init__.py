"""Use cases. Each public function takes a ``Session`` and keyword-only arguments, enforces
the rules, writes the audit trail in the same transaction and commits."""
