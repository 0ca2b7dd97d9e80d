"""Storage used by the web app: login attempts for throttling (shared by every worker)."""

from datetime import datetime

from sqlmodel import Field, SQLModel


class LoginAttempt(SQLModel, table=True):
    __tablename__ = "login_attempt"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, index=True)
    client: str = Field(default="", max_length=64, index=True)
    succeeded: bool
    at: datetime = Field(index=True)
