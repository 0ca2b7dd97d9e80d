"""Documented information (ISO 9001 7.5): the register of documents, the life of an issue
from draft to superseded, electronic signatures, controlled PDFs and manuals, search,
comparisons between issues, imports and the staff portal."""
