"""The untrusted side of the grader and the means to talk to it.

Nothing course-specific lives here. ``worker`` is the only module that runs in the
student's process; everything else runs in the grader.
"""


def __getattr__(name: str):
    # Lazy, so that the worker (which imports ``autograder.sandbox.protocol``) does not
    # pay for the grader-side modules it never uses.
    if name == "fetch":
        from autograder.sandbox.proxy import fetch

        return fetch
    raise AttributeError(name)
