"""Lists that grow with the work are counted in the database and read one page at a time;
each page view says where it stands the same way, for the one pager the pages share."""


class Paged:
    """Mixed into a page view (a frozen dataclass with these fields): ``total`` rows match,
    and this is page ``page`` (from 1) of ``per_page`` rows. A view whose count may stop
    early declares ``capped`` (more than ``total`` rows match) and ``more`` (a page follows
    this one) as fields of its own; the others keep these defaults."""

    total: int
    page: int
    per_page: int
    capped: bool = False
    more: bool = False

    @property
    def pages(self) -> int:
        """How many pages the rows fill (one, even when there are none); for a capped
        count, how many are known to."""
        if not self.capped:
            return max(1, -(-self.total // self.per_page))
        return max(-(-(self.total + 1) // self.per_page), self.page + int(self.more))
