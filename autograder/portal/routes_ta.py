"""The TAs' pages (instructors see them too): written answers with a rubric, regrades.

Answers are read from each student's latest upload. The overview shows every student's
answer to one question side by side with its mark; the grading page shows one answer
with the rubric, where keys 1-9 tick items (``accesskey``) and "save" moves on to the
next answer still left.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from autograder.portal import engine as core
from autograder.portal import rubric
from autograder.portal.queue import now
from autograder.portal.tables import regrades, uploads
from autograder.portal.web import BadForm, checked_form, form_text, page, require
from autograder.portal.workers import portal_spec

router = APIRouter(prefix="/ta")
STAFF = ("ta", "instructor")


def _problem(request: Request, name: str, problem_id: str):
    if name not in core.authored(request.app.state.settings.course):
        raise HTTPException(404)
    spec = portal_spec(request.app.state.settings, request.app.state.db, name)
    for problem in spec.written_problems:
        if problem.id == problem_id:
            return spec, problem
    raise HTTPException(404)


def latest_answers(request: Request, spec, problem_id: str) -> dict[str, str]:
    """``{student_id: answer}`` from each student's latest upload of ``spec``."""
    with request.app.state.db.connect() as conn:
        rows = conn.execute(
            sa.select(uploads.c.student_id, sa.func.max(uploads.c.id).label("id"))
            .where(uploads.c.assignment == spec.name)
            .group_by(uploads.c.student_id)
        ).all()
        folders = {
            r.student_id: conn.execute(
                sa.select(uploads.c.folder).where(uploads.c.id == r.id)
            ).scalar_one()
            for r in rows
        }
    return {
        sid: core.written_answers(spec, Path(folder)).get(problem_id, "")
        for sid, folder in sorted(folders.items())
    }


@router.get("")
def home(request: Request) -> Response:
    request.state.user = require(request, *STAFF)
    settings, db = request.app.state.settings, request.app.state.db
    questions = []
    for name in core.authored(settings.course):
        spec = portal_spec(settings, db, name)
        for problem in spec.written_problems:
            answers = latest_answers(request, spec, problem.id)
            with db.connect() as conn:
                done = rubric.marks(conn, name, problem.id)
            left = sum(1 for sid in answers if sid not in done)
            questions.append((spec, problem, len(answers), left))
    with db.connect() as conn:
        open_requests = conn.execute(
            sa.select(sa.func.count()).where(regrades.c.answered_at.is_(None))
        ).scalar_one()
    return page(
        request, "ta_home.html", title="Grading", questions=questions, open_requests=open_requests
    )


@router.get("/{name}/written/{problem_id}")
def overview(request: Request, name: str, problem_id: str) -> Response:
    request.state.user = require(request, *STAFF)
    spec, problem = _problem(request, name, problem_id)
    answers = latest_answers(request, spec, problem_id)
    with request.app.state.db.connect() as conn:
        done = rubric.marks(conn, name, problem_id)
        items = rubric.items(conn, name, problem_id)
    return page(
        request,
        "written.html",
        title=problem.title,
        spec=spec,
        problem=problem,
        answers=answers,
        marks=done,
        items=items,
    )


@router.get("/{name}/written/{problem_id}/{student_id}")
def grade_one(request: Request, name: str, problem_id: str, student_id: str) -> Response:
    request.state.user = require(request, *STAFF)
    spec, problem = _problem(request, name, problem_id)
    answers = latest_answers(request, spec, problem_id)
    if student_id not in answers:
        raise HTTPException(404)
    with request.app.state.db.connect() as conn:
        done = rubric.marks(conn, name, problem_id)
        items = rubric.items(conn, name, problem_id)
    left = [sid for sid in answers if sid not in done and sid != student_id]
    return page(
        request,
        "grade_one.html",
        title=f"{problem.title}: {student_id}",
        spec=spec,
        problem=problem,
        student_id=student_id,
        answer=answers[student_id],
        mark=done.get(student_id),
        items=items,
        left=len(left),
    )


@router.post("/{name}/written/{problem_id}/{student_id}")
async def save(request: Request, name: str, problem_id: str, student_id: str) -> Response:
    user = request.state.user = require(request, *STAFF)
    spec, problem = _problem(request, name, problem_id)
    answers = latest_answers(request, spec, problem_id)
    if student_id not in answers:
        raise HTTPException(404)
    form = await checked_form(request)
    comment = form_text(form, "comment", 5000, required=False)
    db = request.app.state.db
    with db.begin() as conn:
        known = {i.id: i for i in rubric.items(conn, name, problem_id)}
        try:
            chosen = [known[int(v)] for v in form.getlist("item")]
        except (KeyError, ValueError):
            raise BadForm("a ticked rubric item no longer exists: reload the page.") from None
        rubric.save_mark(
            conn, name, problem_id, student_id, chosen, comment, problem.points, user.login
        )
        sheet = rubric.score_sheet(conn, name)
    settings = request.app.state.settings
    await run_in_threadpool(
        core.record_written_scores, spec, settings.reports, settings.db_url, sheet
    )
    with db.connect() as conn:
        done = rubric.marks(conn, name, problem_id)
    left = [sid for sid in answers if sid not in done]
    target = f"/ta/{name}/written/{problem_id}"
    return RedirectResponse(f"{target}/{left[0]}" if left else target, status_code=303)


@router.post("/{name}/rubric/{problem_id}")
async def add_item(request: Request, name: str, problem_id: str) -> Response:
    request.state.user = require(request, *STAFF)
    _spec, problem = _problem(request, name, problem_id)
    form = await checked_form(request)
    text = form_text(form, "text", 1000)
    try:
        points = float(form_text(form, "points", 20))
    except ValueError:
        raise BadForm("points must be a number, such as 1 or -0.5.") from None
    if abs(points) > problem.points:
        raise BadForm(f"an item is worth at most {problem.points:g} points on this question.")
    with request.app.state.db.begin() as conn:
        rubric.add_item(conn, name, problem_id, points, text)
    back = form.get("back") or f"/ta/{name}/written/{problem_id}"
    if not isinstance(back, str) or not back.startswith(f"/ta/{name}/written/"):
        back = f"/ta/{name}/written/{problem_id}"
    return RedirectResponse(back, status_code=303)


@router.get("/regrades")
def regrade_list(request: Request) -> Response:
    request.state.user = require(request, *STAFF)
    with request.app.state.db.connect() as conn:
        rows = list(conn.execute(sa.select(regrades).order_by(regrades.c.id.desc())))
    return page(request, "regrades.html", title="Regrade requests", rows=rows)


@router.post("/regrades/{request_id}")
async def answer_regrade(request: Request, request_id: int) -> Response:
    user = request.state.user = require(request, *STAFF)
    form = await checked_form(request)
    answer = form_text(form, "answer", 5000)
    with request.app.state.db.begin() as conn:
        done = conn.execute(
            regrades.update()
            .where(regrades.c.id == request_id)
            .values(answer=answer, answered_by=user.login, answered_at=now())
        )
        if done.rowcount != 1:
            raise HTTPException(404)
    return RedirectResponse("/ta/regrades", status_code=303)
