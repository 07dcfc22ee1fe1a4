"""The wire format between the grader and a worker: a JSON header plus raw array blobs.

Only plain data crosses the trust boundary. Values are encoded as a JSON tree in which
tuples, dicts, complex numbers, arrays and remote-object handles are tagged; an array
travels as one blob of its raw bytes, its dtype and shape in the header. Nothing here ever
unpickles, and decoding rejects anything it does not recognise, so a worker can at worst
send a wrong *value*, never code or a live object.

A reply is written by code the student controls, so reading one is bounded: the header's
size, its number of containers and its depth, the number and size of blobs, each blob used
by at most one array, and decoding checks the call's deadline as it goes. Every way a reply
can be wrong ends as a :class:`ProtocolError` (never ``RecursionError`` or ``MemoryError``).

A message on a pipe is: ``>II`` (length of the JSON header, number of blobs), the UTF-8
JSON header, then for each blob ``>Q`` (its length) and its bytes.
"""

from __future__ import annotations

import json
import math
import os
import re
import select
import struct
import time
from typing import Any

import numpy as np

MAX_MESSAGE_BYTES = 256 * 1024 * 1024  # header and blobs together
MAX_HEADER_BYTES = 8 * 1024 * 1024
MAX_CONTAINERS = 500_000  # JSON lists and objects in one header
MAX_BLOBS = 10_000
MAX_DEPTH = 32  # of an encoded value; a header may nest a few levels more
MAX_DIMS = 32
_HEAD = struct.Struct(">II")
_BLOB = struct.Struct(">Q")
_DTYPE = re.compile(r"[<>|=][?biufcSU]\d{1,9}")
_DEADLINE_EVERY = 4096  # decoded nodes between two looks at the clock


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


def encode(value: Any, blobs: list, *, make_handle=None, depth: int = 0) -> Any:
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
        return _store_array(value, blobs)
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


def _store_array(array: np.ndarray, blobs: list) -> dict:
    """The array's bytes as a blob (C order), its dtype and shape in the tree."""
    plain = np.asarray(array).view(np.ndarray)
    if not plain.flags.c_contiguous:
        plain = plain.copy(order="C")  # (``ascontiguousarray`` would make 0-d arrays 1-d)
    if plain.dtype.hasobject or plain.dtype.fields is not None:
        raise ProtocolError("cannot send an array of Python objects or records (dtype=object)")
    if not _DTYPE.fullmatch(plain.dtype.str):
        raise ProtocolError(f"cannot send an array of dtype {plain.dtype}")
    try:
        data = plain.data.cast("B") if plain.size else b""
    except (TypeError, ValueError):  # a dtype the buffer protocol cannot cast
        data = plain.tobytes()
    blobs.append(data)
    return {"__ndarray__": len(blobs) - 1, "dtype": plain.dtype.str, "shape": list(plain.shape)}


# --------------------------------------------------------------------------- decoding


def decode(
    tree: Any, blobs: list, *, deadline: float | None = None, handles: list | None = None
) -> Any:
    """Inverse of :func:`encode`; accepts only the shapes ``encode`` produces.

    Each blob may back one array only (so a reply cannot make one blob cost many times
    its size), and decoding stops with ``ChannelTimeout`` once ``deadline`` has passed.
    Every :class:`Handle` made is also appended to ``handles`` when given.
    """
    return _Decoder(blobs, deadline, handles).value(tree, 0)


