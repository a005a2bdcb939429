"""Small servers on 127.0.0.1 for fault-injection tests of the knowledge base.

* :class:`GraphStore`: a SPARQL 1.1 Graph Store Protocol stub that keeps graphs (N-Triples
  lines as sets): ``PUT`` replaces a graph, ``POST`` adds to it, ``GET`` returns it; every
  request is recorded.
* :class:`Recorder`: answers 200 to anything and records the request (to show that no
  request reaches it).
* :class:`Silent`: a listening socket that never accepts or answers.
"""

from __future__ import annotations

import socket
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Server:
    handler: type[BaseHTTPRequestHandler]

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, str]]] = []  # method, path, headers
        owner = self

        class Handler(self.handler):  # type: ignore[misc, valid-type]
            server_owner = owner

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _RecordingHandler(BaseHTTPRequestHandler):
    server_owner: _Server

    def _record(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server_owner.requests.append((self.command, self.path, dict(self.headers)))
        return body

    def _answer(self, status: int, body: bytes = b"", content_type: str = "text/plain") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _AnyHandler(_RecordingHandler):
    def do_GET(self) -> None:  # noqa: N802
        self._record()
        self._answer(200, b'{"@context": {}}', "application/ld+json")

    do_POST = do_PUT = do_GET  # noqa: N815


class Recorder(_Server):
    handler = _AnyHandler


class _GraphStoreHandler(_RecordingHandler):
    server_owner: GraphStore

    def _graph(self) -> str:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        return query.get("graph", ["default"])[0]

    def do_PUT(self) -> None:  # noqa: N802
        lines = set(self._record().decode().splitlines())
        created = self._graph() not in self.server_owner.graphs
        self.server_owner.graphs[self._graph()] = lines
        self._answer(201 if created else 204)

    def do_POST(self) -> None:  # noqa: N802
        lines = set(self._record().decode().splitlines())
        self.server_owner.graphs.setdefault(self._graph(), set()).update(lines)
        self._answer(204)

    def do_GET(self) -> None:  # noqa: N802
        self._record()
        lines = self.server_owner.graphs.get(self._graph())
        if lines is None:
            self._answer(404)
        else:
            self._answer(200, "\n".join(sorted(lines)).encode(), "application/n-triples")


class GraphStore(_Server):
    handler = _GraphStoreHandler

    def __init__(self) -> None:
        self.graphs: dict[str, set[str]] = {}
        super().__init__()


class Silent:
    """A TCP port on 127.0.0.1 that takes connections into its backlog and never answers."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(8)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.socket.getsockname()[1]}"

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.socket.close()


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
