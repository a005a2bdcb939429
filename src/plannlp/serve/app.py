"""The review page: a FastAPI app over a data folder (uploads, results, SQLite).

A thin layer: uploads are ingested with :func:`plannlp.load_pipeline` in one background
thread, the result is kept as the ingest's JSON-LD, and corrections live in SQLite and are
applied on the fly (:mod:`plannlp.serve.review`).
"""

from __future__ import annotations

import hmac
import json
import multiprocessing
import os
import secrets
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote, unquote

from fastapi import FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from fastapi.templating import Jinja2Templates

from ..errors import PlanNLPError
from ..extract import PDF_MAGIC, TEXT_SUFFIXES, media_type_of
from ..extract.text import extract_text
from ..model import ROLES, SDG_GOALS
from . import fragments, review
from .store import Store

#: the largest upload accepted (bytes)
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
#: pages are rendered at this many pixels per PDF point
RENDER_SCALE = 1.5
#: sentences shown at once in the document view (the rest: previous/next links)
VIEW_SENTENCES = 200
#: corrected documents kept in memory (a view reads one without re-reading the file)
CACHED_DOCUMENTS = 8
#: the document view's filters when none is chosen
UNFILTERED = {"role": "", "goal": 0, "section": "", "max_confidence": 1.0}
#: the latest corrections listed (each with its own undo button) in the document view
HISTORY_SHOWN = 100
CSRF_COOKIE = "plannlp_csrf"
#: PDFium is not thread-safe: every page size and render in the server holds this lock
PDFIUM_LOCK = threading.Lock()
NAME_COOKIE = "plannlp_reviewer"

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))  # autoescape on for .html
TEMPLATES.env.auto_reload = False  # each template compiled once per process, never re-checked on disk
TEMPLATES.env.globals["role_colours"] = review.ROLE_COLOURS


