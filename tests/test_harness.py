"""bench.harness.wait_healthy, which the gunicorn tests wait with: a server slow to take its
first connection is waited for, one that never answers still fails the test."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from bench.harness import free_port, wait_healthy

# Longer than the one 5 s request the reload test made before it polled.
LATE = 6.0


@contextmanager
def _answering_late(delay: float) -> Iterator[str]:
    """A port that listens at once but accepts only after ``delay``, as gunicorn's socket does
    while a new worker imports the app: connections wait in the backlog meanwhile."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=64)
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        if stop.wait(delay):
            return
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                try:
                    conn.recv(65536)
                    conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")
                except OSError:
                    pass  # a try the client already gave up on

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        listener.close()


def test_a_server_slow_to_accept_is_waited_for() -> None:
    with _answering_late(LATE) as url:
        started = time.monotonic()
        wait_healthy(url, 60)
        assert time.monotonic() - started >= LATE - 0.5


def test_a_closed_port_fails_at_the_deadline() -> None:
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        wait_healthy(f"http://127.0.0.1:{free_port()}", 1)
    assert time.monotonic() - started < 5


def test_a_port_that_never_accepts_fails_at_the_deadline() -> None:
    with _answering_late(3600) as url:
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            wait_healthy(url, 1)
        assert time.monotonic() - started < 5
