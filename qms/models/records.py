"""The list of records (danh mục hồ sơ, ISO 9001 7.5.3): the kinds of record the
organisation keeps, batches of them kept, and their disposal."""

from datetime import date, datetime

from sqlmodel import Field, SQLModel


class RecordType(SQLModel, table=True):
    """One line of the list of records: a kind of record, the form that produces it, who
    keeps it, where and how, for how long and how it is disposed of.

    Lines read from a procedure's records table name that procedure (``document_id``)
    and the line of its body; lines added by hand name none. A line that leaves the list
    (a new issue no longer has it, or it is removed by hand) is retired, not deleted:
    batches kept under it still count their retention from it."""

    __tablename__ = "record_type"

    id: int | None = Field(default=None, primary_key=True)
    document_id: int | None = Field(default=None, foreign_key="document.id", index=True)
    line: int | None = None  # line of the row in the procedure's body
    name: str = Field(max_length=500)
    form_code: str = Field(default="", max_length=40, index=True)  # BM-03-02
    process: str = Field(default="", max_length=300)
    department_id: int | None = Field(default=None, foreign_key="department.id", index=True)
    location: str = Field(default="", max_length=300)  # "Văn phòng (TKISO)"
    medium: str = Field(max_length=12)  # paper | electronic | both
    retention_years: int | None = None
    permanent: bool = False
    retention_text: str = Field(max_length=200)  # as written: "05 năm", "Lưu vĩnh viễn"
    disposal: str = Field(default="", max_length=300)
    created_by: str = Field(max_length=64)
    created_at: datetime
    retired_at: datetime | None = Field(default=None, index=True)


class RecordBatch(SQLModel, table=True):
    """Records of one kind closed in one year, registered as kept; disposed of once their
    retention has passed, with who recorded it, who approved it, when and how."""

    __tablename__ = "record_batch"

    id: int | None = Field(default=None, primary_key=True)
    record_type_id: int = Field(foreign_key="record_type.id", index=True)
    year: int  # the year the records were closed; retention counts from the next one
    count: int | None = None
    description: str = Field(default="", max_length=300)
    kept_by_id: int = Field(foreign_key="app_user.id")
    kept_at: datetime
    disposed_on: date | None = Field(default=None, index=True)
    disposal_method: str = Field(default="", max_length=300)
    disposal_reference: str = Field(default="", max_length=200)  # the decision's number
    disposed_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    approved_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    disposed_at: datetime | None = None
