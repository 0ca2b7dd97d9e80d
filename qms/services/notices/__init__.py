"""Notices, the mail that carries them and the scheduled jobs.

- ``give``: writing notices (and queueing their mail), in the caller's transaction
- ``kinds``: one function per kind of notice, called by the service that takes the step
- ``audience``: who a notice goes to (reviewers, approvers, the readers of an issue)
- ``wording``: each kind's words and the page it leads to
- ``reading``: the bell's count, the list, opening and marking read
- ``mail``: the outbox, sending with retries, daily digests
- ``reminders``: due soon, overdue, verification and periodic review due (once each)
- ``jobs``: ``qms jobs run``: each job once per period under a lock row in the database
"""
