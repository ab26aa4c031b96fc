"""A scriptable fake upstream on 127.0.0.1 that can misbehave the ways real APIs do."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Reply:
    """One response: status, headers, body, and optional misbehaviour."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    stall: float = 0.0  # seconds to stall after headers, before the body
    truncate_at: int | None = None  # send this many body bytes, then close (Content-Length full)


Handler = Callable[[str, dict[str, list[str]]], Reply]


class FakeUpstream:
    """`route(prefix, handler_or_replies)`; requests are logged in `.requests` (path, query)."""

    def __init__(self) -> None:
        self.routes: list[tuple[str, Handler]] = []
        self.requests: list[tuple[str, dict[str, list[str]], dict[str, str]]] = []
        upstream = self

        class _H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes; without this, Nagle's algorithm and
            # the client's delayed ACK add 40 ms to every keep-alive request.
            disable_nagle_algorithm = True

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = parse_qs(parts.query, keep_blank_values=True)
                upstream.requests.append((parts.path, query, dict(self.headers)))
                reply = upstream.dispatch(parts.path, query)
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                if reply.truncate_at is not None:
                    self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.flush()
                if reply.stall:
                    time.sleep(reply.stall)
                body = reply.body if reply.truncate_at is None else reply.body[: reply.truncate_at]
                try:
                    self.wfile.write(body)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass
                if reply.truncate_at is not None:
                    self.close_connection = True

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _H)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def route(self, prefix: str, handler: Handler | list[Reply] | Reply) -> None:
        """Serve `prefix`: a function of (path, query), one reply always, or replies in turn
        (the last one repeats)."""
        if isinstance(handler, Reply):
            reply = handler
            self.routes.insert(0, (prefix, lambda p, q: reply))
        elif isinstance(handler, list):
            queue = list(handler)
            self.routes.insert(
                0, (prefix, lambda p, q: queue.pop(0) if len(queue) > 1 else queue[0])
            )
        else:
            self.routes.insert(0, (prefix, handler))

    def dispatch(self, path: str, query: dict[str, list[str]]) -> Reply:
        for prefix, handler in self.routes:
            if path.startswith(prefix):
                return handler(path, query)
        return Reply(b'{"error": "no route"}', status=404)

    def hits(self, prefix: str = "") -> int:
        return sum(1 for path, _, _ in self.requests if path.startswith(prefix))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
