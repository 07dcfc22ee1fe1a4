"""The wire format: plain data round-trips; anything else is refused."""

import json
import math
import os

import numpy as np
import pytest

from autograder.sandbox.protocol import (
    ChannelClosed,
    ChannelTimeout,
    Handle,
    ProtocolError,
    Reader,
    decode,
    encode,
    pack,
    write_message,
)


def roundtrip(value):
    blobs: list[bytes] = []
    return decode(encode(value, blobs), blobs)


def test_plain_values_round_trip_with_their_types():
    value = {"a": [1, 2.5, None, True, "s"], 3: (1, (2, 3)), "c": complex(1, -2)}
    assert roundtrip(value) == value
    assert isinstance(roundtrip((1, 2)), tuple)


def test_non_finite_floats_survive():
    out = roundtrip([math.nan, math.inf, -math.inf])
    assert math.isnan(out[0]) and out[1] == math.inf and out[2] == -math.inf


def test_arrays_keep_dtype_shape_and_values():
    array = np.arange(12, dtype=np.float32).reshape(3, 4)
    out = roundtrip({"w": array})["w"]
    assert out.dtype == np.float32 and out.shape == (3, 4)
    np.testing.assert_array_equal(out, array)


def test_array_subclass_arrives_as_a_plain_ndarray():
    class Liar(np.ndarray):
        def __eq__(self, other):
            return True

    out = roundtrip(np.ones(3).view(Liar))
    assert type(out) is np.ndarray


def test_object_arrays_and_unknown_objects_are_refused():
    with pytest.raises(ProtocolError, match="dtype=object"):
        encode(np.array([object()]), [])
    with pytest.raises(ProtocolError, match="cannot send a value of type"):
        encode(object(), [])


