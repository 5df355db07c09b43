import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base


class NotPrefixed(Base):
    __tablename__ = "not_prefixed"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(10))
