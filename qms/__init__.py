"""qms: ISO 9001 document control, audits and corrective actions."""

__version__ = "0.1.0"
