"""The wire format between the grader and a worker: JSON headers plus ``.npy`` blobs.

Only plain data crosses the trust boundary. Values are encoded as a JSON tree in which
tuples, dicts, complex numbers, arrays and remote-object handles are tagged, and arrays
travel as separate ``.npy`` byte blobs that the grader reads with ``allow_pickle=False``.
Nothing here ever unpickles, and decoding rejects anything it does not recognise, so a
worker can at worst send a wrong *value*, never code or a live object.

A message on a pipe is: ``>II`` (length of the JSON header, number of blobs), the UTF-8
JSON header, then for each blob ``>Q`` (its length) and its bytes.
"""

from __future__ import annotations

import io
import json
import math
import os
import select
import struct
import time
from typing import Any

import numpy as np

MAX_MESSAGE_BYTES = 256 * 1024 * 1024
MAX_DEPTH = 32
_HEAD = struct.Struct(">II")
_BLOB = struct.Struct(">Q")


class ProtocolError(Exception):
    """A message was malformed, too large, or held something that is not plain data."""


class ChannelClosed(ProtocolError):
    """The other end closed the pipe (the worker exited or was killed)."""


class ChannelTimeout(ProtocolError):
    """No complete message arrived before the deadline."""


class Handle:
    """A reference to an object that lives in the worker (e.g. a student's class instance)."""

    __slots__ = ("id", "type_name", "generation")

    def __init__(self, id: int, type_name: str, generation: int = 0) -> None:
        self.id = id
        self.type_name = type_name
        self.generation = generation  # which worker incarnation holds the object

    def __repr__(self) -> str:
        return f"<remote {self.type_name} #{self.id}>"


# --------------------------------------------------------------------------- encoding


def encode(value: Any, blobs: list[bytes], *, make_handle=None, depth: int = 0) -> Any:
    """Turn ``value`` into a JSON-able tree, appending array bytes to ``blobs``.

    ``make_handle(obj) -> Handle`` is used (by the worker) for objects that are not data;
    without it such objects raise ``ProtocolError`` with a message naming their type.
    """
    if depth > MAX_DEPTH:
        raise ProtocolError(f"value is nested more than {MAX_DEPTH} levels deep")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return _encode_float(float(value))
    if isinstance(value, complex):
        return {"__complex__": [_encode_float(value.real), _encode_float(value.imag)]}
    if isinstance(value, np.generic):
        return encode(value.item(), blobs, make_handle=make_handle, depth=depth + 1)
    if isinstance(value, np.ndarray):
        return {"__ndarray__": _store_array(value, blobs)}
    if isinstance(value, Handle):
        return {"__handle__": value.id, "type": value.type_name}
    if isinstance(value, (list, tuple)):
        items = [encode(v, blobs, make_handle=make_handle, depth=depth + 1) for v in value]
        return items if isinstance(value, list) else {"__tuple__": items}
    if isinstance(value, dict):
        pairs = []
        for key, item in value.items():
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                raise ProtocolError(f"dict keys must be str or int, got {type(key).__name__}")
            pairs.append([key, encode(item, blobs, make_handle=make_handle, depth=depth + 1)])
        return {"__dict__": pairs}
    if make_handle is not None:
        return encode(make_handle(value), blobs)
    raise ProtocolError(f"cannot send a value of type {type(value).__name__}")


def _encode_float(x: float) -> Any:
    if math.isfinite(x):
        return x
    return {"__float__": "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")}


def _store_array(array: np.ndarray, blobs: list[bytes]) -> int:
    plain = np.array(array, copy=True, subok=False)
    if plain.dtype.hasobject:
        raise ProtocolError("cannot send an array of Python objects (dtype=object)")
    buffer = io.BytesIO()
    np.save(buffer, plain, allow_pickle=False)
    blobs.append(buffer.getvalue())
    return len(blobs) - 1


# --------------------------------------------------------------------------- decoding


