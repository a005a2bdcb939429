"""Validate plannlp JSON-LD against the packaged SHACL shapes, in plain words."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterator
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
        where = f"{self.node}: {self.property}: " if self.property else f"{self.node}: "
        return f"{where}{self.message}{value}"


def _short(iri: str) -> str:
    for prefix, name in (("https://w3id.org/plannlp/ns#", ""), ("http://purl.org/dc/terms/", "dcterms:"),
                         ("https://schema.org/", "schema:"), ("http://www.w3.org/ns/oa#", "oa:"),
                         ("http://www.w3.org/ns/prov#", "prov:")):
        if iri.startswith(prefix):
            return name + iri[len(prefix):]
    return iri


@contextlib.contextmanager
def _quiet_literal_warnings() -> Iterator[None]:
    """rdflib logs a traceback for every ill-typed literal (``"start": "abc"``); the shapes
    report those as violations in plain words, so the traceback is only noise."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def load_graph(data: dict):
    """The RDF graph of a JSON-LD object; contexts come from plannlp only (never fetched)."""
    import rdflib

    from ..export.jsonld_input import local_contexts

    local = local_contexts(data)
    try:
        return rdflib.Graph().parse(data=json.dumps(local, ensure_ascii=False), format="json-ld")
    except Exception as e:  # rdflib raises many parser error types
        raise ValidationFailed(f"The file is not valid JSON-LD ({e}).") from e


def shape_violations(data) -> list[Violation]:
    """What keeps ``data`` from being plannlp JSON-LD at all, as violations of the file."""
    from ..export.jsonld_input import shape_problems

    return [Violation(node="(file)", property="", message=problem) for problem in shape_problems(data)]


def validate_data(data: dict) -> list[Violation]:
    """Every violation of a plannlp JSON-LD object (empty list: valid): first its shape as a
    file (an object, nodes with ids, a plan document), then the SHACL shapes."""
    import pyshacl
    import rdflib
    from rdflib.namespace import SH

    problems = shape_violations(data)
    if problems:
        return problems
    with _quiet_literal_warnings():
        graph = load_graph(data)
    shapes = rdflib.Graph().parse(data_path("shapes.ttl"), format="turtle")
    with _quiet_literal_warnings():
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
    from ..errors import RemoteDocumentRefused
    from ..export.jsonld_input import read_json

    try:
        return validate_data(read_json(path, ValidationFailed))
    except RemoteDocumentRefused as e:
        raise RemoteDocumentRefused(e.message, path=path) from None
