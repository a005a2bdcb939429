"""The embedded knowledge base: an on-disk RDF store (pyoxigraph) with one named graph per plan.

Each plan document goes into the named graph whose IRI is the document's IRI (made from the
source file's sha256). Loading a document again *replaces* its graph, so reloading never
duplicates anything. Queries see the union of all graphs (``GRAPH ?g { … }`` also works).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import KnowledgeBaseError

DOC_TYPES = {"PlanDocument", "plannlp:PlanDocument", "https://w3id.org/plannlp/ns#PlanDocument"}
TRACE_TYPES = {"RevisionTrace", "plannlp:RevisionTrace", "https://w3id.org/plannlp/ns#RevisionTrace"}


@dataclass(frozen=True)
class LoadedGraph:
    iri: str
    triples: int


@dataclass(frozen=True)
class QueryResult:
    columns: tuple[str, ...]
    rows: tuple[tuple[str | None, ...], ...]


#: Named graph of the nodes plans share (municipalities), so the union holds them once.
SHARED_GRAPH = "https://w3id.org/plannlp/shared"


def document_graphs(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Split a plannlp JSON-LD object into (graph IRI, JSON-LD): one graph per document, and
    the shared graph for nodes that belong to no single document (municipalities). A revision
    trace's links go into one graph named after the trace."""
    context = data.get("@context")
    nodes = data.get("@graph", [data])
    documents = [n for n in nodes if n.get("type") in DOC_TYPES or n.get("@type") in DOC_TYPES]
    traces = [n for n in nodes if n.get("type") in TRACE_TYPES or n.get("@type") in TRACE_TYPES]
    if traces and not documents:
        # a trace (plannlp trace --format jsonld): its links form one replaceable graph
        yield traces[0].get("id") or traces[0]["@id"], {"@context": context, "@graph": nodes}
        return
    if not documents:
        raise KnowledgeBaseError("The file holds no plan document and no revision trace.")
    iris = [d.get("id") or d["@id"] for d in documents]
    claimed = set()
    for iri in iris:
        own = [n for n in nodes if (n.get("id") or n.get("@id", "")).startswith(iri)]
        claimed.update(id(n) for n in own)
        yield iri, {"@context": context, "@graph": own}
    shared = [n for n in nodes if id(n) not in claimed]
    if shared:
        yield SHARED_GRAPH, {"@context": context, "@graph": shared}


class KnowledgeBase:
    """A plannlp knowledge base in ``directory`` (``None``: in memory, for tests)."""

    def __init__(self, directory: str | Path | None = None) -> None:
        import pyoxigraph

        self._ox = pyoxigraph
        try:
            self.store = pyoxigraph.Store(str(directory)) if directory else pyoxigraph.Store()
        except OSError as e:
            raise KnowledgeBaseError(f"Cannot open the store ({e}).", path=directory,
                                     hint="Is another plannlp process using it?") from e

    # -- loading ---------------------------------------------------------------------------

    def load_data(self, data: dict[str, Any]) -> list[LoadedGraph]:
        loaded = []
        for iri, graph_data in document_graphs(data):
            graph = self._ox.NamedNode(iri)
            payload = json.dumps(graph_data, ensure_ascii=False).encode("utf-8")
            if iri != SHARED_GRAPH and self.store.contains_named_graph(graph):
                self.store.remove_graph(graph)  # a document's graph is replaced, never merged
            try:
                self.store.load(input=payload, format=self._ox.RdfFormat.JSON_LD, to_graph=graph)
            except SyntaxError as e:
                raise KnowledgeBaseError(f"The JSON-LD of {iri} cannot be read ({e}).") from e
            count = sum(1 for _ in self.store.quads_for_pattern(None, None, None, graph))
            loaded.append(LoadedGraph(iri, count))
        self.store.flush()
        return loaded

    def load_file(self, path: str | Path) -> list[LoadedGraph]:
        from ..export.jsonld import read_jsonld_file

        return self.load_data(read_jsonld_file(path, KnowledgeBaseError))

    def load_files(self, paths: Iterable[str | Path]) -> list[LoadedGraph]:
        return [graph for path in paths for graph in self.load_file(path)]

    # -- reading ----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.store)

    def graphs(self) -> list[str]:
        """The documents' graphs (not the shared graph, not revision traces)."""
        return sorted(g.value for g in self.store.named_graphs()
                      if g.value != SHARED_GRAPH and "/trace/" not in g.value)

    def query(self, sparql: str) -> QueryResult:
        try:
            result = self.store.query(sparql, use_default_graph_as_union=True)
        except SyntaxError as e:
            raise KnowledgeBaseError(f"The SPARQL query is not valid: {e}") from e
        if isinstance(result, bool):
            return QueryResult(("answer",), ((str(result).lower(),),))
        if not hasattr(result, "variables"):
            raise KnowledgeBaseError("Only SELECT and ASK queries are supported here.")
        columns = tuple(v.value for v in result.variables)
        rows = tuple(
            tuple(_plain(solution[c]) for c in columns)
            for solution in result
        )
        return QueryResult(columns, rows)

    def dump_graph(self, iri: str) -> bytes:
        """One document's graph as N-Triples (for pushing to another store)."""
        return self.store.dump(format=self._ox.RdfFormat.N_TRIPLES, from_graph=self._ox.NamedNode(iri))


def _plain(term) -> str | None:
    if term is None:
        return None
    return term.value