def decode(tree: Any, blobs: list[bytes], *, depth: int = 0) -> Any:
    """Inverse of :func:`encode`; accepts only the shapes ``encode`` produces."""
    if depth > MAX_DEPTH:
        raise ProtocolError("message nested too deeply")
    if tree is None or isinstance(tree, (bool, int, float, str)):
        return tree
    if isinstance(tree, list):
        return [decode(v, blobs, depth=depth + 1) for v in tree]
    if not isinstance(tree, dict) or len(tree) not in (1, 2):
        raise ProtocolError("unexpected value in message")
    if "__ndarray__" in tree:
        return _load_array(tree["__ndarray__"], blobs)
    if "__tuple__" in tree:
        return tuple(decode(v, blobs, depth=depth + 1) for v in _as_list(tree["__tuple__"]))
    if "__dict__" in tree:
        out = {}
        for pair in _as_list(tree["__dict__"]):
            if not isinstance(pair, list) or len(pair) != 2 or not isinstance(pair[0], (str, int)):
                raise ProtocolError("malformed dict entry in message")
            out[pair[0]] = decode(pair[1], blobs, depth=depth + 1)
        return out
    if "__float__" in tree:
        return {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}[tree["__float__"]]
    if "__complex__" in tree:
        re, im = (decode(v, blobs, depth=depth + 1) for v in _as_list(tree["__complex__"]))
        return complex(re, im)
    if "__handle__" in tree:
        if not isinstance(tree["__handle__"], int) or not isinstance(tree.get("type"), str):
            raise ProtocolError("malformed handle in message")
        return Handle(tree["__handle__"], tree["type"])
    raise ProtocolError("unexpected tag in message")


def _as_list(value: Any) -> list:
    if not isinstance(value, list):
        raise ProtocolError("expected a list in message")
    return value


def _load_array(index: Any, blobs: list[bytes]) -> np.ndarray:
    if not isinstance(index, int) or not 0 <= index < len(blobs):
        raise ProtocolError("array reference out of range")
    try:
        array = np.load(io.BytesIO(blobs[index]), allow_pickle=False)
    except Exception as exc:  # a malformed .npy of any kind
        raise ProtocolError(f"malformed array data: {exc}") from None
    if not isinstance(array, np.ndarray) or array.dtype.hasobject:
        raise ProtocolError("array data is not a plain numeric array")
    return array


# --------------------------------------------------------------------------- framing


def pack(header: dict, blobs: list[bytes]) -> bytes:
    """Frame one message."""
    head = json.dumps(header, allow_nan=False).encode()
    parts = [_HEAD.pack(len(head), len(blobs)), head]
    for blob in blobs:
        parts += [_BLOB.pack(len(blob)), blob]
    return b"".join(parts)


def write_message(fd: int, header: dict, blobs: list[bytes]) -> None:
    """Write one framed message to a blocking file descriptor."""
    data = memoryview(pack(header, blobs))
    while data:
        written = os.write(fd, data)
        data = data[written:]


class Reader:
    """Reads framed messages from a file descriptor, with an optional deadline.

    Bytes that arrive beyond one message are kept for the next read, and a message larger
    than ``limit`` is refused without being buffered whole.
    """

    def __init__(self, fd: int, *, limit: int = MAX_MESSAGE_BYTES) -> None:
        self.fd = fd
        self.limit = limit
        self._buffer = bytearray()

    def read(self, deadline: float | None = None) -> tuple[dict, list[bytes]]:
        json_len, n_blobs = _HEAD.unpack(self._take(_HEAD.size, deadline))
        if json_len > self.limit or n_blobs > 100_000:
            raise ProtocolError("message header announces an oversized message")
        try:
            header = json.loads(bytes(self._take(json_len, deadline)))
        except ValueError:
            raise ProtocolError("message header is not valid JSON") from None
        if not isinstance(header, dict):
            raise ProtocolError("message header is not an object")
        blobs, total = [], json_len
        for _ in range(n_blobs):
            (size,) = _BLOB.unpack(self._take(_BLOB.size, deadline))
            total += size
            if total > self.limit:
                raise ProtocolError(f"message is larger than {self.limit} bytes")
            blobs.append(bytes(self._take(size, deadline)))
        return header, blobs

    def _take(self, n: int, deadline: float | None) -> bytes:
        while len(self._buffer) < n:
            self._fill(deadline)
        out = bytes(self._buffer[:n])
        del self._buffer[:n]
        return out

    def _fill(self, deadline: float | None) -> None:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ChannelTimeout("no answer before the deadline")
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if not ready:
                raise ChannelTimeout("no answer before the deadline")
        chunk = os.read(self.fd, 1 << 20)
        if not chunk:
            raise ChannelClosed("the worker closed the channel")
        self._buffer += chunk
