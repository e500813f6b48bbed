"""Report jobs: every unit report of a round, or of a part of its unit tree, made on the job queue.

A job has one item per unit. A worker claims an item (waiting → running), renders its PDF and
stores it with the item (done) or stores why it failed (failed); the job is finished when no item
is waiting or running. Everything lives in the database, so any app server shows the progress and
serves the ZIP, and a restart of the app servers loses nothing. A worker that dies mid-report
leaves its item running: ``recover`` gives it back to the queue once, then marks it failed.

The functions here flush and never commit: a request commits in ``assessment.db``, a task in
``assessment.jobs``.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import and_, delete, exists, func, or_, select, true, update

from assessment.assessments.models import Assessment
from assessment.audit import services as audit
from assessment.auth.models import User
from assessment.db import session, utcnow
from assessment.reports.models import ItemStatus, ReportJob, ReportJobItem
from assessment.reports.services import report_filename
from assessment.rounds.models import Round
from assessment.units.models import Unit

MAX_ATTEMPTS = 2  # a report whose worker died twice is marked failed, not tried for ever
WAIT_BEFORE_RESEND = dt.timedelta(minutes=2)  # waiting items, empty queue: the message was lost
UNFINISHED = (ItemStatus.WAITING, ItemStatus.RUNNING)


class JobError(ValueError):
    """A job that cannot be started; the message is for the user."""


def units_below(scope: Unit | None) -> set[int] | None:
    """The ids of ``scope`` and every unit under it; None for no scope (every unit)."""
    if scope is None:
        return None
    children: dict[int | None, list[int]] = {}
    for unit_id, parent_id in session.execute(select(Unit.id, Unit.parent_id)):
        children.setdefault(parent_id, []).append(unit_id)
    inside, todo = set(), [scope.id]
    while todo:
        unit_id = todo.pop()
        if unit_id not in inside:
            inside.add(unit_id)
            todo.extend(children.get(unit_id, []))
    return inside


def assessments_in_scope(round_: Round, scope: Unit | None) -> Sequence[tuple[int, str, str]]:
    """(assessment id, unit code, unit name) for every unit of the round inside ``scope``."""
    inside = units_below(scope)
    rows = session.execute(
        select(Assessment.id, Unit.code, Unit.name, Unit.id)
        .join(Unit, Unit.id == Assessment.unit_id)
        .where(Assessment.round_id == round_.id)
        .order_by(Unit.code)
    ).all()
    return [(a_id, code, name) for a_id, code, name, unit_id in rows if inside is None or unit_id in inside]


def running_job(round_: Round, scope: Unit | None, language: str) -> ReportJob | None:
    """The unfinished job for the same round, part of the tree and language, if there is one."""
    return session.scalar(
        select(ReportJob)
        .where(
            ReportJob.round_id == round_.id,
            ReportJob.scope_unit_id == scope.id if scope is not None else ReportJob.scope_unit_id.is_(None),
            ReportJob.language == language,
            ReportJob.finished_at.is_(None),
        )
        .order_by(ReportJob.id.desc())
        .limit(1)
    )


def start_job(round_: Round, scope: Unit | None, language: str, user: User | None) -> tuple[ReportJob, bool]:
    """Return a new job with one waiting item per unit, and True; or the job that already runs for
    the same choice, and False. The caller sends the items to the queue after the commit."""
    existing = running_job(round_, scope, language)
    if existing is not None:
        return existing, False
    rows = assessments_in_scope(round_, scope)
    if not rows:
        raise JobError(_("In deze keuze doet geen enkele eenheid mee aan de ronde."))
    job = ReportJob(
        round=round_,
        scope_unit=scope,
        language=language,
        created_by=user,
        items=[
            ReportJobItem(assessment_id=a_id, unit_code=code, unit_name=name) for a_id, code, name in rows
        ],
    )
    session.add(job)
    session.flush()
    audit.record(
        "report_job.start",
        job,
        new={"round": round_.code, "units": scope.code if scope else "all", "reports": len(rows)},
        actor=user,
    )
    return job, True


def waiting_item_ids(job: ReportJob) -> list[int]:
    return list(
        session.scalars(
            select(ReportJobItem.id).where(
                ReportJobItem.job_id == job.id, ReportJobItem.status == ItemStatus.WAITING
            )
        )
    )


# -- progress -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Failure:
    unit_code: str
    unit_name: str
    reason: str


@dataclass(frozen=True)
class Progress:
    """What the job page and its JSON show."""

    job_id: int
    total: int
    done: int
    failed: int
    running: int
    size: int  # bytes of the finished PDFs
    finished: bool
    failures: tuple[Failure, ...]

    @property
    def completed(self) -> int:
        """Reports that need nothing more (made or failed)."""
        return self.done + self.failed

    @property
    def started(self) -> bool:
        return self.running > 0 or self.completed > 0

    @property
    def downloadable(self) -> bool:
        return self.finished and self.done > 0

    @property
    def state(self) -> str:
        if self.finished:
            return "finished" if self.done else "failed"
        return "running" if self.started else "waiting"


def progress(job: ReportJob) -> Progress:
    counts: dict[ItemStatus, tuple[int, int]] = {
        status: (n, int(size or 0))
        for status, n, size in session.execute(
            select(ReportJobItem.status, func.count(), func.sum(ReportJobItem.size))
            .where(ReportJobItem.job_id == job.id)
            .group_by(ReportJobItem.status)
        )
    }
    failures = session.execute(
        select(ReportJobItem.unit_code, ReportJobItem.unit_name, ReportJobItem.error)
        .where(ReportJobItem.job_id == job.id, ReportJobItem.status == ItemStatus.FAILED)
        .order_by(ReportJobItem.unit_code)
    ).all()
    total = sum(n for n, _size in counts.values())
    done = counts.get(ItemStatus.DONE, (0, 0))
    return Progress(
        job_id=job.id,
        total=total,
        done=done[0],
        failed=counts.get(ItemStatus.FAILED, (0, 0))[0],
        running=counts.get(ItemStatus.RUNNING, (0, 0))[0],
        size=done[1],
        finished=job.finished_at is not None,
        failures=tuple(Failure(*row) for row in failures),
    )


def jobs_of_round(round_: Round, limit: int = 20) -> list[ReportJob]:
    return list(
        session.scalars(
            select(ReportJob)
            .where(ReportJob.round_id == round_.id)
            .order_by(ReportJob.id.desc())
            .limit(limit)
        )
    )


# -- the worker's side ----------------------------------------------------------------------------


def claim(item_id: int) -> ReportJobItem | None:
    """Take a waiting item (waiting → running) and return it; None when another worker has it, it
    is finished, or its job was removed. Safe against a message that arrives twice."""
    taken = session.execute(
        update(ReportJobItem)
        .where(ReportJobItem.id == item_id, ReportJobItem.status == ItemStatus.WAITING)
        .values(status=ItemStatus.RUNNING, started_at=utcnow(), attempts=ReportJobItem.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        return None
    return session.get(ReportJobItem, item_id, populate_existing=True)


def finish(item_id: int, *, pdf: bytes | None = None, error: str = "") -> int | None:
    """Store the item's PDF (done) or why it failed; return its job's id. The caller commits, then
    calls ``finish_job_if_complete`` in a new transaction (see there)."""
    values: dict[str, object] = {"finished_at": utcnow()}
    if pdf is not None:
        values.update(status=ItemStatus.DONE, pdf=pdf, size=len(pdf), error="")
    else:
        values.update(status=ItemStatus.FAILED, error=error[:2000])
    session.execute(
        update(ReportJobItem)
        .where(ReportJobItem.id == item_id, ReportJobItem.status == ItemStatus.RUNNING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return session.scalar(select(ReportJobItem.job_id).where(ReportJobItem.id == item_id))


def finish_job_if_complete(job_id: int) -> None:
    """Mark the job finished when none of its items waits or runs. Asked after the item's own
    commit: two workers that finish the last two items at once both ask after committing, so the
    later one sees both (asked before, each would see the other's item still running)."""
    unfinished = exists().where(ReportJobItem.job_id == job_id, ReportJobItem.status.in_(UNFINISHED))
    session.execute(
        update(ReportJob)
        .where(ReportJob.id == job_id, ReportJob.finished_at.is_(None), ~unfinished)
        .values(finished_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def fail_items(item_ids: Sequence[int], reason: str) -> None:
    """Mark waiting items failed (their message could not be sent) and finish their jobs."""
    if not item_ids:
        return
    session.execute(
        update(ReportJobItem)
        .where(ReportJobItem.id.in_(item_ids), ReportJobItem.status == ItemStatus.WAITING)
        .values(status=ItemStatus.FAILED, error=reason, finished_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    for job_id in set(session.scalars(select(ReportJobItem.job_id).where(ReportJobItem.id.in_(item_ids)))):
        finish_job_if_complete(job_id)


def recover(now: dt.datetime, timeout: dt.timedelta, *, queue_empty: bool) -> list[int]:
    """Find the items whose worker died (running longer than ``timeout``): put them back as waiting
    (returned, to be sent again) until ``MAX_ATTEMPTS``, then mark them failed with the reason.
    With ``queue_empty``, waiting items of jobs older than two minutes are returned too: their
    message was lost (a queue that restarted empty). A message sent twice does no harm (``claim``).
    """
    stalled = session.execute(
        select(ReportJobItem.id, ReportJobItem.attempts, ReportJobItem.job_id).where(
            ReportJobItem.status == ItemStatus.RUNNING, ReportJobItem.started_at < now - timeout
        )
    ).all()
    again = [item_id for item_id, attempts, _job in stalled if attempts < MAX_ATTEMPTS]
    given_up = [item_id for item_id, attempts, _job in stalled if attempts >= MAX_ATTEMPTS]
    if again:
        session.execute(
            update(ReportJobItem)
            .where(ReportJobItem.id.in_(again))
            .values(status=ItemStatus.WAITING, started_at=None)
            .execution_options(synchronize_session=False)
        )
    if given_up:
        session.execute(
            update(ReportJobItem)
            .where(ReportJobItem.id.in_(given_up))
            .values(
                status=ItemStatus.FAILED,
                finished_at=now,
                error=_(
                    "Het maken van dit rapport stopte %(n)s keer onverwacht (de verwerker viel uit). "
                    "Start de rapporten opnieuw; blijft het misgaan, meld het dan de beheerder.",
                    n=MAX_ATTEMPTS,
                ),
            )
            .execution_options(synchronize_session=False)
        )
        for job_id in {job for _item, _attempts, job in stalled}:
            finish_job_if_complete(job_id)
    # A job whose items are all final but that is not marked finished (a race the order in
    # ``assessment.jobs.render_item`` prevents; a crash between two commits) is finished here.
    for job_id in list(session.scalars(select(ReportJob.id).where(ReportJob.finished_at.is_(None)))):
        finish_job_if_complete(job_id)
    lost: list[int] = []
    if queue_empty:
        lost = list(
            session.scalars(
                select(ReportJobItem.id)
                .join(ReportJob, ReportJob.id == ReportJobItem.job_id)
                .where(
                    ReportJobItem.status == ItemStatus.WAITING,
                    ReportJob.created_at < now - WAIT_BEFORE_RESEND,
                    ReportJobItem.id.not_in(again) if again else true(),
                )
            )
        )
    return again + lost


def remove_expired(now: dt.datetime, keep: dt.timedelta) -> int:
    """Remove the jobs (and their PDFs) finished longer than ``keep`` ago; return how many."""
    finished_before = or_(
        ReportJob.finished_at < now - keep,
        and_(ReportJob.finished_at.is_(None), ReportJob.created_at < now - 2 * keep),
    )
    ids = list(session.scalars(select(ReportJob.id).where(finished_before)))
    if ids:
        session.execute(delete(ReportJobItem).where(ReportJobItem.job_id.in_(ids)))
        session.execute(delete(ReportJob).where(ReportJob.id.in_(ids)))
    return len(ids)


# -- the ZIP --------------------------------------------------------------------------------------


class _Sink:
    """A write-only stream for zipfile that hands out what was written so far."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._position = 0

    def write(self, data: bytes) -> int:
        self._chunks.append(bytes(data))
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self._chunks = b"".join(self._chunks), []
        return data


def finished_pdfs(job: ReportJob) -> Iterator[tuple[str, bytes]]:
    """(unit code, PDF) of every finished report of the job, by unit code, one at a time."""
    ids = list(
        session.scalars(
            select(ReportJobItem.id)
            .where(ReportJobItem.job_id == job.id, ReportJobItem.status == ItemStatus.DONE)
            .order_by(ReportJobItem.unit_code)
        )
    )
    for item_id in ids:
        unit_code, pdf = session.execute(
            select(ReportJobItem.unit_code, ReportJobItem.pdf).where(ReportJobItem.id == item_id)
        ).one()
        yield unit_code, pdf or b""


def zip_chunks(job: ReportJob) -> Iterator[bytes]:
    """The finished reports as one ZIP, streamed one PDF at a time (a round of 500 units never sits
    in memory whole); the units whose report failed are listed in FOUTEN.txt with the reason."""
    round_code = job.round.code
    failures = progress(job).failures
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as archive:  # type: ignore[arg-type]
        for unit_code, pdf in finished_pdfs(job):
            archive.writestr(report_filename(round_code, unit_code), pdf)
            yield sink.take()
        if failures:
            lines = [f"{f.unit_code} ({f.unit_name}): {f.reason}" for f in failures]
            archive.writestr(
                _("FOUTEN.txt"), _("Deze rapporten zijn niet gemaakt:") + "\n" + "\n".join(lines) + "\n"
            )
    yield sink.take()


def zip_filename(job: ReportJob) -> str:
    scope = job.scope_unit.code if job.scope_unit is not None else _("alle")
    return report_filename(job.round.code, f"{scope}_eenheidsrapporten").removesuffix(".pdf") + ".zip"


@dataclass(frozen=True)
class ScopeChoice:
    code: str
    label: str  # name (code)
    units: int  # units of the round at or under it


def scope_choices(round_: Round) -> list[ScopeChoice]:
    """Every unit at or above a unit of the round, with how many of the round's units it holds."""
    units = session.execute(select(Unit.id, Unit.parent_id, Unit.code, Unit.name).order_by(Unit.code)).all()
    parent = {unit_id: parent_id for unit_id, parent_id, _code, _name in units}
    counts: dict[int, int] = {}
    for unit_id in session.scalars(select(Assessment.unit_id).where(Assessment.round_id == round_.id)):
        seen = set()
        current: int | None = unit_id
        while current is not None and current not in seen:  # up the tree to its top
            seen.add(current)
            counts[current] = counts.get(current, 0) + 1
            current = parent.get(current)
    return [
        ScopeChoice(code, f"{name} ({code})", counts[unit_id])
        for unit_id, _parent, code, name in units
        if unit_id in counts
    ]
