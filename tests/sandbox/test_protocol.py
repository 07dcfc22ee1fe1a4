"""The wire format: plain data round-trips; anything else is refused."""

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
