"""The review page under load: 20 concurrent document views of a 200-page plan.

    python benchmarks/bench_serve.py [--pages 200] [--clients 20]

Builds a plan of ``--pages`` pages from the seed PDF's pages (pypdf), ingests it through the
page (``POST /documents``) on a local uvicorn server, then has ``--clients`` threads each open
the document view with a sentence selected on a different page and fetch that page's PNG
(pre-rendered by the ingest process after the ingest; else on first request), all at once. Prints each kind of request's median and
worst time; the target of #17 is under 1 s per page render.
"""

from __future__ import annotations

import argparse
import re
import socket
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED_PDF = REPO / "tests" / "fixtures" / "pdf" / "seed002_layout.pdf"


def build_pdf(pages: int, out: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    reader, writer = PdfReader(SEED_PDF), PdfWriter()
    for i in range(pages):
        writer.add_page(reader.pages[i % len(reader.pages)])
    with out.open("wb") as handle:
        writer.write(handle)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--clients", type=int, default=20)
    args = parser.parse_args()

    import httpx
    import uvicorn

    from plannlp.serve import create_app

    work = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    plan = work / "plan.pdf"
    build_pdf(args.pages, plan)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(work / "data"), host="127.0.0.1", port=port,
                                           log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"

    with httpx.Client(base_url=base, timeout=600) as client:
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text).group(1)
        started = time.perf_counter()
        response = client.post("/documents", follow_redirects=False, files={"file": (plan.name, plan.read_bytes())}, data={"csrf": token})
        doc = response.headers["location"].rsplit("/", 1)[-1]
        while client.get(f"/documents/{doc}/status").json()["status"] not in ("done", "failed"):
            time.sleep(0.5)
        print(f"ingest of {args.pages} pages: {time.perf_counter() - started:.1f} s "
              f"({client.get(f'/documents/{doc}/status').json()['status']})")
        graph = client.get(f"/documents/{doc}/export.jsonld").json()["@graph"]
    started = time.perf_counter()  # the ingest process pre-renders every page after the ingest
    cache = work / "data" / "cache"
    while len(list(cache.glob(f"{doc}-*.png"))) < args.pages and time.perf_counter() - started < 600:
        time.sleep(0.5)
    print(f"pages pre-rendered {time.perf_counter() - started:.1f} s after the ingest")
    first_on_page = {}
    for node in graph:
        if node.get("type") == "Sentence" and node.get("page"):
            first_on_page.setdefault(node["page"], node["id"].rsplit("#", 1)[-1])
    pages = sorted(first_on_page)
    print(f"{sum(1 for n in graph if n.get('type') == 'Sentence')} sentences on {len(pages)} pages")

    def one_view(k: int) -> tuple[float, float]:
        number = pages[(k * len(pages)) // args.clients]
        with httpx.Client(base_url=base, timeout=600) as c:
            t0 = time.perf_counter()
            assert c.get(f"/documents/{doc}", params={"s": first_on_page[number]}).status_code == 200
            t1 = time.perf_counter()
            assert c.get(f"/documents/{doc}/pages/{number}.png").status_code == 200
            return t1 - t0, time.perf_counter() - t1

    with ThreadPoolExecutor(args.clients) as pool:
        times = list(pool.map(one_view, range(args.clients)))
    for label, values in (("document view", [t[0] for t in times]), ("page render", [t[1] for t in times])):
        print(f"{label}: median {statistics.median(values):.3f} s, worst {max(values):.3f} s "
              f"({args.clients} concurrent)")
    server.should_exit = True
    return 0


if __name__ == "__main__":
    sys.exit(main())
