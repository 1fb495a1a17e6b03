"""The client's plain-HTTP node (api/store/http.py): what the store asks of it, against the real
node, and the failures the node's connections meet, against a small local HTTP server."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from elastic_transport import ConnectionError, ConnectionTimeout, Urllib3HttpNode
from elasticsearch import NotFoundError

from api.config import load_settings
from api.store import Failure, classify, make_client
from api.store.http import StdlibHttpNode
from tests.support.services import ES_URL, closed_port_url


def nodes(client: object) -> list[object]:
    return list(client.transport.node_pool.all())  # type: ignore[attr-defined]


def test_plain_http_nodes_use_the_stdlib_node_and_tls_nodes_the_default():
    plain = make_client(load_settings(es_url="http://127.0.0.1:9200,http://127.0.0.1:9201"))
    assert {type(node) for node in nodes(plain)} == {StdlibHttpNode}
    tls = make_client(load_settings(es_url="https://127.0.0.1:9200"))
    assert {type(node) for node in nodes(tls)} == {Urllib3HttpNode}


def test_requests_answers_and_errors_go_through_unchanged(es):
    client = make_client(load_settings(es_url=ES_URL), max_retries=0)
    index = f"test-es-http-{time.monotonic_ns()}"
    client.index(index=index, id="1", document={"title": "Kharkiv"}, refresh=True)
    try:
        body = {"query": {"match": {"title": "kharkiv"}}}
        for _ in range(3):  # the same kept-alive connection each time
            found = client.search(index=index, body=body)
            assert found["hits"]["total"]["value"] == 1
            assert found.meta.headers["x-elastic-product"] == "Elasticsearch"
        assert client.indices.exists(index=index)  # HEAD: no body
        with pytest.raises(NotFoundError):
            client.get(index=index, id="missing")
        assert client.get(index=index, id="1")["_source"] == {"title": "Kharkiv"}
    finally:
        client.indices.delete(index=index)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive unless the handler closes
    delay = 0.0
    close_after = False

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's naming
        time.sleep(self.delay)
        payload = b'{"ok": true}'
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("X-Elastic-Product", "Elasticsearch")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:  # the client gave up waiting (the timeout test)
            self.close_connection = True
            return
        # Close without announcing it, as a node does when a kept-alive connection idles out.
        self.close_connection = self.close_after

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, type[_Handler]]]:
    handler = type("Handler", (_Handler,), {})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", handler
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_connection_the_server_closed_while_idle_is_not_reused(server):
    url, handler = server
    handler.close_after = True
    client = make_client(load_settings(es_url=url), max_retries=0)
    for _ in range(3):
        # With no retries, a request sent on the closed connection would fail.
        assert client.perform_request("GET", "/").body == {"ok": True}
        time.sleep(0.05)  # the server's close reaches the idle socket


def test_a_slow_answer_is_a_connection_timeout_which_means_unavailable(server):
    url, handler = server
    handler.delay = 1.0
    client = make_client(load_settings(es_url=url), max_retries=0, request_timeout=0.2)
    with pytest.raises(ConnectionTimeout) as raised:
        client.perform_request("GET", "/")
    assert classify(raised.value) is Failure.UNAVAILABLE
    handler.delay = 0.0
    assert client.perform_request("GET", "/").body == {"ok": True}  # a new connection


def test_a_node_that_is_down_is_a_connection_error_which_means_unavailable():
    client = make_client(load_settings(es_url=closed_port_url()), max_retries=0)
    with pytest.raises(ConnectionError) as raised:
        client.perform_request("GET", "/")
    assert classify(raised.value) is Failure.UNAVAILABLE
