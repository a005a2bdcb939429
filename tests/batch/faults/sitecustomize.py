"""Fault injection for the batch tests (not part of plannlp).

A Python process started with this folder first on ``PYTHONPATH`` and with
``PLANNLP_TEST_KILL_MARKER`` set kills itself with SIGKILL — as the kernel's out-of-memory
killer or a crash in a native library would — when it is given a plan file whose bytes
contain the marker. Only batch worker processes read plan files through
``plannlp.batch.document.process_document`` (patched here, also where the engines
imported it), so the main process of a run is never hit.
"""

import os

_MARKER = os.environ.get("PLANNLP_TEST_KILL_MARKER", "").encode()

if _MARKER:
    import signal

    import plannlp.batch.document as _document
    import plannlp.batch.engines as _engines

    _process_document = _document.process_document

    def process_document(item, *args, **kwargs):
        with open(item.path, "rb") as handle:
            if _MARKER in handle.read():
                os.kill(os.getpid(), signal.SIGKILL)
        return _process_document(item, *args, **kwargs)

    process_document.__module__ = _process_document.__module__
    _document.process_document = _engines.process_document = process_document
