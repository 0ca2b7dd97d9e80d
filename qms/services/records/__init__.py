"""Records control (ISO 9001 7.5.3): the list of records (danh mục hồ sơ) read from the
records tables of the effective procedures plus lines added by hand, the retention of
each kind of record, batches kept, and their disposal once the retention has passed."""
