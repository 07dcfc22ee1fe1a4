"""What every page handler shares: templates, the signed-in user, form tokens, errors.

Templates are Jinja2 with autoescape on, so anything a student wrote is escaped wherever
it is shown. Every form carries a token kept in the signed session cookie; a POST without
the matching token is refused (``checked_form``).
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData

from autograder.errors import UserError
from autograder.portal.accounts import User, session_user

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
CSRF_FIELD = "csrf"


class NeedSignIn(Exception):
    """The page needs a signed-in user; the handler sends the browser to the sign-in page."""


class Forbidden(UserError):
    """The signed-in user may not see or do this."""


class BadForm(UserError):
    """A form came back without its token, or with a field that makes no sense."""


def csrf_token(request: Request) -> str:
    """The form token of this browser's session, made on first use."""
    token = request.session.get(CSRF_FIELD)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_FIELD] = token
    return token


async def checked_form(request: Request, **limits: Any) -> FormData:
    """The posted form, once its token matches the session's (else ``BadForm``)."""
    form = await request.form(**limits)
    sent = form.get(CSRF_FIELD)
    expected = request.session.get(CSRF_FIELD)
    if not expected or not isinstance(sent, str) or not secrets.compare_digest(sent, expected):
        raise BadForm(
            "this form has expired or did not come from this site: go back, reload the page "
            "and send it again."
        )
    return form


def current_user(request: Request) -> User:
    """The signed-in user, or ``NeedSignIn``."""
    user = session_user(request.app.state.db, request.session.get("token"))
    if user is None:
        raise NeedSignIn()
    if user.course != request.app.state.settings.course_name:
        raise Forbidden("your account belongs to another course.")
    return user


def require(request: Request, *roles: str) -> User:
    """The signed-in user if their role is one of ``roles`` (else ``Forbidden``)."""
    user = current_user(request)
    if user.role not in roles:
        raise Forbidden(f"this page is for {' and '.join(r + 's' for r in roles)} only.")
    return user


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render ``template`` with the user, the form token and ``context``."""
    context.setdefault("user", getattr(request.state, "user", None))
    context["csrf"] = csrf_token(request)
    context["course"] = request.app.state.settings.course_name
    return TEMPLATES.TemplateResponse(request, template, context, status_code=status_code)


def form_text(form: FormData, name: str, limit: int = 10_000, required: bool = True) -> str:
    """A text field of ``form``, stripped, at most ``limit`` characters."""
    value = form.get(name, "")
    if not isinstance(value, str):
        raise BadForm(f"the field {name!r} should be text.")
    value = value.strip()
    if required and not value:
        raise BadForm(f"the field {name!r} is empty: fill it in and send the form again.")
    if len(value) > limit:
        raise BadForm(f"the field {name!r} is longer than {limit} characters.")
    return value
