"""Spreadsheet exports of the measurement tables (objectives and results, one-stop-desk
figures, satisfaction, feedback, risks and actions)."""
