"""The untrusted side: a process that loads one student's code and answers calls.

Run as ``python -I -m autograder.sandbox.worker``. It imports numpy and nothing of any
course: no reference solution, hidden test or expected value is ever in its memory. It
reads requests on stdin, answers on stdout, and sends everything the student prints to
stderr, so student output can never be mistaken for an answer. Whatever the student's
code does here, the grader only ever receives plain data (see ``protocol``).
"""

from __future__ import annotations

import json
import os
import sys
import traceback
import types
from typing import Any

import numpy as np

from autograder.sandbox.loading import run_chunk
from autograder.sandbox.protocol import Handle, ProtocolError, Reader, decode, encode, write_message

MAX_HANDLES = 10_000
MAX_TRACEBACK_CHARS = 4000


class Worker:
    """Holds the student's module and the objects handed out as handles."""

    def __init__(self) -> None:
        self.module: types.ModuleType | None = None
        self.chunk_names: set[str] = set()
        self.objects: dict[int, Any] = {}

    # -- requests ---------------------------------------------------------------------

    def handle(self, header: dict, blobs: list[bytes]) -> tuple[dict, list[bytes]]:
        op = header.get("op")
        if op == "ping":
            return {"ok": True}, []
        if op == "load":
            return self.load(header["module"], header["chunks"]), []
        if op == "exec":
            return self.run_chunks(header["chunks"], header.get("first", 0)), []
        if op in ("call", "get"):
            return self.invoke(header, blobs, call=op == "call")
        return {"ok": False, "error": _error_info("ProtocolError", f"unknown op {op!r}")}, []

    def load(self, module_name: str, chunks: list[dict]) -> dict:
        """Execute the student's code chunks, in order, into one fresh module.

        A chunk that fails is reported and the next one still runs, so a typo in one
        notebook cell does not cost the points of functions defined in other cells.
        """
        module = types.ModuleType(module_name)
        module.__file__ = chunks[0]["name"] if chunks else module_name
        sys.modules[module_name] = module
        self.module = module
        return self.run_chunks(chunks)

    def run_chunks(self, chunks: list[dict], first: int = 0) -> dict:
        """Execute more chunks into the loaded module (a notebook, one cell at a time).

        ``first`` is the index of ``chunks[0]`` among all the submission's chunks.
        """
        if self.module is None:
            return {"ok": False, "error": _error_info("ProtocolError", "no module loaded")}
        errors = []
        for index, chunk in enumerate(chunks, start=first):
            self.chunk_names.add(chunk["name"])
            found = run_chunk(chunk["source"], chunk["name"], self.module.__dict__, self._describe)
            errors += [{"chunk": index, "name": chunk["name"], **error} for error in found]
        defined = sorted(k for k in vars(self.module) if not k.startswith("_"))
        return {"ok": True, "chunk_errors": errors, "defined": defined}

    def invoke(self, header: dict, blobs: list, *, call: bool = True) -> tuple[dict, list]:
        """Call what ``header`` names with its decoded arguments (or, for a ``get``, take
        it as it is); reply with the value."""
        try:
            target = self._resolve(header.get("handle"), header.get("path", []))
        except LookupError as exc:
            return {"ok": False, "error": _error_info("MissingName", str(exc))}, []
        try:
            result = target
            if call:
                args = self._unwrap(decode(header.get("args", []), blobs))
                kwargs = self._unwrap(decode(header.get("kwargs", {"__dict__": []}), blobs))
                result = target(*args, **kwargs)
            out_blobs: list[bytes] = []
            value = encode(_as_data(result), out_blobs, make_handle=self._make_handle)
        except BaseException as exc:  # noqa: BLE001 - student code may raise anything
            return {"ok": False, "error": self._describe(exc)}, []
        return {"ok": True, "value": value}, out_blobs

    # -- helpers ----------------------------------------------------------------------

    def _resolve(self, handle: int | None, path: list[str]) -> Any:
        if handle is not None:
            if handle not in self.objects:
                raise LookupError(f"remote object #{handle} no longer exists")
            obj, where = self.objects[handle], type(self.objects[handle]).__name__
        else:
            if self.module is None:
                raise LookupError("no student code is loaded")
            obj, where = self.module, "your code"
        for name in path:
            try:
                obj = getattr(obj, name)
            except Exception:
                raise LookupError(f"{where} does not define {'.'.join(path)!r}") from None
        return obj

    def _unwrap(self, value: Any) -> Any:
        """Replace handles in call arguments by the objects they stand for."""
        if isinstance(value, Handle):
            return self.objects.get(value.id)
        if isinstance(value, list):
            return [self._unwrap(v) for v in value]
        if isinstance(value, tuple):
            return tuple(self._unwrap(v) for v in value)
        if isinstance(value, dict):
            return {k: self._unwrap(v) for k, v in value.items()}
        return value

    def _make_handle(self, obj: Any) -> Handle:
        if len(self.objects) >= MAX_HANDLES:
            raise ProtocolError("too many remote objects")
        handle_id = len(self.objects) + 1
        self.objects[handle_id] = obj
        return Handle(handle_id, type(obj).__name__)

    def _describe(self, exc: BaseException) -> dict:
        """Type, message and a traceback that shows only the student's own frames."""
        frames = [
            f for f in traceback.extract_tb(exc.__traceback__) if f.filename in self.chunk_names
        ]
        text = "".join(traceback.format_list(frames))
        if isinstance(exc, SyntaxError) and exc.filename in self.chunk_names:
            text += "".join(traceback.format_exception_only(type(exc), exc))
        try:
            message = str(exc)
        except BaseException:  # noqa: BLE001 - a hostile __str__
            message = "<the exception's message could not be shown>"
        return _error_info(type(exc).__name__, message, text)


def _as_data(value: Any) -> Any:
    """Let array-likes (objects with ``__array__``) travel as arrays; leave the rest."""
    if isinstance(value, np.ndarray) or not hasattr(type(value), "__array__"):
        return value
    array = np.asarray(value)
    return value if array.dtype.hasobject else array


def _error_info(kind: str, message: str, trace: str = "") -> dict:
    return {
        "type": str(kind)[:200],
        "message": str(message)[:2000],
        "traceback": trace[-MAX_TRACEBACK_CHARS:],
    }


def serve(request_fd: int, reply_fd: int) -> None:
    """Answer requests until the grader closes the channel."""
    reader = Reader(request_fd)
    worker = Worker()
    while True:
        try:
            header, blobs = reader.read()
        except ProtocolError:
            return
        reply, reply_blobs = worker.handle(header, blobs)
        write_message(reply_fd, reply, reply_blobs)


def main() -> None:
    """Run as a subprocess (the fallback launcher): apply the limits given as a JSON
    argument, move the protocol off fds 0/1 so student code cannot read requests by
    accident or print into the reply stream, then serve."""
    if len(sys.argv) > 1:
        from autograder.sandbox.policy import Limits
        from autograder.sandbox.rlimits import apply_rlimits

        apply_rlimits(Limits.from_resources(json.loads(sys.argv[1])), processes=False)
    request_fd, reply_fd = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    serve(request_fd, reply_fd)
    os._exit(0)


if __name__ == "__main__":
    main()
