"""People and the organisation: departments, users and roles, passwords (hashed with a
per-process bound), sign-in throttling, the web's sign-in sessions, organisation-wide
settings."""
