"""People: argon2 password hashes, server-side sessions, and the sign-in rate limit.

The browser holds only a signed cookie with a random session token (and the form token
every POST must echo, see ``web.py``); the session row says whose it is. Signing out
deletes the row, so a copied cookie stops working. Failed sign-ins are counted per login over a
sliding window: past ``MAX_FAILURES`` the login is refused until the window moves on,
even with the right password, so passwords cannot be guessed at speed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from autograder.errors import UserError
from autograder.portal.queue import now
from autograder.portal.tables import ROLES, sessions, sign_in_failures, users

SESSION_LIFETIME = timedelta(hours=12)
FAILURE_WINDOW = timedelta(minutes=5)
MAX_FAILURES = 5

_hasher = PasswordHasher()


class SignInRefused(UserError):
    """Wrong login or password, or too many attempts; the message is safe to show."""


@dataclass(frozen=True)
class User:
    id: int
    login: str
    name: str
    role: str
    course: str

    @property
    def is_staff(self) -> bool:
        return self.role in ("ta", "instructor")


def _user(row: sa.Row) -> User:
    return User(row.id, row.login, row.name, row.role, row.course)


def add_user(
    conn: sa.Connection, login: str, password: str, role: str, course: str, name: str = ""
) -> User:
    """Create an account, or reset the password and role of an existing one."""
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    if (
        not login
        or len(login) > 200
        or not login.replace("_", "").replace("-", "").replace(".", "").replace("@", "").isalnum()
    ):
        raise UserError(f"login {login[:60]!r} must be 1-200 letters, digits, '.', '-', '_' or '@'")
    values = {
        "name": name,
        "role": role,
        "course": course,
        "password_hash": _hasher.hash(password),
    }
    existing = conn.execute(sa.select(users.c.id).where(users.c.login == login)).first()
    if existing:
        conn.execute(users.update().where(users.c.id == existing.id).values(**values))
    else:
        conn.execute(users.insert().values(login=login, **values))
    return _user(conn.execute(sa.select(users).where(users.c.login == login)).one())


def sign_in(engine: sa.Engine, login: str, password: str) -> tuple[str, User]:
    """Check a password and open a session; ``(token, user)`` or ``SignInRefused``."""
    login = login.strip()[:200]
    with engine.begin() as conn:
        since = now() - FAILURE_WINDOW
        failures = conn.execute(
            sa.select(sa.func.count()).where(
                sign_in_failures.c.login == login, sign_in_failures.c.at > since
            )
        ).scalar_one()
        if failures >= MAX_FAILURES:
            raise SignInRefused(
                f"too many failed sign-ins for this account: wait "
                f"{int(FAILURE_WINDOW.total_seconds() // 60)} minutes and try again."
            )
        row = conn.execute(sa.select(users).where(users.c.login == login)).first()
        if row is None or not _verify(row.password_hash, password):
            conn.execute(sign_in_failures.insert().values(login=login, at=now()))
            conn.commit()  # the failure counts even though we refuse
            raise SignInRefused("wrong login or password.")
        conn.execute(sign_in_failures.delete().where(sign_in_failures.c.login == login))
        conn.execute(sessions.delete().where(sessions.c.expires < now()))  # keep it small
        token = secrets.token_urlsafe(32)
        conn.execute(
            sessions.insert().values(
                token=token,
                user_id=row.id,
                expires=now() + SESSION_LIFETIME,
            )
        )
        return token, _user(row)


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def session_user(engine: sa.Engine, token: str | None) -> User | None:
    """The user of a live session, or None."""
    if not token:
        return None
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(users, sessions.c.expires)
            .join(sessions, sessions.c.user_id == users.c.id)
            .where(sessions.c.token == token)
        ).first()
    if row is None or row.expires < now():
        return None
    return _user(row)


def sign_out(engine: sa.Engine, token: str | None) -> None:
    """End a session for good."""
    if token:
        with engine.begin() as conn:
            conn.execute(sessions.delete().where(sessions.c.token == token))
