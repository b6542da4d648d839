"""Host municipalities. Offers, placements and evaluations join them in the placements issue."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db


class Municipality(db.Model):
    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    # CBS municipality code: "GM" and four digits, e.g. GM0363 for Amsterdam.
    cbs_code: Mapped[str] = mapped_column(sa.String(6), unique=True)
    province: Mapped[str] = mapped_column(sa.String(40))
    address: Mapped[str] = mapped_column(sa.String(200), default="")

    def __repr__(self) -> str:
        return f"<Municipality {self.cbs_code} {self.name}>"
