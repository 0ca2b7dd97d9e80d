"""Word files in and out: ``.docx`` read into a Markdown body and its paper particulars
(header table, signatures on paper, revision history), and an issue written as ``.docx``.

The package is checked before any parser sees it (:mod:`.package`): size, expansion,
macros, embedded objects and encryption are refused with one message naming the file.
"""
