"""Signing in and out, and the front page that sends each role to its own home."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from autograder.portal.accounts import SignInRefused, sign_in, sign_out
from autograder.portal.web import checked_form, current_user, form_text, page

router = APIRouter()
HOMES = {"student": "/student", "ta": "/ta", "instructor": "/instructor"}


@router.get("/")
def front(request: Request) -> Response:
    """Each role's home page."""
    return RedirectResponse(HOMES[current_user(request).role], status_code=303)


@router.get("/sign-in")
def sign_in_page(request: Request) -> Response:
    return page(request, "sign_in.html", title="Sign in")


@router.post("/sign-in")
async def sign_in_post(request: Request) -> Response:
    form = await checked_form(request)
    login = form_text(form, "login", 200)
    password = form_text(form, "password", 1000)
    try:
        token, user = await run_in_threadpool(sign_in, request.app.state.db, login, password)
    except SignInRefused as refused:
        return page(request, "sign_in.html", 401, title="Sign in", error=str(refused), login=login)
    request.session.clear()  # a new form token for the signed-in session
    request.session["token"] = token
    return RedirectResponse(HOMES[user.role], status_code=303)


@router.post("/sign-out")
async def sign_out_post(request: Request) -> Response:
    await checked_form(request)
    sign_out(request.app.state.db, request.session.get("token"))
    request.session.clear()
    return RedirectResponse("/sign-in", status_code=303)
