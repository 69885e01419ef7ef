"""An AS's notification endpoint on the standard library, for the tests.

A ``ThreadingHTTPServer`` on 127.0.0.1 that parses each POSTed body with the generated model it is
given, keeps what it parsed, and answers 204 (400 when the body does not parse, so that the
server records the failure and the test sees it).
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, List, Optional


@dataclass
class Received:
    """One notification as the receiver got it."""

    path: str
    content_type: str
    body: str
    parsed: Any
    error: Optional[str]


class NotificationReceiver:
    """Listens on 127.0.0.1 (port 0: a free one) and parses every POST with ``parse``."""

    def __init__(self, parse: Callable[[str], Any], port: int = 0) -> None:
        self._queue: "queue.Queue[Received]" = queue.Queue()
        self._received: List[Received] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode("utf-8")
                try:
                    parsed, error = parse(body), None
                except Exception as exc:  # a body the generated models refuse
                    parsed, error = None, f"{type(exc).__name__}: {exc}"
                receiver._queue.put(Received(self.path, self.headers.get("Content-Type", ""), body, parsed, error))
                self.send_response(400 if error else 204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        # A short poll interval: close() waits for the serving loop to notice.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        """An absolute URL on this receiver."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{path}"

    def wait_for(self, count: int, timeout: float = 10.0) -> List[Received]:
        """The first ``count`` notifications, waiting at most ``timeout`` seconds in all."""
        deadline = time.monotonic() + timeout
        while len(self._received) < count and time.monotonic() < deadline:
            try:
                self._received.append(self._queue.get(timeout=0.05))
            except queue.Empty:
                pass
        assert len(self._received) >= count, (
            f"expected {count} notifications within {timeout} s, got {len(self._received)}: "
            + "; ".join(r.body for r in self._received)
        )
        return self._received[:count]

    def first(self, matches: Callable[[Received], bool], timeout: float = 10.0) -> Received:
        """The first notification ``matches`` accepts (others are kept), waiting at most ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            found = next((r for r in self._received if matches(r)), None)
            if found is not None:
                return found
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no matching notification within {timeout} s; got: " + "; ".join(r.body for r in self._received)
            try:
                self._received.append(self._queue.get(timeout=min(remaining, 0.05)))
            except queue.Empty:
                pass

    def all_after(self, quiet: float) -> List[Received]:
        """Everything received, once nothing more has come for ``quiet`` seconds."""
        while True:
            try:
                self._received.append(self._queue.get(timeout=quiet))
            except queue.Empty:
                return list(self._received)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
