"""Pausing Python's cyclic garbage collector around the work on one document."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a document is read, run or written.

    Extraction, the stages and the writers build hundreds of thousands of small objects
    (tokens, features, JSON-LD nodes) and no reference cycles; every automatic collection
    walks all the objects made so far, which took about a quarter of a long document's
    ingest. Collection resumes afterwards (nested pauses resume at the outermost).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
