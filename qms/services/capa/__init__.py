"""Nonconformity and corrective action (ISO 9001 10.2): the record from containment to
closure, root cause, planned actions, effectiveness verification and the register."""
