"""``plannlp serve``: a review page for planning staff (FastAPI + Jinja2, SQLite).

Upload a draft, check and correct each sentence's role and SDG goals, export the corrected
document. See docs/serve.md. Needs the ``serve`` extra (fastapi, uvicorn, python-multipart,
jinja2).
"""

from .app import MAX_UPLOAD_BYTES, create_app

__all__ = ["MAX_UPLOAD_BYTES", "create_app"]
