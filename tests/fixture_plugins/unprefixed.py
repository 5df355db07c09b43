"""Defines a table without its plugin's prefix: refused at load."""

from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base
from core.plugins import Manifest


class Stuff(Base):
    __tablename__ = "stuff"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(10))


plugin = SimpleNamespace(manifest=Manifest(name="unprefixed", label="x", version="1"))
