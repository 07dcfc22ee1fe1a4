"""What a call into student code costs: the wire format alone, and a whole round trip.

    .venv/bin/python benchmarks/protocol.py            # 2000 calls
    .venv/bin/python benchmarks/protocol.py -n 10000

Measures, for a few typical values (a small array, a larger one, a list of floats):

- the codec: ``encode`` + ``pack`` + ``Reader.read`` + ``decode`` through a pipe, and for
  arrays the ``np.save``/``np.load`` round trip the wire format used before, for scale;
- whole calls: ``Session.call`` of a one-line student function in a real worker (the
  zygote's best isolation mode), calls per second.

It only uses APIs the previous wire format had too, so running it against an older
checkout (``PYTHONPATH=/path/to/old/checkout``) gives the before figures. Prints figures;
asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from autograder.sandbox.protocol import Reader, decode, encode, pack
from autograder.sandbox.session import Chunk, Session
from autograder.sandbox.zygote_launcher import ZygoteLauncher, ZygoteServer

VALUES = {
    "array 10x3": np.random.default_rng(0).random((10, 3)),
    "array 256x256": np.random.default_rng(1).random((256, 256)),
    "list of 100 floats": [float(i) / 7 for i in range(100)],
}
STUDENT = "def echo(x):\n    return x\n"


def codec_round_trip(value, n: int) -> float:
    """Median seconds for one value to be encoded, framed, read from a pipe and decoded."""
    r, w = os.pipe()
    reader = Reader(r)
    times = []
    for _ in range(n):
        started = time.perf_counter()
        blobs: list = []
        data = pack({"value": encode(value, blobs)}, blobs)
        writer = threading.Thread(target=os.write, args=(w, data)) if len(data) > 60_000 else None
        if writer:
            writer.start()
        else:
            os.write(w, data)
        header, got = reader.read(deadline=None)
        decode(header["value"], got)
        if writer:
            writer.join()
        times.append(time.perf_counter() - started)
    os.close(r)
    os.close(w)
    return statistics.median(times)


def npy_round_trip(array: np.ndarray, n: int) -> float:
    """Median seconds for ``np.save`` + ``np.load`` of ``array`` (the former blob format)."""
    times = []
    for _ in range(n):
        started = time.perf_counter()
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        np.load(io.BytesIO(buffer.getvalue()), allow_pickle=False)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def calls_per_second(server: ZygoteServer, value, n: int) -> float:
    """Whole ``Session.call`` round trips per second, to a worker echoing its argument."""
    scratch = Path(tempfile.mkdtemp(prefix="autograder-bench-"))
    session = Session(
        ZygoteLauncher(server),
        scratch,
        "echo",
        [Chunk("echo.py", STUDENT)],
        call_timeout=30,
        total_timeout=600,
    )
    try:
        session.start()
        session.call(["echo"], (value,), {})
        started = time.perf_counter()
        for _ in range(n):
            session.call(["echo"], (value,), {})
        return n / (time.perf_counter() - started)
    finally:
        session.close()
        shutil.rmtree(scratch, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=2000, help="round trips per figure")
    args = parser.parse_args()
    print(f"{'value':22}{'codec':>12}{'np.save/load':>14}{'calls/s':>10}")
    server = ZygoteServer()
    try:
        for label, value in VALUES.items():
            codec = codec_round_trip(value, args.n)
            npy = npy_round_trip(value, args.n) if isinstance(value, np.ndarray) else None
            rate = calls_per_second(server, value, args.n)
            npy_text = f"{npy * 1e6:10.1f} us" if npy is not None else f"{'-':>13}"
            print(f"{label:22}{codec * 1e6:9.1f} us{npy_text:>14}{rate:10.0f}")
    finally:
        server.close()
    print(f"(mode {server.report['mode']}; medians over {args.n} round trips; codec times")
    print(" include the pipe; np.save/load is the array part of the former format alone)")


if __name__ == "__main__":
    main()
