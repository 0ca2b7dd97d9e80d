"""The integrity of stored records: every issue's text, signatures and controlled PDF,
every audit report and corrective action record, and every stored file, compared with
what the hash-chained trail recorded when they were signed, rendered and published.

The trail is the trusted record once its own chain verifies: someone who edits a stored
row and rewrites its hashes to match still cannot rewrite the trail's events."""