class _Decoder:
    def __init__(self, blobs: list, deadline: float | None, handles: list | None) -> None:
        self.blobs = blobs
        self.used: set[int] = set()
        self.deadline = deadline
        self.handles = handles if handles is not None else []
        self.nodes = 0

    def value(self, tree: Any, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise ProtocolError("message nested too deeply")
        self.nodes += 1
        at_checkpoint = self.nodes % _DEADLINE_EVERY == 0
        if at_checkpoint and self.deadline is not None and time.monotonic() > self.deadline:
            raise ChannelTimeout("the answer could not be read before the deadline")
        if tree is None or isinstance(tree, (bool, int, float, str)):
            return tree
        if isinstance(tree, list):
            return [self.value(v, depth + 1) for v in tree]
        if not isinstance(tree, dict) or not 1 <= len(tree) <= 3:
            raise ProtocolError("unexpected value in message")
        return self.tagged(tree, depth)

    def tagged(self, tree: dict, depth: int) -> Any:
        if "__ndarray__" in tree:
            return self.array(tree)
        if len(tree) > 2:
            raise ProtocolError("unexpected value in message")
        if "__tuple__" in tree:
            return tuple(self.value(v, depth + 1) for v in _as_list(tree["__tuple__"]))
        if "__dict__" in tree:
            out = {}
            for pair in _as_list(tree["__dict__"]):
                if not isinstance(pair, list) or len(pair) != 2 or not _is_key(pair[0]):
                    raise ProtocolError("malformed dict entry in message")
                out[pair[0]] = self.value(pair[1], depth + 1)
            return out
        if "__float__" in tree:
            names = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}
            if tree["__float__"] not in names:
                raise ProtocolError("malformed float in message")
            return names[tree["__float__"]]
        if "__complex__" in tree:
            parts = [self.value(v, depth + 1) for v in _as_list(tree["__complex__"])]
            if len(parts) != 2 or not all(_is_real(p) for p in parts):
                raise ProtocolError("malformed complex number in message")
            return complex(*parts)
        if "__handle__" in tree:
            if not _is_int(tree["__handle__"]) or not isinstance(tree.get("type"), str):
                raise ProtocolError("malformed handle in message")
            handle = Handle(tree["__handle__"], tree["type"][:200])
            self.handles.append(handle)
            return handle
        raise ProtocolError("unexpected tag in message")

    def array(self, tree: dict) -> np.ndarray:
        index, dtype_text, shape = tree.get("__ndarray__"), tree.get("dtype"), tree.get("shape")
        if not _is_int(index) or not 0 <= index < len(self.blobs):
            raise ProtocolError("array reference out of range")
        if index in self.used:
            raise ProtocolError("one array blob is referenced twice")
        self.used.add(index)
        if not isinstance(dtype_text, str) or not _DTYPE.fullmatch(dtype_text):
            raise ProtocolError("array data is not a plain numeric array")
        if not isinstance(shape, list) or len(shape) > MAX_DIMS:
            raise ProtocolError("malformed array shape in message")
        if not all(_is_int(n) and n >= 0 for n in shape):
            raise ProtocolError("malformed array shape in message")
        try:
            dtype = np.dtype(dtype_text)
            blob = self.blobs[index]
            if dtype.itemsize == 0 or math.prod(shape) * dtype.itemsize != len(blob):
                raise ProtocolError("array data does not match its shape and dtype")
            array = np.frombuffer(blob, dtype=dtype).reshape(shape)
        except ProtocolError:
            raise
        except Exception as exc:  # any malformed dtype or shape
            raise ProtocolError(f"malformed array data: {exc}") from None
        if array.dtype.hasobject:
            raise ProtocolError("array data is not a plain numeric array")
        return array


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_real(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_key(value: Any) -> bool:
    return isinstance(value, str) or _is_int(value)


def _as_list(value: Any) -> list:
    if not isinstance(value, list):
        raise ProtocolError("expected a list in message")
    return value


def parse_header(data: bytes) -> dict:
    """The JSON header of a message, refused before parsing when it could be costly.

    Counting brackets bounds the containers ``json.loads`` would build (brackets inside
    strings count too, which only makes the bound stricter); the depth is checked after.
    """
    if data.count(b"[") + data.count(b"{") > MAX_CONTAINERS:
        raise ProtocolError(f"message header holds more than {MAX_CONTAINERS} lists or objects")
    try:
        header = json.loads(data)
    except (ValueError, RecursionError):
        raise ProtocolError("message header is not valid JSON or is nested too deeply") from None
    if not isinstance(header, dict):
        raise ProtocolError("message header is not an object")
    _check_depth(header, MAX_DEPTH + 8)
    return header


def _check_depth(tree: Any, limit: int) -> None:
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            raise ProtocolError("message header is nested too deeply")
        if isinstance(node, list):
            stack += [(v, depth + 1) for v in node if isinstance(v, (list, dict))]
        elif isinstance(node, dict):
            stack += [(v, depth + 1) for v in node.values() if isinstance(v, (list, dict))]


# --------------------------------------------------------------------------- framing


def pack(header: dict, blobs: list) -> bytes:
    """Frame one message."""
    head = json.dumps(header, allow_nan=False).encode()
    parts = [_HEAD.pack(len(head), len(blobs)), head]
    for blob in blobs:
        parts += [_BLOB.pack(len(blob)), blob]
    return b"".join(parts)


def write_message(fd: int, header: dict, blobs: list) -> None:
    """Write one framed message to a blocking file descriptor."""
    data = memoryview(pack(header, blobs))
    while data:
        written = os.write(fd, data)
        data = data[written:]


class Reader:
    """Reads framed messages from a file descriptor, with an optional deadline.

    Bytes that arrive beyond one message are kept for the next read, and a message larger
    than ``limit`` is refused without being buffered whole. Blobs come back as
    ``bytearray`` so that arrays built on them are writable without a copy.
    """

    def __init__(self, fd: int, *, limit: int = MAX_MESSAGE_BYTES) -> None:
        self.fd = fd
        self.limit = limit
        self._buffer = bytearray()
        self._spare = bytearray(65536)  # where a read may run past the current message

    def read(self, deadline: float | None = None) -> tuple[dict, list[bytearray]]:
        json_len, n_blobs = _HEAD.unpack(self._take(_HEAD.size, deadline))
        if json_len > min(self.limit, MAX_HEADER_BYTES) or n_blobs > MAX_BLOBS:
            raise ProtocolError("message header announces an oversized message")
        header = parse_header(bytes(self._take(json_len, deadline)))
        blobs, total = [], json_len
        for _ in range(n_blobs):
            (size,) = _BLOB.unpack(self._take(_BLOB.size, deadline))
            total += size
            if total > self.limit:
                raise ProtocolError(f"message is larger than {self.limit} bytes")
            blobs.append(self._take(size, deadline))
        return header, blobs

    def _take(self, n: int, deadline: float | None) -> bytearray:
        """The next ``n`` bytes: what is buffered, then read straight into place."""
        out = bytearray(n)
        have = min(n, len(self._buffer))
        out[:have] = self._buffer[:have]
        del self._buffer[:have]
        view = memoryview(out)
        while have < n:
            self._wait(deadline)
            got = os.readv(self.fd, [view[have:], self._spare])
            if not got:
                raise ChannelClosed("the worker closed the channel")
            have += got
        if have > n:  # the read ran past this message into the spare buffer
            self._buffer += self._spare[: have - n]
        return out

    def _wait(self, deadline: float | None) -> None:
        if deadline is None:
            return
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise ChannelTimeout("no answer before the deadline")
        ready, _, _ = select.select([self.fd], [], [], remaining)
        if not ready:
            raise ChannelTimeout("no answer before the deadline")