def check_upload(data: bytes, name: str) -> tuple[str, str]:
    """(media type, stored suffix) of an upload, judged by its content; HTTP 400 otherwise."""
    if not data.strip():
        raise HTTPException(400, "The file is empty.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise HTTPException(413, f"The file is larger than the limit of {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
    if media_type_of(data, "upload.pdf" if PDF_MAGIC in data[:1024] else "upload.txt") == "application/pdf":
        return "application/pdf", ".pdf"
    if name.lower().endswith(".pdf"):
        raise HTTPException(400, "The file is named .pdf but is not a PDF (it does not start with %PDF-).")
    try:
        extract_text(data, name)
    except PlanNLPError as e:
        raise HTTPException(400, f"Neither a PDF nor readable text: {e}") from e
    return "text/plain", ".txt"


_PIPELINE = None


def ingest_file(db: str, doc_id: str, path: str, name: str, result: str) -> str | None:
    """Ingest ``path`` (in the ingest process) and write its JSON-LD to ``result``; the
    error's message, or None when done. The pipeline is loaded once per process."""
    global _PIPELINE
    import sqlite3

    import plannlp
    from plannlp.export import jsonld_text
    from plannlp.export.jsonld import to_jsonld
    from plannlp.serve.store import write_progress

    with sqlite3.connect(db, timeout=30) as connection:  # the server sets done or failed
        connection.execute("UPDATE documents SET status='running' WHERE id=? AND status='queued'", (doc_id,))
    try:
        if _PIPELINE is None:
            _PIPELINE = plannlp.load_pipeline(workers=1, keep_tokens=False)
        doc = _PIPELINE.ingest(path, name=name, progress=lambda p: write_progress(db, doc_id, p))
        tmp = Path(result + ".tmp")
        tmp.write_text(jsonld_text(to_jsonld(doc)), encoding="utf-8")
        tmp.replace(result)
    except PlanNLPError as e:
        return str(e)
    except Exception as e:  # a bug: still say so on the page
        return f"Internal error: {type(e).__name__}: {e}"
    return None


def render_page(pdf, number: int, out: Path) -> None:
    """Page ``number`` of the open PDFium document as a PNG at ``out`` (written atomically)."""
    image = pdf[number - 1].render(scale=RENDER_SCALE).to_pil()
    tmp = out.with_name(f"{out.stem}-{os.getpid()}-{threading.get_ident()}.tmp")
    image.save(tmp, format="PNG", compress_level=1)
    tmp.replace(out)


def prerender_pages(path: str, cache: str, doc_id: str) -> None:
    """Every page of a PDF rendered into the cache (in the ingest process, after its ingest),
    so views need not render while staff read."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        for number in range(1, len(pdf) + 1):
            out = Path(cache) / f"{doc_id}-{number}.png"
            if not out.exists():
                render_page(pdf, number, out)
    finally:
        pdf.close()


def ingest_name(name: str, stored: str) -> str:
    """The name the pipeline reads the file under: the uploaded name, unless its extension
    contradicts the content (extract judges a text file's kind by its extension)."""
    suffix, stored_suffix = Path(name).suffix.lower(), Path(stored).suffix
    if suffix == stored_suffix or (stored_suffix == ".txt" and suffix in TEXT_SUFFIXES):
        return name
    return Path(name).stem + stored_suffix


def create_app(data_dir: str | Path) -> FastAPI:
    store = Store(Path(data_dir))
    # one ingest at a time, in its own process: PDFium is not thread-safe (pages are rendered
    # in this process, under PDFIUM_LOCK), and a crash while reading a file cannot take the
    # server down
    executor = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))

    def finished(doc_id: str, future) -> None:
        try:
            error = future.result()
        except Exception as e:  # the process died (BrokenProcessPool) or a bug
            error = f"The ingest process failed: {type(e).__name__}: {e}"
        store.set_status(doc_id, "failed" if error else "done", error)
        row = store.document(doc_id)
        if not error and row["media_type"] == "application/pdf":
            try:
                executor.submit(prerender_pages, str(store.upload_path(row)), str(store.data_dir / "cache"), doc_id)
            except RuntimeError:  # shutting down or a broken pool: pages render on demand
                pass
        if not error:  # the view's data and its unfiltered page made now, not by the first reader
            loaded(doc_id).fragments.warm(UNFILTERED)
            if row["media_type"] == "application/pdf":
                page_size(doc_id, 1)

    def submit(doc_id: str) -> None:
        nonlocal executor
        row = store.document(doc_id)
        job = (ingest_file, str(store.db_path), doc_id, str(store.upload_path(row)),
               ingest_name(row["name"], row["stored"]), str(store.result_path(doc_id)))
        try:
            future = executor.submit(*job)
        except BrokenProcessPool:  # a previous ingest killed the process: start a new one
            executor = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
            future = executor.submit(*job)
        future.add_done_callback(lambda f: finished(doc_id, f))

    corrected_cache: dict = {}  # (document, correction ids) → corrected JSON-LD; read-only once made
    cache_lock = threading.Lock()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        executor.shutdown(wait=False, cancel_futures=True)  # the ingest process ends with the server

    app = FastAPI(title="plannlp review", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.store = store

    # -- helpers -------------------------------------------------------------------------

    def render(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
        token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
        context.update(request=request, csrf=token, reviewer=reviewer_name(request))
        response = TEMPLATES.TemplateResponse(request, template, context, status_code=status_code)
        if request.cookies.get(CSRF_COOKIE) != token:
            response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict")
        return response

    def check_csrf(request: Request, token: str | None) -> None:
        cookie = request.cookies.get(CSRF_COOKIE)
        if not cookie or not token or not hmac.compare_digest(cookie, token):
            raise HTTPException(403, "Missing or wrong CSRF token: reload the page and try again.")

    def loaded(doc_id: str) -> review.Reviewed:
        row = store.document(doc_id)
        if row is None:
            raise HTTPException(404, "No such document.")
        if row["status"] != "done":
            raise HTTPException(409, f"The document is not ingested yet (status: {row['status']}).")
        corrections = store.corrections(doc_id)
        key = (doc_id, tuple(c["id"] for c in corrections))
        with cache_lock:  # one thread builds it, the others wait for it (no stampede)
            if key not in corrected_cache:
                data = json.loads(store.result_path(doc_id).read_text(encoding="utf-8"))
                if len(corrected_cache) >= CACHED_DOCUMENTS:
                    corrected_cache.pop(next(iter(corrected_cache)))
                reviewed = review.Reviewed.of(review.apply_corrections(data, corrections))
                reviewed.fragments = fragments.Fragments(
                    reviewed.sentences, reviewed.sections, role_names=review.ROLE_NAMES,
                    goal_names=review.goal_names(), goal_colours=review.GOAL_COLOURS, low=review.LOW_CONFIDENCE)
                corrected_cache[key] = reviewed
            return corrected_cache[key]

    def done_document(doc_id: str) -> dict:
        return loaded(doc_id).data

    def reviewer_name(request: Request) -> str:
        return unquote(request.cookies.get(NAME_COOKIE, "")).strip()  # cookies are ASCII: stored quoted

    def reviewer(request: Request) -> str:
        name = reviewer_name(request)
        if not name:
            raise HTTPException(400, "Enter your name first (it is stored with each correction).")
        return name

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        if "text/html" in request.headers.get("accept", ""):
            return render(request, "error.html", status_code=exc.status_code, message=exc.detail)
        return PlainTextResponse(str(exc.detail), status_code=exc.status_code)

    # -- routes --------------------------------------------------------------------------

    @app.get("/healthz")
    def healthz():
        return JSONResponse({"status": "ok"})

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request):
        return render(request, "index.html", documents=store.documents(), max_mb=MAX_UPLOAD_BYTES // (1024 * 1024))

    @app.get("/documents/{doc_id}/status")
    def status(doc_id: str):
        row = store.document(doc_id)
        if row is None:
            raise HTTPException(404, "No such document.")
        return {"id": doc_id, "status": row["status"], "error": row["error"], "progress": row["progress"],
                "stage": row["stage"]}

    @app.post("/documents")
    async def upload(request: Request, file: UploadFile = File(...), csrf: str = Form("")):  # noqa: B008
        check_csrf(request, csrf)
        data = await file.read(MAX_UPLOAD_BYTES + 1)
        name = Path((file.filename or "upload").replace("\\", "/")).name or "upload"
        media_type, suffix = check_upload(data, name)
        doc_id = store.add_document(name, suffix, media_type, data)
        submit(doc_id)
        return RedirectResponse(f"/documents/{doc_id}", status_code=303)

    @app.post("/reviewer")
    def set_reviewer(request: Request, name: str = Form(...), csrf: str = Form(""), next: str = Form("/")):
        check_csrf(request, csrf)
        target = next if next.startswith("/") and not next.startswith(("//", "/\\")) else "/"
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(NAME_COOKIE, quote(name.strip()[:80]), samesite="strict", max_age=365 * 86400)
        return response

    @app.get("/documents/{doc_id}", response_class=HTMLResponse)
    def view(request: Request, doc_id: str, role: str = UNFILTERED["role"], goal: int = UNFILTERED["goal"],
             section: str = UNFILTERED["section"], max_confidence: float = UNFILTERED["max_confidence"],
             s: str = "", start: int = 0):
        row = store.document(doc_id)
        if row is None:
            raise HTTPException(404, "No such document.")
        if row["status"] != "done":
            return render(request, "pending.html", doc=row)
        reviewed = loaded(doc_id)
        sentences = reviewed.sentences
        shown = [x for x in sentences
                 if (not role or x.role == role) and (not goal or any(g["goal"] == goal for g in x.goals))
                 and (not section or (x.section_id or "") == section or (x.section_id or "").startswith(section + "."))
                 and (max_confidence >= 1.0 or (x.confidence is not None and x.confidence <= max_confidence))]
        matching = len(shown)
        at = next((i for i, x in enumerate(shown) if x.id == s), None)
        if at is not None:  # the window holds the selected sentence
            start = at - at % VIEW_SENTENCES
        start = max(0, min(start, max(matching - 1, 0)))
        shown = shown[start:start + VIEW_SENTENCES]
        selected = reviewed.by_id.get(s, shown[0] if shown else None)
        page_view = None
        if selected and selected.page and row["media_type"] == "application/pdf":
            width, height = page_size(doc_id, selected.page)
            page_view = {"number": selected.page, "width": width, "height": height,
                         "boxes": [review_box(b, width, height) for b in selected.boxes if b[0] == selected.page]}
        filters = {"role": role, "goal": goal, "section": section, "max_confidence": max_confidence}
        return render(request, "document.html", doc=row, sentences=shown,
                      items=reviewed.fragments.items(shown, filters), section_links=reviewed.fragments.nav(filters),
                      query=lambda over=None: fragments.query(filters, over),
                      total=len(sentences), matching=matching, start=start, window=VIEW_SENTENCES, selected=selected, page=page_view, filters=filters,
                      roles=ROLES, role_names=review.ROLE_NAMES, goals=SDG_GOALS,
                      goal_names=review.goal_names(), goal_colours=review.GOAL_COLOURS,
                      low=review.LOW_CONFIDENCE, corrections=store.corrections(doc_id),
                      history=store.corrections(doc_id, include_undone=True)[::-1][:HISTORY_SHOWN],
                      others=[d for d in store.documents() if d["status"] == "done" and d["id"] != doc_id])

    def review_box(box, width: float, height: float) -> dict:
        """A box in PDF points (origin bottom-left) as percentages of the rendered image."""
        _, x0, y0, x1, y1 = box
        return {"left": 100 * x0 / width, "top": 100 * (height - y1) / height,
                "width": 100 * (x1 - x0) / width, "height": 100 * (y1 - y0) / height}

    page_sizes: dict[str, list[tuple[float, float]]] = {}

    def page_size(doc_id: str, number: int) -> tuple[float, float]:
        import pypdfium2 as pdfium

        with PDFIUM_LOCK:
            if doc_id not in page_sizes:
                pdf = pdfium.PdfDocument(str(store.upload_path(store.document(doc_id))))
                try:
                    page_sizes[doc_id] = [tuple(pdf.get_page_size(i)) for i in range(len(pdf))]
                finally:
                    pdf.close()
            return page_sizes[doc_id][number - 1]

    @app.get("/documents/{doc_id}/pages/{number}.png")
    def page_png(doc_id: str, number: int):
        import pypdfium2 as pdfium

        row = store.document(doc_id)
        if row is None or row["media_type"] != "application/pdf":
            raise HTTPException(404, "No such PDF document.")
        cached = store.data_dir / "cache" / f"{doc_id}-{number}.png"
        if not cached.exists():
            with PDFIUM_LOCK:
                pdf = pdfium.PdfDocument(str(store.upload_path(row)))
                try:
                    if not 1 <= number <= len(pdf):
                        raise HTTPException(404, f"The document has no page {number}.")
                    render_page(pdf, number, cached)
                finally:
                    pdf.close()
        return Response(cached.read_bytes(), media_type="image/png")

    @app.post("/documents/{doc_id}/corrections")
    def correct(request: Request, doc_id: str, sentence: str = Form(...), kind: str = Form(...),
                value: str = Form(...), csrf: str = Form(""), back: str = Form("")):
        check_csrf(request, csrf)
        who = reviewer(request)
        if sentence not in loaded(doc_id).ids:
            raise HTTPException(400, "No such sentence in this document.")
        if kind == "role" and value not in ROLES:
            raise HTTPException(400, f"A role is one of {', '.join(ROLES)}.")
        if kind in ("add_goal", "remove_goal") and (not value.isdigit() or int(value) not in SDG_GOALS):
            raise HTTPException(400, "A goal is a number from 1 to 17.")
        if kind not in ("role", "add_goal", "remove_goal"):
            raise HTTPException(400, "A correction is a role, an added goal or a removed goal.")
        store.add_correction(doc_id, sentence, kind, value, who)
        return RedirectResponse(safe_back(back, doc_id), status_code=303)

    @app.post("/documents/{doc_id}/undo")
    def undo(request: Request, doc_id: str, csrf: str = Form(""), back: str = Form("")):
        check_csrf(request, csrf)
        store.undo_last(doc_id, reviewer(request))
        return RedirectResponse(safe_back(back, doc_id), status_code=303)

    @app.post("/documents/{doc_id}/corrections/{correction_id}/undo")
    def undo_one(request: Request, doc_id: str, correction_id: int, csrf: str = Form(""), back: str = Form("")):
        check_csrf(request, csrf)
        if not store.undo(doc_id, correction_id, reviewer(request)):
            raise HTTPException(404, "No such correction of this document, or it is undone already.")
        return RedirectResponse(safe_back(back, doc_id), status_code=303)

    def safe_back(back: str, doc_id: str) -> str:
        return back if back.startswith(f"/documents/{doc_id}") else f"/documents/{doc_id}"

    @app.get("/documents/{doc_id}/trace", response_class=HTMLResponse)
    def trace(doc_id: str, old: str):
        """The 新旧対照表 of this draft against an earlier plan in the data folder (both as
        corrected), reusing plannlp.trace's HTML report."""
        from ..export.jsonld import from_jsonld
        from ..trace.report import to_html, trace_documents

        if old == doc_id:
            raise HTTPException(400, "Pick an earlier plan other than this one.")
        result = trace_documents(from_jsonld(done_document(old)), from_jsonld(done_document(doc_id)))
        return HTMLResponse(to_html(result))

    @app.get("/documents/{doc_id}/export.jsonld")
    def export_jsonld(doc_id: str):
        from ..export import jsonld_text

        reviewed = loaded(doc_id)
        if reviewed.jsonld is None:  # made once per set of corrections
            reviewed.jsonld = jsonld_text(reviewed.data)
        return Response(reviewed.jsonld, media_type="application/ld+json",
                        headers={"Content-Disposition": f'attachment; filename="{doc_id}.jsonld"'})

    @app.get("/documents/{doc_id}/export.csv")
    def export_csv(doc_id: str):
        return Response(review.to_csv(done_document(doc_id)), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{doc_id}.csv"'})

    @app.get("/documents/{doc_id}/export.xlsx")
    def export_xlsx(doc_id: str):
        return Response(review.to_xlsx(done_document(doc_id)), media_type=review.XLSX_MEDIA_TYPE,
                        headers={"Content-Disposition": f'attachment; filename="{doc_id}.xlsx"'})

    return app
