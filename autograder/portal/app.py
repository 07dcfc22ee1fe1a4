"""The portal's web application: ``create_app`` wires settings, database, workers and pages.

Every response carries a strict Content-Security-Policy (no script at all: the pages work
with plain forms and a meta refresh while grading runs). Oversized requests are refused
before they are read. Every error a person can cause gets a page saying what is wrong.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware

from autograder.errors import UserError
from autograder.portal import routes_auth, routes_instructor, routes_student, routes_ta
from autograder.portal.settings import Settings
from autograder.portal.tables import create_engine
from autograder.portal.web import Forbidden, NeedSignIn, page
from autograder.portal.workers import WorkerPool

CSP = (
    "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'self'; img-src 'self' data:"
)


def create_app(settings: Settings, *, start_workers: bool = True) -> FastAPI:
    """The portal for ``settings``; with ``start_workers`` it also grades what is queued."""
    settings.data.mkdir(parents=True, exist_ok=True)
    db = create_engine(settings.db_url)
    pool = WorkerPool(settings, db)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        if start_workers:
            pool.start()
        yield
        pool.stop()

    app = FastAPI(title="autograder portal", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.db = db
    app.state.pool = pool
    app.middleware("http")(_headers_and_size(settings.max_request_bytes))
    app.add_middleware(  # added last, so it is outermost: every page has its session
        SessionMiddleware,
        secret_key=settings.session_key(),
        session_cookie="autograder_session",
        same_site="lax",
        max_age=12 * 3600,
    )
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    for module in (routes_auth, routes_student, routes_ta, routes_instructor):
        app.include_router(module.router)
    _error_pages(app)
    return app


def _headers_and_size(limit: int):
    async def middleware(request: Request, call_next) -> Response:
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            response: Response = page(
                request,
                "error.html",
                413,
                title="Upload too large",
                message=f"the request is larger than {limit // (1024 * 1024)} MB: upload "
                "smaller files (clear a notebook's outputs first).",
            )
        else:
            response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        return response

    return middleware


def _error_pages(app: FastAPI) -> None:
    @app.exception_handler(NeedSignIn)
    async def need_sign_in(request: Request, _exc: NeedSignIn) -> Response:
        return RedirectResponse("/sign-in", status_code=303)

    @app.exception_handler(UserError)
    async def user_error(request: Request, exc: UserError) -> HTMLResponse:
        status = 403 if isinstance(exc, Forbidden) else 400
        title = "Not allowed" if status == 403 else "That did not work"
        return page(request, "error.html", status, title=title, message=str(exc))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> HTMLResponse:
        message = exc.detail if isinstance(exc.detail, str) else "the request could not be served."
        if exc.status_code == 404:
            message = "there is no such page (or it is not yours to see)."
        return page(request, "error.html", exc.status_code, title="Sorry", message=message)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> HTMLResponse:
        where = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}"
            for e in exc.errors()
        )
        return page(request, "error.html", 400, title="That did not work", message=where)
