"""Derived storage: the sanitised HTML of Markdown bodies."""

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel


class BodyHtml(SQLModel, table=True):
    """The HTML of one Markdown body as pages show it, kept per SHA-256 of the body and
    version of the converter, so that showing an issue never converts its body. Derived
    data: a row can always be made again from the body."""

    __tablename__ = "body_html"

    body_sha256: str = Field(max_length=64, primary_key=True)
    converter: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    html: str = Field(sa_column=Column(Text, nullable=False))
    # SHA-256 of every image the body shows, space-separated, sorted.
    image_refs: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime
