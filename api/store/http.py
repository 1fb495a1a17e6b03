"""The official client's HTTP node for plain-HTTP nodes, over the standard library's http.client.

The client's default node goes through urllib3, whose pool, retry and header machinery the
client does not use (the client's transport retries and picks nodes itself). Measured on the
search mix, the default node cost 0.5 ms more CPU per search than this one (bench/README.md,
search). `make_client` uses it only when every node is `http://`; TLS nodes keep the client's
default, with its certificate handling.

It keeps the contract of the client's nodes (`elastic_transport.BaseNode`): the request as
given, the response's status, headers and raw body back, and connection failures raised as
the transport's ConnectionError or ConnectionTimeout, which the transport retries and which
api/web/problems.py answers with 503.
"""

from __future__ import annotations

import http.client
import queue
import select
import socket
import time
import weakref
from typing import Any

from elastic_transport import (
    ApiResponseMeta,
    BaseNode,
    ConnectionError,
    ConnectionTimeout,
    HttpHeaders,
    NodeConfig,
)
from elastic_transport._node import NodeApiResponse
from elastic_transport.client_utils import DEFAULT, DefaultType


class _Connection(http.client.HTTPConnection):
    def connect(self) -> None:
        super().connect()
        # http.client sends the headers and the body in two writes; without this, Nagle's
        # algorithm would hold the body back until the node acknowledged the headers.
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class StdlibHttpNode(BaseNode):
    """One node reached over plain HTTP/1.1 keep-alive connections, kept for reuse."""

    def __init__(self, config: NodeConfig) -> None:
        if config.scheme != "http" or config.http_compress:
            raise ValueError("StdlibHttpNode serves plain, uncompressed HTTP only")
        super().__init__(config)
        # Idle connections, most recently used first; at most connections_per_node are kept.
        self._idle: queue.LifoQueue[_Connection] = queue.LifoQueue(config.connections_per_node)
        # A client dropped without close() (a test's, a replaced worker's) closes its sockets.
        weakref.finalize(self, _close_all, self._idle)

    def perform_request(
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        headers: HttpHeaders | None = None,
        request_timeout: DefaultType | float | None = DEFAULT,
    ) -> NodeApiResponse:
        target = f"{self.path_prefix}{target}"
        request_headers = self._headers.copy()
        if headers:
            request_headers.update(headers)
        timeout = self.config.request_timeout if request_timeout is DEFAULT else request_timeout
        start = time.time()
        connection = self._connection(timeout)
        try:
            connection.request(method, target, body=body or None, headers=request_headers)
            response = connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            failure: Exception
            if isinstance(error, TimeoutError):
                failure = ConnectionTimeout("Connection timed out during request", errors=(error,))
            else:
                failure = ConnectionError(str(error), errors=(error,))
            self._log_request(
                method=method,
                target=target,
                headers=request_headers,
                body=body,
                exception=failure,
            )
            raise failure from error
        self._release(connection)
        meta = ApiResponseMeta(
            node=self.config,
            duration=time.time() - start,
            http_version="1.1",
            status=response.status,
            headers=HttpHeaders(response.getheaders()),
        )
        self._log_request(
            method=method,
            target=target,
            headers=request_headers,
            body=body,
            meta=meta,
            response=data,
        )
        return NodeApiResponse(meta, data)

    def _connection(self, timeout: float | None) -> _Connection:
        """An idle connection the node has not closed meanwhile, or a new one."""
        while True:
            try:
                connection = self._idle.get_nowait()
            except queue.Empty:
                return _Connection(self.host, self.port, timeout=timeout)
            if connection.sock is None or _dropped(connection.sock):
                # Closed by the node while idle (its keep-alive ran out, or it restarted):
                # reusing it would fail the request, so it is not reused.
                connection.close()
                continue
            if connection.timeout != timeout:
                connection.timeout = timeout
                connection.sock.settimeout(timeout)
            return connection

    def _release(self, connection: _Connection) -> None:
        try:
            self._idle.put_nowait(connection)
        except queue.Full:
            connection.close()

    def close(self) -> None:
        _close_all(self._idle)


def _close_all(idle: queue.LifoQueue[_Connection]) -> None:
    while True:
        try:
            idle.get_nowait().close()
        except queue.Empty:
            return


def _dropped(sock: Any) -> bool:
    """An idle keep-alive socket that is readable has been closed by the other end (or holds
    bytes nobody asked for): either way it cannot carry the next request. poll, unlike select,
    works for any file descriptor number."""
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    try:
        return bool(poller.poll(0))
    except OSError:
        return True
