"""One-stop-desk figures (ISO 9001 9.1.1, 9.1.2): the dossier statistics the one-stop-desk
system exports and citizen satisfaction surveys, imported from CSV or XLSX files; the
on-time and satisfaction rates computed from them; complaints and feedback. Late dossiers
beyond a threshold, and complaints, become nonconformities."""
