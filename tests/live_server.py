"""The app served over real HTTP on a free port (uvicorn in a thread of the test process), for
tests that need real sockets and the real event loop: one request must not hold the others."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.applications import Starlette

from tests.conftest import free_port


@contextmanager
def serving(app: Starlette, shutdown_seconds: int = 3) -> Iterator[str]:
    """The app's base URL while it is served; the matcher is built before it is yielded."""
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=shutdown_seconds
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="test-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server started"
        time.sleep(0.05)
    assert app.state.matcher.wait_ready(120), "the matcher was built from the store"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)
