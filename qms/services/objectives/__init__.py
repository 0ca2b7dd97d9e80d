"""Quality objectives (ISO 9001 6.2) and their measurement (9.1): objectives per year and
department, signed approval and versions, results per period against the target, and the
nonconformity a result not met can open."""
