"""Validate plannlp JSON-LD against the packaged SHACL shapes, in plain words."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import ValidationFailed
from ..resources import data_path


@dataclass(frozen=True)
class Violation:
    node: str
    property: str
    message: str
    value: str | None = None

    def __str__(self) -> str:
        value = f" (found: {self.value})" if self.value is not None else ""
        return f"{self.node}: {self.property}: {self.message}{value}"


def _short(iri: str) -> str:
    for prefix, name in (("https://w3id.org/plannlp/ns#", ""), ("http://purl.org/dc/terms/", "dcterms:"),
                         ("https://schema.org/", "schema:"), ("http://www.w3.org/ns/oa#", "oa:"),
                         ("http://www.w3.org/ns/prov#", "prov:")):
        if iri.startswith(prefix):
            return name + iri[len(prefix):]
    return iri


def load_graph(data: dict):
    import rdflib

    try:
        return rdflib.Graph().parse(data=json.dumps(data, ensure_ascii=False), format="json-ld")
    except Exception as e:  # rdflib raises many parser error types
        raise ValidationFailed(f"The file is not valid JSON-LD ({e}).") from e


def validate_data(data: dict) -> list[Violation]:
    """Every SHACL violation of a plannlp JSON-LD object (empty list: valid)."""
    import pyshacl
    import rdflib
    from rdflib.namespace import SH

    graph = load_graph(data)
    shapes = rdflib.Graph().parse(data_path("shapes.ttl"), format="turtle")
    _, results, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none", allow_warnings=True)
    violations = []
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        node = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        value = results.value(result, SH.value)
        violations.append(Violation(
            node=str(node), property=_short(str(path)) if path is not None else "",
            message=str(message) if message is not None else "does not match the shape",
            value=str(value) if value is not None else None,
        ))
    return sorted(violations, key=lambda v: (v.node, v.property, v.message))


def validate_file(path: str | Path) -> list[Violation]:
    from ..export.jsonld import read_jsonld_file

    return validate_data(read_jsonld_file(path, ValidationFailed))
