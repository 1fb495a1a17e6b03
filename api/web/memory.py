"""Keeping a worker's resident memory near its start-up size.

Parsing a large page (lxml trees, trafilatura's copies, the pipeline's strings) takes about 110 MB
more for a 5 MB page (bench/README.md, soak), freed when the request ends; but glibc keeps the
freed pages mapped, scattered over its per-thread arenas, so a worker's RSS only grew. Two
rules bound it:
- a worker handles one large body at a time (its other threads go on serving small requests
  and searches): extraction is CPU-bound and holds the GIL, so running two at once in one
  process bought no throughput, only twice the peak;
- after every request with a body (every write: extraction allocates even for short texts),
  `malloc_trim(0)` hands every free page back to the OS (about 1 ms, 3 ms after a large page).
Whatever stays is bounded by gunicorn's max_requests (gunicorn.conf.py).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import threading

from flask import Flask, g, request

# Bodies at least this large are parsed one at a time.
LARGE_BODY_BYTES = 256 * 1024
_large_body = threading.BoundedSemaphore(1)


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name) if name else None


_LIBC = _libc()


def release_free_memory() -> None:
    """Hand the heap's free pages back to the OS; a no-op without glibc's malloc_trim."""
    trim = getattr(_LIBC, "malloc_trim", None)
    if trim is not None:
        trim(0)


def freeze_loaded_heap() -> None:
    """Before the fork: keep what is loaded so far out of every later garbage collection.

    What is loaded before the fork (about 390,000 objects: the gazetteer, the models, the app)
    lives as long as the process. Frozen, the collector never walks it again: each full
    collection in a worker walked all of it, 0.6 ms of CPU per search on average
    (bench/README.md, search), and touched every page, which copied the shared memory into
    each worker. A request allocates and frees thousands of containers (a parsed page of
    hits); at the default threshold of 700 that started one or two collections per search for
    nothing, since nearly all of it is freed by reference counting. At 10,000 a collection
    runs about once per 1,000 searches (the cyclic garbage of a request is small), and the
    young generation stays small.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def init_app(app: Flask) -> None:
    @app.before_request
    def one_large_body_at_a_time() -> None:
        if (request.content_length or 0) >= LARGE_BODY_BYTES:
            _large_body.acquire()
            g.holds_large_body_slot = True

    @app.teardown_request
    def give_freed_memory_back(error: BaseException | None) -> None:
        holds_slot = g.pop("holds_large_body_slot", False)
        try:
            if request.content_length:
                release_free_memory()
        finally:
            if holds_slot:
                _large_body.release()
