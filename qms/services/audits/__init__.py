"""Internal audits (ISO 9001 9.2, ISO 19011): the yearly programme, planning and the
independence of auditors, the checklist library and its frozen copies, findings, the
signed report and closure."""
