"""Lists that grow with the work are counted in the database and read one page at a time;
each page view says where it stands the same way, for the one pager the pages share."""


class Paged:
    """Mixed into a page view (a frozen dataclass with these fields): ``total`` rows match,
    and this is page ``page`` (from 1) of ``per_page`` rows."""

    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the rows fill (one, even when there are none)."""
        return max(1, -(-self.total // self.per_page))
