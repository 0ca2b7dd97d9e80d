"""The audit trail: the append-only hash chain every service writes to, anchors kept
outside the database, and the filtered views, exports and prints for inspectors."""
