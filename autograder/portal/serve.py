"""``autograder serve``: the portal under Uvicorn, with its sandbox workers."""

from __future__ import annotations

from collections.abc import Callable

from autograder.course.paths import Course
from autograder.portal.settings import make_settings


def serve(
    course: Course,
    host: str,
    port: int,
    db_url: str | None,
    workers: int,
    example: bool,
    say: Callable[[str], None] = print,
) -> None:
    """Start the portal for ``course`` and serve until interrupted."""
    import uvicorn

    from autograder.portal.app import create_app
    from autograder.portal.example import PASSWORD, load_example

    settings = make_settings(course, db_url, workers=workers)
    app = create_app(settings)
    where = f"http://{host}:{port}"
    if example:
        accounts = load_example(settings, app.state.db)
        say(f"Example course loaded. Sign in at {where}/sign-in, password {PASSWORD!r}, as:")
        say(f"  instructor: {', '.join(accounts['instructor'])}")
        say(f"  TA:         {', '.join(accounts['ta'])}")
        say(f"  students:   {', '.join(accounts['student'])}")
    say(f"Portal of {settings.course_name} at {where} (data in {settings.data}); Ctrl-C stops it.")
    uvicorn.run(app, host=host, port=port, log_level="warning")
