"""Reading JSON-LD that someone hands plannlp (``validate``, ``kb load``/``push``, ``trace``).

* **Contexts are local only.** :func:`local_contexts` replaces every ``@context`` reference
  (at the top, in a node, a scoped context inside a term definition, an ``@import``) by the
  bundled context when it names it (:data:`~plannlp.export.jsonld.CONTEXT_URL`) and refuses
  any other (:class:`~plannlp.errors.RemoteDocumentRefused`): a web address, a ``file://``
  address, a relative path. So whichever parser reads the data next (rdflib, pyoxigraph,
  PyLD) has nothing to fetch.
* **The shape plannlp writes** (:func:`shape_problems`): one JSON object, a flat ``@graph``
  of objects, each with an id, and a plan document or a revision trace among them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import RemoteDocumentRefused
from .jsonld import offline_document_loader

DOC_TYPES = frozenset({"PlanDocument", "plannlp:PlanDocument", "https://w3id.org/plannlp/ns#PlanDocument"})
TRACE_TYPES = frozenset({"RevisionTrace", "plannlp:RevisionTrace", "https://w3id.org/plannlp/ns#RevisionTrace"})


def local_contexts(value: Any) -> Any:
    """``value`` with every context reference resolved to the bundled context, or refused."""
    if isinstance(value, list):
        return [local_contexts(item) for item in value]
    if not isinstance(value, dict):
        return value
    return {key: _context(item) if key == "@context" else local_contexts(item) for key, item in value.items()}


def _context(value: Any) -> Any:
    if isinstance(value, str):
        return offline_document_loader(value)["document"]["@context"]
    if isinstance(value, list):
        return [_context(item) for item in value]
    if isinstance(value, dict):
        resolved = local_contexts(value)  # scoped contexts inside term definitions
        if isinstance(value.get("@import"), str):
            imported = _context(resolved.pop("@import"))
            resolved = {**imported, **resolved}  # the importing context's terms win
        return resolved
    return value  # null, or something the parser will reject


def node_types(node: dict) -> set[str]:
    """The node's types as written (``type`` or ``@type``, one or a list)."""
    found = set()
    for key in ("type", "@type"):
        value = node.get(key)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                found.add(item)
    return found


def node_id(node: dict) -> str | None:
    value = node.get("id", node.get("@id"))
    return value if isinstance(value, str) and value else None


def graph_nodes(data: dict) -> list:
    """The nodes of a JSON-LD object: its ``@graph``, or the object itself."""
    return data["@graph"] if "@graph" in data else [data]


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a text", bool: "true/false", type(None): "null"}.get(
        type(value), "a number")


def shape_problems(data: Any) -> list[str]:
    """What keeps ``data`` from being plannlp JSON-LD, in plain words (empty: nothing)."""
    if not isinstance(data, dict):
        return [f"The file holds {_kind(data)}, not a JSON-LD object (plannlp writes one object with a @graph)."]
    nodes = graph_nodes(data)
    if not isinstance(nodes, list):
        return [f"@graph is {_kind(nodes)}, not a list of nodes."]
    problems = []
    for number, node in enumerate(nodes, start=1):
        if not isinstance(node, dict):
            problems.append(f"Node {number} of @graph is {_kind(node)}, not an object.")
        elif node_id(node) is None:
            kind = "/".join(sorted(node_types(node))) or "without a type"
            problems.append(f"Node {number} of @graph ({kind}) has no id; every plannlp node has an IRI.")
    if not any(isinstance(n, dict) and node_types(n) & (DOC_TYPES | TRACE_TYPES) for n in nodes):
        problems.append("The file holds no plan document (a node of type PlanDocument) and no revision trace.")
    return problems


def read_json(path: str | Path, error: type) -> Any:
    """The JSON in ``path``; a missing, unreadable or malformed file raises ``error``."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise error("No such file.", path=path) from e
    except IsADirectoryError as e:
        raise error("This is a folder, not a JSON-LD file.", path=path) from e
    except UnicodeDecodeError as e:
        raise error(f"The file is not UTF-8 text (byte {e.start}); is it JSON-LD?", path=path) from e
    except json.JSONDecodeError as e:
        raise error(f"The file is not JSON (line {e.lineno}: {e.msg}).", path=path) from e
    except RecursionError as e:
        raise error("The JSON is nested too deeply to be a plannlp file.", path=path) from e
    except OSError as e:
        raise error(f"The file cannot be read ({e.strerror or e}).", path=path) from e


def read_jsonld_file(path: str | Path, error: type) -> dict[str, Any]:
    """A plannlp JSON-LD file: JSON, of the shape plannlp writes, every context local.

    A problem raises ``error`` (a PlanNLPError type) naming the file; a context that is not
    the bundled one raises :class:`RemoteDocumentRefused`.
    """
    data = read_json(path, error)
    problems = shape_problems(data)
    if problems:
        more = f" (and {len(problems) - 1} more problem(s); plannlp validate lists them)" if len(problems) > 1 else ""
        raise error(problems[0] + more, path=path)
    try:
        return local_contexts(data)
    except RemoteDocumentRefused as e:
        raise RemoteDocumentRefused(e.message, path=path) from None
    except RecursionError:
        raise error("The JSON-LD is nested too deeply to be a plannlp file.", path=path) from None
