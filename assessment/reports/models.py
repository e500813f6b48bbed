"""Report jobs: many unit reports made on the job queue, one item per unit.

The PDFs are kept in the database, so that every app server can serve the ZIP whichever worker
made them; a periodic task removes them after ``REPORT_JOB_KEEP_DAYS``.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from assessment.auth.models import User
from assessment.db import Base, enum_column, utcnow
from assessment.rounds.models import Round
from assessment.units.models import Unit


class ItemStatus(enum.StrEnum):
    WAITING = "waiting"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def is_final(self) -> bool:
        return self in (ItemStatus.DONE, ItemStatus.FAILED)


class ReportJob(Base):
    """The unit reports of a round, or of one part of its unit tree, in one language."""

    __tablename__ = "report_jobs"
    __repr_attrs__ = ("round_id", "scope_unit_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    # The unit at the top of the chosen part of the tree; empty: the whole round.
    scope_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(5))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Set when the last item is done or failed; the retention period counts from here.
    finished_at: Mapped[dt.datetime | None]

    round: Mapped[Round] = relationship()
    scope_unit: Mapped[Unit | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    items: Mapped[list[ReportJobItem]] = relationship(
        back_populates="job", order_by="ReportJobItem.unit_code", cascade="all, delete-orphan"
    )


class ReportJobItem(Base):
    """One unit's report in a job: waiting → running → done (with its PDF) or failed (with why)."""

    __tablename__ = "report_job_items"
    __table_args__ = (UniqueConstraint("job_id", "assessment_id"),)
    __repr_attrs__ = ("job_id", "unit_code", "status")

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("report_jobs.id", ondelete="CASCADE"), index=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    unit_code: Mapped[str] = mapped_column(String(40))
    unit_name: Mapped[str] = mapped_column(String(200))
    status: Mapped[ItemStatus] = mapped_column(
        enum_column(ItemStatus, "report_item_status"), default=ItemStatus.WAITING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
    error: Mapped[str] = mapped_column(Text, default="")
    size: Mapped[int] = mapped_column(default=0)
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))

    job: Mapped[ReportJob] = relationship(back_populates="items")
