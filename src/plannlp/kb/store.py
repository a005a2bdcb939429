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
from ..export.jsonld_input import (
    DOC_TYPES,
    TRACE_TYPES,
    graph_nodes,
    local_contexts,
    node_id,
    node_types,
)
from .prefixes import with_common_prefixes
from .sparql_guard import uses_service


@dataclass(frozen=True)
class LoadedGraph:
    iri: str
    triples: int


@dataclass(frozen=True)
class QueryResult:
    """A query's answer as text cells (``None``: unbound), and each literal cell's datatype
    IRI (``None`` for IRIs, blank nodes, unbound cells), so numbers can be written as numbers
    (:func:`plannlp.kb.results.json_records`)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str | None, ...], ...]
    datatypes: tuple[tuple[str | None, ...], ...] = ()


XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
#: Named graph of the nodes plans share (municipalities), so the union holds them once.
SHARED_GRAPH = "https://w3id.org/plannlp/shared"


def document_graphs(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Split a plannlp JSON-LD object into (graph IRI, JSON-LD): one graph per document, and
    the shared graph for nodes that belong to no single document (municipalities). A revision
    trace's links go into one graph named after the trace. Every context is resolved locally
    (:func:`~plannlp.export.jsonld_input.local_contexts`): nothing is fetched."""
    data = local_contexts(data)
    context = data.get("@context")
    nodes = [n for n in graph_nodes(data) if isinstance(n, dict)]
    documents = [n for n in nodes if node_types(n) & DOC_TYPES and node_id(n)]
    traces = [n for n in nodes if node_types(n) & TRACE_TYPES and node_id(n)]
    if traces and not documents:
        # a trace (plannlp trace --format jsonld): its links form one replaceable graph
        yield node_id(traces[0]), {"@context": context, "@graph": nodes}
        return
    if not documents:
        raise KnowledgeBaseError("The file holds no plan document and no revision trace.")
    claimed = set()
    for iri in [node_id(d) for d in documents]:
        own = [n for n in nodes if (node_id(n) or "").startswith(iri)]
        claimed.update(id(n) for n in own)
        yield iri, {"@context": context, "@graph": own}
    shared = [n for n in nodes if id(n) not in claimed]
    if shared:
        yield SHARED_GRAPH, {"@context": context, "@graph": shared}


#: The file that marks a folder as a plannlp knowledge base (written when the store is made).
STORE_MARKER = "PLANNLP_STORE"
#: Files of the RocksDB folder pyoxigraph writes (a store made before the marker existed).
ROCKSDB_FILES = ("CURRENT", "IDENTITY")


def is_store(folder: Path) -> bool:
    """Whether ``folder`` is a plannlp knowledge base (its marker, or pyoxigraph's files)."""
    return (folder / STORE_MARKER).is_file() or (
        all((folder / name).is_file() for name in ROCKSDB_FILES) and any(folder.glob("MANIFEST-*")))


