"""The student's pages: assignments, package download, upload, live result, history, regrades.

A student only ever reaches rows whose ``student_id`` is their own login: every query
below filters on it, and an upload id of someone else's answers 404 like a missing one.
"""

from __future__ import annotations

import json
from datetime import UTC
from pathlib import Path

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from autograder.course.results import SubmissionResult
from autograder.portal import engine as core
from autograder.portal.queue import job_for_upload, now
from autograder.portal.tables import public_results, regrades, uploads
from autograder.portal.uploads import (
    MAX_FILE_BYTES,
    Incoming,
    UploadRefused,
    accept,
    server_names,
    student_uploads,
)
from autograder.portal.web import BadForm, checked_form, form_text, page, require
from autograder.portal.workers import portal_spec

router = APIRouter(prefix="/student")
FEEDBACK_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"


def _released(request: Request, name: str):
    if name not in core.released(request.app.state.settings.course):
        raise HTTPException(404)
    return portal_spec(request.app.state.settings, request.app.state.db, name)


def _attempts(conn: sa.Connection, name: str, student_id: str) -> list[dict]:
    """Each upload, newest first, with its job's state and public score."""
    rows = []
    for upload in student_uploads(conn, name, student_id):
        job = job_for_upload(conn, upload.id)
        result = conn.execute(
            sa.select(public_results).where(public_results.c.upload_id == upload.id)
        ).first()
        rows.append({"upload": upload, "job": job, "result": result})
    return rows


def assignment_summary(request: Request, name: str, student_id: str) -> dict:
    """What the assignment list and page show of one assignment for one student."""
    spec = _released(request, name)
    limits = core.portal_limits(spec)
    with request.app.state.db.connect() as conn:
        attempts = _attempts(conn, name, student_id)
    due = spec.due_for(student_id)
    remaining = None if limits.max_attempts is None else limits.max_attempts - len(attempts)
    return {
        "name": name,
        "title": spec.title,
        "due": due,
        "extended": due is not None and due != spec.due,
        "past_due": due is not None and now().replace(tzinfo=UTC) > due,
        "limits": limits,
        "remaining": remaining,
        "attempts": attempts,
        "spec": spec,
    }


@router.get("")
def home(request: Request) -> Response:
    user = request.state.user = require(request, "student")
    names = core.released(request.app.state.settings.course)
    rows = [assignment_summary(request, n, user.login) for n in names]
    return page(request, "student_home.html", title="Your assignments", rows=rows)


@router.get("/a/{name}")
def assignment(request: Request, name: str) -> Response:
    user = request.state.user = require(request, "student")
    info = assignment_summary(request, name, user.login)
    url = request.app.state.settings.db_url
    feedback = core.student_feedback_html(info["spec"], url, user.login)
    with request.app.state.db.connect() as conn:
        asked = list(
            conn.execute(
                sa.select(regrades)
                .where(regrades.c.assignment == name, regrades.c.student_id == user.login)
                .order_by(regrades.c.id.desc())
            )
        )
    items = [p.id for p in info["spec"].problems]
    return page(
        request,
        "assignment.html",
        title=info["title"],
        info=info,
        has_feedback=feedback is not None,
        regrades=asked,
        items=items,
        max_mb=MAX_FILE_BYTES // (1024 * 1024),
    )


@router.get("/a/{name}/package.zip")
def package(request: Request, name: str) -> Response:
    request.state.user = require(request, "student")
    _released(request, name)
    data = core.student_package(request.app.state.settings.course, name)
    headers = {"Content-Disposition": f'attachment; filename="{name}.zip"'}
    return Response(data, media_type="application/zip", headers=headers)


@router.get("/a/{name}/feedback")
def feedback(request: Request, name: str) -> Response:
    """The hidden-test feedback page (shown in a frame), as visibility allows today."""
    user = request.state.user = require(request, "student")
    spec = _released(request, name)
    url = request.app.state.settings.db_url
    html = core.student_feedback_html(spec, url, user.login)
    if html is None:
        raise HTTPException(404)
    return HTMLResponse(html, headers={"Content-Security-Policy": FEEDBACK_CSP})


async def _incoming(field: object) -> Incoming | None:
    if not isinstance(field, UploadFile) or not field.filename:
        return None
    content = await field.read(MAX_FILE_BYTES + 1)
    return Incoming(Path(field.filename).name, content)


@router.post("/a/{name}/upload")
async def upload(request: Request, name: str) -> Response:
    user = request.state.user = require(request, "student")
    spec = _released(request, name)
    form = await checked_form(request, max_files=2, max_fields=5)
    code = await _incoming(form.get("code"))
    if code is None:
        raise UploadRefused(f"choose your {spec.student_file} (or notebook) before uploading.")
    answers = await _incoming(form.get("answers"))
    files = server_names(code, answers, spec)
    names = [code.filename] + ([answers.filename] if answers else [])
    settings = request.app.state.settings
    upload_id = await run_in_threadpool(  # disk and database: off the event loop
        accept,
        request.app.state.db,
        settings.data,
        name,
        user.login,
        files,
        names,
        core.portal_limits(spec),
    )
    request.app.state.pool.wake.set()
    return RedirectResponse(f"/student/uploads/{upload_id}", status_code=303)


@router.get("/uploads/{upload_id}")
def upload_result(request: Request, upload_id: int) -> Response:
    """One attempt: live status while it is graded, then the public tests and diagnosis."""
    user = request.state.user = require(request, "student")
    with request.app.state.db.connect() as conn:
        row = conn.execute(sa.select(uploads).where(uploads.c.id == upload_id)).first()
        if row is None or row.student_id != user.login:
            raise HTTPException(404)
        job = job_for_upload(conn, upload_id)
        stored = conn.execute(
            sa.select(public_results).where(public_results.c.upload_id == upload_id)
        ).first()
    result = SubmissionResult.from_gradescope(json.loads(stored.results_json)) if stored else None
    waiting = result is None and job is not None and job.state in ("queued", "running")
    return page(
        request,
        "upload.html",
        title=f"Attempt at {row.assignment}",
        upload=row,
        job=job,
        result=result,
        waiting=waiting,
    )


@router.post("/a/{name}/regrade")
async def regrade(request: Request, name: str) -> Response:
    user = request.state.user = require(request, "student")
    spec = _released(request, name)
    form = await checked_form(request)
    item = form_text(form, "item", 300)
    if item not in {p.id for p in spec.problems}:
        raise BadForm(f"{item[:60]!r} is not a problem of {name}: pick one from the list.")
    comment = form_text(form, "comment", 5000)
    with request.app.state.db.begin() as conn:
        conn.execute(
            regrades.insert().values(
                assignment=name, student_id=user.login, item=item, comment=comment, asked_at=now()
            )
        )
    return RedirectResponse(f"/student/a/{name}#regrades", status_code=303)
