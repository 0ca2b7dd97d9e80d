"""Management review (ISO 9001 9.3): planning the meeting, freezing its input pack from
the database, the minutes (conclusions per input, decisions and their follow-up as an
action, a nonconformity or a document revision) and the chair's signature that stores
the minutes PDF and locks the record."""