def store_folder(directory: str | Path, *, create: bool) -> Path:
    """The folder of a store, checked: a plannlp store, or (``create``) a new or empty folder,
    which gets the marker. A folder holding anything else is never turned into a store."""
    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        raise KnowledgeBaseError("This is a file, not a knowledge-base folder.", path=folder)
    if folder.is_dir() and is_store(folder):
        return folder
    empty = not folder.exists() or not any(folder.iterdir())
    if not create:
        raise KnowledgeBaseError(
            "There is no knowledge base here" + ("." if empty else " (the folder holds other files)."),
            path=folder, hint=f"Load plans first: plannlp kb load FILE.jsonld --store {folder}")
    if not empty:
        raise KnowledgeBaseError(
            "This folder holds other files and is not a plannlp knowledge base; plannlp will not "
            "turn it into one.", path=folder, hint="Give a new or empty folder to --store.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / STORE_MARKER).write_text("plannlp knowledge base (pyoxigraph store)\n", encoding="utf-8")
    except OSError as e:
        raise KnowledgeBaseError(f"Cannot create the knowledge base ({e.strerror or e}).", path=folder) from e
    return folder


def damaged(folder: str | Path | None, error: Exception) -> KnowledgeBaseError:
    """The error for a store that pyoxigraph cannot read (RocksDB corruption, I/O error)."""
    return KnowledgeBaseError(
        f"The knowledge base cannot be read; it is damaged or was written by another program ({error}).",
        path=folder, hint="Load the plans again into a new folder: plannlp kb load *.jsonld --store NEW_FOLDER")


class KnowledgeBase:
    """A plannlp knowledge base in ``directory`` (``None``: in memory, for tests)."""

    def __init__(self, directory: str | Path | None = None, *, create: bool = True,
                 allow_service: bool = False) -> None:
        """``create``: a missing or empty folder becomes a new store (``kb load``); otherwise
        the folder must already be one (``kb query``/``kb ask``). ``allow_service``: let
        queries call other SPARQL servers (``SERVICE``; refused by default)."""
        import pyoxigraph

        self._ox = pyoxigraph
        self.directory = directory
        self.allow_service = allow_service
        folder = store_folder(directory, create=create) if directory else None
        try:
            self.store = pyoxigraph.Store(str(folder)) if folder else pyoxigraph.Store()
        except OSError as e:
            if "lock" not in str(e).lower():
                raise damaged(directory, e) from e
            raise KnowledgeBaseError(f"Cannot open the store ({e}).", path=directory,
                                     hint="Is another plannlp process using it?") from e
        except RuntimeError as e:  # RocksDB: "Corruption: …"
            raise damaged(directory, e) from e

    # -- loading ---------------------------------------------------------------------------

    def load_data(self, data: dict[str, Any]) -> list[LoadedGraph]:
        loaded = []
        for iri, graph_data in document_graphs(data):
            graph = self._ox.NamedNode(iri)
            payload = json.dumps(graph_data, ensure_ascii=False).encode("utf-8")
            try:
                if iri != SHARED_GRAPH and self.store.contains_named_graph(graph):
                    self.store.remove_graph(graph)  # a document's graph is replaced, never merged
                self.store.load(input=payload, format=self._ox.RdfFormat.JSON_LD, to_graph=graph)
                count = sum(1 for _ in self.store.quads_for_pattern(None, None, None, graph))
            except SyntaxError as e:
                raise KnowledgeBaseError(f"The JSON-LD of {iri} cannot be read ({e}).") from e
            except (OSError, RuntimeError) as e:
                raise damaged(self.directory, e) from e
            loaded.append(LoadedGraph(iri, count))
        try:
            self.store.flush()
        except (OSError, RuntimeError) as e:
            raise damaged(self.directory, e) from e
        return loaded

    def load_file(self, path: str | Path) -> list[LoadedGraph]:
        from ..export.jsonld_input import read_jsonld_file

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
        """A SELECT query's rows, or an ASK query's answer (one column ``answer``: true/false).

        A query with ``SERVICE`` (which would make the store send requests to other servers)
        is refused unless the store was opened with ``allow_service=True``. The common
        prefixes (:mod:`plannlp.kb.prefixes`) need no PREFIX line."""
        if not self.allow_service and uses_service(sparql):
            raise KnowledgeBaseError(
                "The query calls another SPARQL server (SERVICE); plannlp refuses that by default, "
                "since the request would leave this computer.",
                hint="If you trust the query and the server it names, add --allow-service.")
        try:
            result = self.store.query(with_common_prefixes(sparql), use_default_graph_as_union=True)
            if isinstance(result, self._ox.QueryBoolean):
                return QueryResult(("answer",), ((str(bool(result)).lower(),),), ((XSD_BOOLEAN,),))
            if not isinstance(result, self._ox.QuerySolutions):
                raise KnowledgeBaseError("Only SELECT and ASK queries are supported here.")
            columns = tuple(v.value for v in result.variables)
            solutions = [tuple(solution[c] for c in columns) for solution in result]
        except SyntaxError as e:
            raise KnowledgeBaseError(f"The SPARQL query is not valid: {e}") from e
        except (OSError, RuntimeError) as e:
            raise damaged(self.directory, e) from e
        return QueryResult(columns, tuple(tuple(map(_plain, terms)) for terms in solutions),
                           tuple(tuple(map(self._datatype, terms)) for terms in solutions))

    def _datatype(self, term) -> str | None:
        return term.datatype.value if isinstance(term, self._ox.Literal) else None

    def dump_graph(self, iri: str) -> bytes:
        """One document's graph as N-Triples (for pushing to another store)."""
        return self.store.dump(format=self._ox.RdfFormat.N_TRIPLES, from_graph=self._ox.NamedNode(iri))


def _plain(term) -> str | None:
    if term is None:
        return None
    return term.value
