"""Push plan graphs to a SPARQL 1.1 Graph Store Protocol endpoint (Oxigraph, Fuseki, Virtuoso…).

Each document goes to its own named graph with an HTTP ``PUT`` (``?graph=<document IRI>``),
which *replaces* that graph on the server: pushing twice does not duplicate anything.
"""

from __future__ import annotations

import base64
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import KnowledgeBaseError
from .store import KnowledgeBase


@dataclass(frozen=True)
class Pushed:
    graph: str
    triples: int
    status: int


def put_graph(endpoint: str, graph: str, ntriples: bytes, *, user: str | None = None,
              password: str | None = None, timeout: float = 60.0) -> int:
    url = f"{endpoint}{'&' if '?' in endpoint else '?'}graph={urllib.parse.quote(graph, safe='')}"
    request = urllib.request.Request(url, data=ntriples, method="PUT",
                                     headers={"Content-Type": "application/n-triples"})
    if user is not None:
        token = base64.b64encode(f"{user}:{password or ''}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as e:
        detail = e.read().decode("utf-8", "replace")[:200]
        raise KnowledgeBaseError(f"The endpoint refused graph {graph}: HTTP {e.code} {detail}",
                                 hint="Check the Graph Store Protocol URL and your credentials.") from e
    except urllib.error.URLError as e:
        raise KnowledgeBaseError(f"Cannot reach {endpoint} ({e.reason}).",
                                 hint="Is the SPARQL server running, and is the URL right?") from e


def push_files(paths: Iterable[str | Path], endpoint: str, *, user: str | None = None,
               password: str | None = None) -> list[Pushed]:
    """Load files into a temporary in-memory store, then PUT each document's graph."""
    staging = KnowledgeBase()
    loaded = staging.load_files(paths)
    return [Pushed(g.iri, g.triples, put_graph(endpoint, g.iri, staging.dump_graph(g.iri), user=user,
                                                password=password)) for g in loaded]
