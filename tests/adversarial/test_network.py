"""No network at all: not even to a port the test itself opens on 127.0.0.1."""

from __future__ import annotations

import socket

from adversarial.arena import DOUBLE_POINTS, HONEST_DOUBLE, NORM_TESTS, failed, output_of


def test_no_connection_reaches_a_listener_on_localhost(arena):
    tcp = socket.socket()
    tcp.bind(("127.0.0.1", 0))
    tcp.listen(8)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    tcp_port, udp_port = tcp.getsockname()[1], udp.getsockname()[1]
    try:
        result = arena.grade(
            HONEST_DOUBLE
            + f"""
import socket


def norm(x):
    outcomes = []
    for attempt in ("tcp", "udp", "dns", "ipv6"):
        try:
            if attempt == "tcp":
                socket.create_connection(("127.0.0.1", {tcp_port}), timeout=0.5).sendall(b"hi")
            elif attempt == "udp":
                udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                udp.sendto(b"hi", ("127.0.0.1", {udp_port}))
            elif attempt == "dns":
                socket.getaddrinfo("pypi.org", 443)
            else:
                socket.create_connection(("::1", {tcp_port}), timeout=0.5)
            outcomes.append(attempt + " worked")
        except OSError as exc:
            outcomes.append(f"{{attempt}} failed: {{exc.strerror or exc}}")
    raise ConnectionError("; ".join(outcomes))
"""
        )
        tcp.settimeout(0.3)
        udp.settimeout(0.3)
        for listener in (tcp.accept, lambda: udp.recvfrom(16)):
            try:
                listener()
                arrived = True
            except OSError:
                arrived = False
            assert not arrived, "a connection from student code arrived"
    finally:
        tcp.close()
        udp.close()
    assert result.status == "ok"
    assert failed(result) == NORM_TESTS
    assert result.score == DOUBLE_POINTS
    message = output_of(result, "test_norm")
    assert "worked" not in message
    assert "tcp failed: Network is unreachable" in message
