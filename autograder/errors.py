"""The base of every error a user can fix: the CLI prints these without a traceback."""


class UserError(Exception):
    """Something the user can put right; the message says what, where and how."""
