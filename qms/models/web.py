"""Storage used by the web app, shared by every worker and machine: login attempts for
throttling, and the sign-in sessions that decide whether a cookie is signed in."""

from datetime import datetime

from sqlmodel import Field, SQLModel


class LoginAttempt(SQLModel, table=True):
    __tablename__ = "login_attempt"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, index=True)
    client: str = Field(default="", max_length=64, index=True)
    succeeded: bool
    at: datetime = Field(index=True)


class WebSession(SQLModel, table=True):
    """One sign-in. The cookie carries a random token; only its SHA-256 is stored, so
    reading this table (or a backup of it) signs nobody in. A session is live while
    ``ended_at`` is empty and neither its idle nor its absolute lifetime has run out."""

    __tablename__ = "web_session"

    id: int | None = Field(default=None, primary_key=True)
    token_sha256: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    client: str = Field(default="", max_length=64)
    created_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None = None
    end_reason: str = Field(default="", max_length=20)  # a qms.domain.SessionEnd value
