"""Keeping a worker's resident memory near its start-up size.

Parsing a large page (lxml trees, trafilatura's copies, spaCy's arrays) allocates hundreds of
MB in C that are freed when the request ends, but glibc keeps the freed pages mapped, and
scattered over its per-thread arenas, so a worker's RSS only grows (bench/README.md, soak).
`malloc_trim(0)` hands every free page back to the OS; it costs a few ms, so it runs after
requests with a large body only. Whatever stays is bounded by gunicorn's max_requests.
"""

from __future__ import annotations

import ctypes
import ctypes.util

from flask import Flask, request

# Requests whose body is at least this large leave enough freed memory behind to trim.
LARGE_BODY_BYTES = 256 * 1024


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name) if name else None


_LIBC = _libc()


def release_free_memory() -> None:
    """Hand the heap's free pages back to the OS; a no-op without glibc's malloc_trim."""
    trim = getattr(_LIBC, "malloc_trim", None)
    if trim is not None:
        trim(0)


def init_app(app: Flask) -> None:
    @app.teardown_request
    def trim_after_large_bodies(error: BaseException | None) -> None:
        if (request.content_length or 0) >= LARGE_BODY_BYTES:
            release_free_memory()
