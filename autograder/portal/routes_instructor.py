"""The instructor's pages: roster, release, extensions, the live queue, hidden grading,
the class report and the LMS exports."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from autograder.portal import engine as core
from autograder.portal.queue import enqueue, now, queue_counts, recent_jobs
from autograder.portal.roster import import_roster, read_roster
from autograder.portal.tables import extensions, public_results, uploads
from autograder.portal.web import BadForm, checked_form, form_text, page, require
from autograder.portal.workers import portal_spec

router = APIRouter(prefix="/instructor")
REPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'"
MAX_ROSTER_BYTES = 2 * 1024 * 1024


def _known(request: Request, name: str):
    if name not in core.authored(request.app.state.settings.course):
        raise HTTPException(404)
    return portal_spec(request.app.state.settings, request.app.state.db, name)


@router.get("")
def home(request: Request) -> Response:
    request.state.user = require(request, "instructor")
    settings, db = request.app.state.settings, request.app.state.db
    released = set(core.released(settings.course))
    rows = []
    with db.connect() as conn:
        for name in core.authored(settings.course):
            spec = portal_spec(settings, db, name)
            count, students = conn.execute(
                sa.select(sa.func.count(), sa.func.count(sa.distinct(uploads.c.student_id))).where(
                    uploads.c.assignment == name
                )
            ).one()
            report = settings.reports / name / core.REPORT_FILE
            exports = core.exports_folder(spec, settings.reports)
            rows.append(
                {
                    "spec": spec,
                    "released": name in released,
                    "uploads": count,
                    "students": students,
                    "report": report.is_file(),
                    "exports": sorted(p.name for p in exports.glob("*.csv"))
                    if exports.is_dir()
                    else [],
                }
            )
        counts = queue_counts(conn)
        jobs = recent_jobs(conn, limit=15)
    return page(
        request, "instructor_home.html", title="Course", rows=rows, counts=counts, jobs=jobs
    )


@router.post("/roster")
async def roster(request: Request) -> Response:
    request.state.user = require(request, "instructor")
    form = await checked_form(request, max_files=1)
    field = form.get("roster")
    if not isinstance(field, UploadFile) or not field.filename:
        raise BadForm("choose a roster CSV file before importing.")
    content = await field.read(MAX_ROSTER_BYTES + 1)
    if len(content) > MAX_ROSTER_BYTES:
        raise BadForm("the roster file is larger than 2 MB.")
    frame = read_roster(content)
    settings = request.app.state.settings

    def store() -> list[tuple[str, str]]:
        with request.app.state.db.begin() as conn:
            return import_roster(conn, frame, settings.course_name, settings.roster)

    created = await run_in_threadpool(store)  # a password hash per student takes a while
    return page(
        request, "roster_done.html", title="Roster imported", created=created, total=len(frame)
    )


@router.post("/{name}/release")
async def release(request: Request, name: str) -> Response:
    request.state.user = require(request, "instructor")
    _known(request, name)
    await checked_form(request)
    with request.app.state.db.begin() as conn:
        enqueue(conn, "release", name)
    request.app.state.pool.wake.set()
    return RedirectResponse("/instructor", status_code=303)


@router.post("/{name}/extension")
async def extension(request: Request, name: str) -> Response:
    request.state.user = require(request, "instructor")
    _known(request, name)
    form = await checked_form(request)
    student_id = form_text(form, "student_id", 200)
    text = form_text(form, "due", 40)
    try:
        due = datetime.fromisoformat(text)
    except ValueError:
        raise BadForm(f"{text!r} is not a date-time like 2026-12-20T23:59 (UTC).") from None
    due = (due if due.tzinfo else due.replace(tzinfo=UTC)).astimezone(UTC).replace(tzinfo=None)
    key = (extensions.c.assignment == name) & (extensions.c.student_id == student_id)
    with request.app.state.db.begin() as conn:
        conn.execute(extensions.delete().where(key))
        conn.execute(extensions.insert().values(assignment=name, student_id=student_id, due=due))
    return RedirectResponse(f"/instructor/{name}/submissions", status_code=303)


@router.get("/{name}/submissions")
def submissions(request: Request, name: str) -> Response:
    """Uploads as they arrive, newest first, with their state and public score."""
    request.state.user = require(request, "instructor")
    spec = _known(request, name)
    with request.app.state.db.connect() as conn:
        rows = list(
            conn.execute(
                sa.select(
                    uploads,
                    public_results.c.status,
                    public_results.c.score,
                    public_results.c.max_score,
                )
                .outerjoin(public_results, public_results.c.upload_id == uploads.c.id)
                .where(uploads.c.assignment == name)
                .order_by(uploads.c.id.desc())
                .limit(200)
            )
        )
        jobs = recent_jobs(conn, name, limit=20)
    return page(
        request,
        "submissions.html",
        title=f"{spec.title}: submissions",
        spec=spec,
        rows=rows,
        jobs=jobs,
        extensions=dict(spec.extensions),
    )


@router.post("/{name}/grade-hidden")
async def grade_hidden(request: Request, name: str) -> Response:
    request.state.user = require(request, "instructor")
    spec = _known(request, name)
    form = await checked_form(request)
    if spec.due and now().replace(tzinfo=UTC) < spec.due and form.get("early") != "yes":
        raise BadForm(
            f"{name} is due {spec.due:%Y-%m-%d %H:%M %Z}: hidden tests are graded after the "
            "deadline. Tick 'grade before the deadline' to do it anyway."
        )
    with request.app.state.db.begin() as conn:
        enqueue(conn, "hidden", name)
    request.app.state.pool.wake.set()
    return RedirectResponse(f"/instructor/{name}/submissions", status_code=303)


@router.post("/{name}/report")
async def build_report(request: Request, name: str) -> Response:
    request.state.user = require(request, "instructor")
    spec = _known(request, name)
    await checked_form(request)
    settings = request.app.state.settings
    await run_in_threadpool(
        core.class_report, spec, settings.reports, settings.db_url, settings.roster
    )
    return RedirectResponse(f"/instructor/{name}/report", status_code=303)


@router.get("/{name}/report")
def report(request: Request, name: str) -> Response:
    request.state.user = require(request, "instructor")
    _known(request, name)
    path = request.app.state.settings.reports / name / core.REPORT_FILE
    if not path.is_file():
        raise HTTPException(404, "no report yet: grade the hidden tests, then build it.")
    return FileResponse(
        path, media_type="text/html", headers={"Content-Security-Policy": REPORT_CSP}
    )


@router.get("/{name}/exports/{filename}")
def export(request: Request, name: str, filename: str) -> Response:
    request.state.user = require(request, "instructor")
    spec = _known(request, name)
    folder = core.exports_folder(spec, request.app.state.settings.reports)
    files = {p.name: p for p in folder.glob("*.csv")} if folder.is_dir() else {}
    if filename not in files:
        raise HTTPException(404)
    return FileResponse(files[filename], media_type="text/csv", filename=f"{name}-{filename}")
