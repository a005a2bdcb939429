"""Prefixes every query of the knowledge base may use without declaring them.

``plannlp kb query 'SELECT ?t WHERE { ?d a plannlp:PlanDocument ; dcterms:title ?t }'`` works
as written: the prefixes of plannlp's JSON-LD context (``data/context.jsonld``: ``plannlp:``,
``sdg:``, ``xsd:``, ``schema:``, ``dcterms:``, ``prov:``, ``skos:``, ``oa:``), the W3C's
``rdf:`` and ``rdfs:``, and ``role:`` (plannlp's role IRIs) are declared in front of the
query. A prefix the query declares itself keeps the query's IRI: only the others are added.
They are added on the query's first line, so an error message's line numbers stay right.
"""

from __future__ import annotations

import json
import re
from functools import cache

from ..resources import data_path
from .sparql_guard import without_literals

#: Prefixes that are not in the JSON-LD context (which names terms, not these vocabularies).
EXTRA_PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "role": "https://w3id.org/plannlp/role/",
}
_DECLARED = re.compile(r"(?<![\w?$:])PREFIX\s+([A-Za-z][\w.-]*)?\s*:", re.IGNORECASE)


@cache
def common_prefixes() -> dict[str, str]:
    """Prefix → IRI: the context's vocabulary prefixes (string values ending in ``#`` or ``/``)
    and :data:`EXTRA_PREFIXES`."""
    context = json.loads(data_path("context.jsonld").read_text(encoding="utf-8"))["@context"]
    found = {name: iri for name, iri in context.items()
             if isinstance(iri, str) and not name.startswith("@") and ":" not in name
             and iri.startswith("http") and iri.endswith(("#", "/"))}
    return {**found, **EXTRA_PREFIXES}


def declared_prefixes(sparql: str) -> set[str]:
    """The prefixes the query declares itself (``PREFIX x: <…>``; ``""`` for ``PREFIX :``);
    a PREFIX inside a string, an IRI or a comment is not a declaration."""
    return {(m.group(1) or "") for m in _DECLARED.finditer(without_literals(sparql))}


def with_common_prefixes(sparql: str) -> str:
    """The query with the :func:`common_prefixes` it does not declare declared in front."""
    own = declared_prefixes(sparql)
    added = " ".join(f"PREFIX {name}: <{iri}>" for name, iri in common_prefixes().items() if name not in own)
    return f"{added} {sparql}" if added else sparql
