"""The yearly papers of a public body and the leaders' dashboard: the figures of a year
counted by the database (``figures``), the coordinator's free texts per year (``drafts``),
the decision announcing conformity and its scope (``conformity``), the yearly report to the
supervising authority (``report``) and the one-page dashboard (``dashboard``)."""
