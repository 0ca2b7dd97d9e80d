"""People and the organisation: departments, users and roles, passwords and sign-in
throttling, organisation-wide settings."""