def test_pickled_npy_blob_is_rejected_on_decode():
    import io
    import pickle

    buffer = io.BytesIO()
    np.save(buffer, np.array([{"x": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ProtocolError):
        decode({"__ndarray__": 0}, [buffer.getvalue()])
    with pytest.raises(ProtocolError):
        decode({"__ndarray__": 0}, [pickle.dumps([1, 2])])


def test_unknown_tags_and_bad_references_are_rejected():
    for tree in (
        {"__pickle__": "x"},
        {"__ndarray__": 5},
        {"__dict__": [[1]]},
        {"a": 1, "b": 2, "c": 3},
    ):
        with pytest.raises(ProtocolError):
            decode(tree, [])


def test_handles_cross_as_handles():
    out = roundtrip(Handle(7, "Net"))
    assert isinstance(out, Handle) and (out.id, out.type_name) == (7, "Net")


def test_reader_reads_messages_split_and_batched():
    r, w = os.pipe()
    blobs: list[bytes] = []
    header = {"value": encode(np.eye(2), blobs)}
    data = pack(header, blobs) * 2
    os.write(w, data[:5])
    os.write(w, data[5:])
    reader = Reader(r)
    for _ in range(2):
        got, got_blobs = reader.read(deadline=None)
        np.testing.assert_array_equal(decode(got["value"], got_blobs), np.eye(2))
    os.close(w)
    with pytest.raises(ChannelClosed):
        reader.read()
    os.close(r)


def test_reader_times_out_and_refuses_oversized_messages():
    import time

    r, w = os.pipe()
    with pytest.raises(ChannelTimeout):
        Reader(r).read(deadline=time.monotonic() + 0.05)
    write_message(w, {"x": 1}, [b"0" * 2000])
    with pytest.raises(ProtocolError, match="larger than"):
        Reader(r, limit=1000).read(deadline=time.monotonic() + 1)
    os.close(r)
    os.close(w)


# ----------------------------------------------------------------- forged replies


def frame(header_bytes: bytes, blobs: list[bytes] = ()) -> bytes:
    import struct

    parts = [struct.pack(">II", len(header_bytes), len(blobs)), header_bytes]
    for blob in blobs:
        parts += [struct.pack(">Q", len(blob)), blob]
    return b"".join(parts)


def read_forged(data: bytes):
    import threading
    import time

    r, w = os.pipe()
    writer = threading.Thread(target=lambda: (os.write(w, data), os.close(w)))
    writer.start()
    try:
        header, blobs = Reader(r).read(deadline=time.monotonic() + 10)
        return decode(header.get("value"), blobs, deadline=time.monotonic() + 10)
    finally:
        writer.join()
        os.close(r)


def test_one_blob_referenced_twice_is_refused():
    blob = np.ones(4).tobytes()
    ref = {"__ndarray__": 0, "dtype": "<f8", "shape": [4]}
    header = {"ok": True, "value": [ref, ref]}
    with pytest.raises(ProtocolError, match="referenced twice"):
        read_forged(frame(json.dumps(header).encode(), [blob]))


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ({"__ndarray__": 0, "dtype": "|O8", "shape": [1]}, "plain numeric"),
        ({"__ndarray__": 0, "dtype": "<f8", "shape": [3]}, "does not match"),
        ({"__ndarray__": 0, "dtype": "<f8", "shape": [-1, -4]}, "shape"),
        ({"__ndarray__": 0, "dtype": "<f8", "shape": [2**40, 2**40, 0]}, "does not match"),
        ({"__ndarray__": 0, "dtype": "i4,i4", "shape": [2]}, "plain numeric"),
        ({"__complex__": [[1], 2]}, "complex"),
        ({"__float__": "banana"}, "float"),
    ],
)
def test_forged_array_and_tag_fields_are_refused(value, words):
    blob = np.ones(4).tobytes()
    with pytest.raises(ProtocolError, match=words):
        read_forged(frame(json.dumps({"ok": True, "value": value}).encode(), [blob]))


def test_deep_nesting_is_a_protocol_error_not_a_recursion_error():
    deep = b'{"ok": true, "value": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with pytest.raises(ProtocolError, match="nested too deeply"):
        read_forged(frame(deep))
    medium = b'{"ok": true, "value": ' + b"[" * 500 + b"]" * 500 + b"}"
    with pytest.raises(ProtocolError, match="nested too deeply"):
        read_forged(frame(medium))


def test_millions_of_empty_lists_are_refused_before_parsing():
    many = b'{"ok": true, "value": [' + b"[]," * 2_000_000 + b"[]]}"
    with pytest.raises(ProtocolError, match="oversized|more than"):
        read_forged(frame(many))
    within_size = b'{"ok": true, "value": [' + b"[]," * 600_000 + b"[]]}"
    with pytest.raises(ProtocolError, match="more than 500000 lists"):
        read_forged(frame(within_size))


def test_decoding_stops_at_the_deadline():
    import time

    tree = [[0] * 10 for _ in range(10_000)]
    with pytest.raises(ChannelTimeout):
        decode(tree, [], deadline=time.monotonic() - 1)


def test_arrays_arrive_writable_and_in_c_order():
    array = np.asfortranarray(np.arange(6.0).reshape(2, 3))
    blobs: list = []
    tree = encode(array, blobs)
    out = decode(tree, [bytearray(bytes(b)) for b in blobs])
    out[0, 0] = 7.0
    np.testing.assert_array_equal(out[:, 1:], array[:, 1:])
    assert out.flags.c_contiguous


def test_string_bool_and_empty_arrays_round_trip():
    for array in (np.array(["ab", "c"]), np.array([True, False]), np.zeros((0, 3)), np.float64(2)):
        out = roundtrip(array)
        np.testing.assert_array_equal(out, array)


def test_captured_output_keeps_the_start_and_counts_the_rest():
    from autograder.sandbox.client import CapturedOutput

    captured = CapturedOutput(limit=10)
    captured.add(b"0123456789abc")
    captured.add(b"def")
    assert captured.text().startswith("0123456789\n")
    assert "[... 6 more bytes of output were dropped]" in captured.text()


def test_zero_dimensional_arrays_keep_their_shape():
    out = roundtrip(np.array(2.5))
    assert out.shape == () and out == 2.5
