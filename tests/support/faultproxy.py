"""A loopback HTTP proxy in front of a real server (Elasticsearch, the NER server) that
misbehaves on demand.

The service under test talks to the proxy; tests switch its mode to simulate a server that is
down, slow, answering garbage or refusing bulk requests, without disturbing the real server
other tests share.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


class FaultProxy:
    def __init__(self, upstream: str) -> None:
        target = urlsplit(upstream)
        self.upstream = (target.hostname or "127.0.0.1", target.port or 9200)
        self.mode = "pass"
        self.delay = 0.0
        self.failures_left = 0
        self.bulk_requests = 0
        self.requests = 0
        self._server: ThreadingHTTPServer | None = None
        self._connections: set[socket.socket] = set()
        self.port = 0
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Listen (again) on the same port."""
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def setup(self) -> None:
                super().setup()
                proxy._connections.add(self.connection)

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with contextlib.suppress(OSError):  # the proxy was stopped mid-answer
                    proxy.respond(self, body)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        self.port = server.server_address[1]
        self._server = server
        threading.Thread(target=server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        """Stop listening: clients see connection refused, as with a stopped node."""
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        # Kept-alive connections would otherwise go on being served.
        for connection in list(self._connections):
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()
        self._connections.clear()

    def respond(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        is_bulk = handler.path.split("?")[0].endswith("/_bulk")
        self.requests += 1
        if is_bulk:
            self.bulk_requests += 1
        if self.mode == "slow":
            time.sleep(self.delay)
        if self.mode == "garbage":
            handler.send_response(200)
            handler.send_header("Content-Length", "9")
            handler.end_headers()
            handler.wfile.write(b"<b>oops</b>"[:9])
            return
        if is_bulk and self.failures_left > 0 and self.mode in {"bulk_429", "items_429"}:
            self.failures_left -= 1
            if self.mode == "bulk_429":
                self._send(handler, 429, {"error": "too many requests", "status": 429})
            else:
                self._send(handler, 200, _all_items_rejected(body))
            return
        self._forward(handler, body)

    def _forward(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        connection = http.client.HTTPConnection(*self.upstream, timeout=60)
        try:
            headers = {k: v for k, v in handler.headers.items() if k.lower() != "host"}
            connection.request(handler.command, handler.path, body=body or None, headers=headers)
            upstream = connection.getresponse()
            payload = upstream.read()
        finally:
            connection.close()
        handler.send_response(upstream.status)
        for name, value in upstream.getheaders():
            if name.lower() not in {"transfer-encoding", "connection", "content-length"}:
                handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    def _send(self, handler: BaseHTTPRequestHandler, status: int, document: dict) -> None:
        payload = json.dumps(document).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("X-Elastic-Product", "Elasticsearch")
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)


def _all_items_rejected(body: bytes) -> dict:
    """A bulk answer in which the node refused every item as busy (429)."""
    lines = [json.loads(line) for line in body.splitlines() if line.strip()]
    items = []
    for action in lines[::2]:
        op, meta = next(iter(action.items()))
        items.append(
            {
                op: {
                    "_index": meta.get("_index"),
                    "_id": meta.get("_id"),
                    "status": 429,
                    "error": {"type": "es_rejected_execution_exception", "reason": "queue full"},
                }
            }
        )
    return {"took": 1, "errors": True, "items": items}
