"""The knowledge base under hostile input and faults (issue #16, part B): servers on 127.0.0.1
that keep graphs, record requests or never answer; damaged stores; malformed JSON-LD."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from kb_servers import GraphStore, Recorder, Silent

from conftest import seed_path
from plannlp.cli import cli
from plannlp.errors import EndpointError, KnowledgeBaseError, RemoteDocumentRefused
from plannlp.export import write_document
from plannlp.export.jsonld import CONTEXT_URL
from plannlp.kb.push import push_files
from plannlp.kb.store import SHARED_GRAPH, KnowledgeBase


@pytest.fixture(scope="module")
def plans(default_pipeline, tmp_path_factory):
    """Two plans of two municipalities: 佐久市 (seed 000) and 安中市 (seed 004)."""
    folder = tmp_path_factory.mktemp("plans")
    paths = {}
    for key in ("000", "004"):
        paths[key] = folder / f"{key}.jsonld"
        write_document(default_pipeline.ingest(seed_path(key)), paths[key])
    return paths


def _one_line_error(result) -> str:
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("plannlp: [E")]
    assert len(lines) == 1, result.output
    return lines[0]


# -- item 3: pushing plan B keeps what plan A put in the shared graph ------------------------


def test_pushing_plan_b_keeps_the_municipality_of_plan_a(plans):
    with GraphStore() as server:
        push_files([plans["000"]], server.url + "/store")
        saku = {line for line in server.graphs[SHARED_GRAPH] if "佐久市" in line}
        push_files([plans["004"]], server.url + "/store")
        shared = server.graphs[SHARED_GRAPH]
        assert saku and saku <= shared  # A's municipality is still there
        assert any("安中市" in line for line in shared)
        methods = {(method, path.split("graph=")[1]) for method, path, _ in server.requests}
        assert ("POST", "https%3A%2F%2Fw3id.org%2Fplannlp%2Fshared") in methods
        assert ("PUT", "https%3A%2F%2Fw3id.org%2Fplannlp%2Fshared") not in methods
        assert sum(method == "PUT" for method, _, _ in server.requests) == 2  # one per plan
        # a plan's own graph is replaced, not merged: pushing it again adds nothing
        before = {graph: len(lines) for graph, lines in server.graphs.items()}
        push_files([plans["000"]], server.url + "/store")
        assert {graph: len(lines) for graph, lines in server.graphs.items()} == before


# -- item 10: a server that never answers; item 14: credentials never shown ------------------


def test_push_to_a_server_that_never_answers_is_one_line_after_the_timeout(plans):
    with Silent() as server:
        started = time.monotonic()
        result = CliRunner().invoke(cli, ["kb", "push", str(plans["004"]), "--endpoint",
                                          server.url + "/store", "--timeout", "0.5"])
        elapsed = time.monotonic() - started
    line = _one_line_error(result)
    assert "[E305]" in line and "did not answer within 0.5 s" in line and "--timeout" in line
    assert elapsed < 10


def test_the_default_timeout_is_about_fifteen_seconds():
    from plannlp.kb.push import DEFAULT_TIMEOUT

    assert 10 <= DEFAULT_TIMEOUT <= 20


def test_credentials_in_the_endpoint_url_are_used_and_never_shown(plans):
    with GraphStore() as server:
        endpoint = server.url.replace("http://", "http://planner:s3cret@") + "/store"
        result = CliRunner().invoke(cli, ["kb", "push", str(plans["004"]), "--endpoint", endpoint])
        assert result.exit_code == 0, result.output
        assert "s3cret" not in result.output and "planner" not in result.output
        auth = {headers.get("Authorization") for _, _, headers in server.requests}
        assert auth == {"Basic cGxhbm5lcjpzM2NyZXQ="}  # planner:s3cret
    with Silent() as silent:  # an error message does not show them either
        endpoint = silent.url.replace("http://", "http://planner:s3cret@") + "/store"
        result = CliRunner().invoke(cli, ["kb", "push", str(plans["004"]), "--endpoint", endpoint,
                                          "--timeout", "0.3"])
    assert "s3cret" not in _one_line_error(result)
    from plannlp.kb.push import mask_credentials

    assert mask_credentials("https://u:p@example.org:8890/x?y=1") == "https://***@example.org:8890/x?y=1"


def test_an_endpoint_that_is_not_http_is_refused(plans):
    with pytest.raises(EndpointError, match="not an http"):
        push_files([plans["004"]], "file:///etc/passwd")


# -- item 5: contexts are local only ---------------------------------------------------------


def _with_context(plans, tmp_path, context) -> str:
    data = json.loads(plans["004"].read_text(encoding="utf-8"))
    data["@context"] = context
    path = tmp_path / "remote-context.jsonld"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("command", [["validate"], ["kb", "load", "--store", "STORE"],
                                     ["kb", "push", "--endpoint", "ENDPOINT"], ["trace", "OTHER"]])
def test_no_command_fetches_a_remote_context(plans, tmp_path, command):
    with Recorder() as server:
        path = _with_context(plans, tmp_path, [server.url + "/context.jsonld", CONTEXT_URL])
        args = [a.replace("STORE", str(tmp_path / "kb")).replace("ENDPOINT", server.url + "/store")
                .replace("OTHER", str(plans["000"])) for a in command]
        result = CliRunner().invoke(cli, [*args, path])
        assert server.requests == []  # nothing reached the server
    line = _one_line_error(result)
    assert "[E304]" in line and "does not fetch" in line and server.url in line


def test_file_and_scoped_contexts_are_refused_too(plans, tmp_path):
    from plannlp.kb.validate import validate_file

    secret = tmp_path / "secret.jsonld"
    secret.write_text('{"@context": {"x": "http://example.org/"}}', encoding="utf-8")
    for context in (secret.as_uri(), "secret.jsonld",
                    {"@import": secret.as_uri()}, {"term": {"@id": "http://e/t", "@context": secret.as_uri()}}):
        path = _with_context(plans, tmp_path, [CONTEXT_URL, context])
        with pytest.raises(RemoteDocumentRefused, match="does not fetch"):
            validate_file(path)
        with pytest.raises(RemoteDocumentRefused):
            KnowledgeBase().load_file(path)


def test_the_bundled_context_by_its_address_is_served_locally(plans, tmp_path):
    from plannlp.kb.validate import validate_file

    path = _with_context(plans, tmp_path, CONTEXT_URL)
    assert validate_file(path) == []
    assert KnowledgeBase().load_file(path)[0].triples > 100


# -- item 11: ASK; item 10: SERVICE refused, corrupted store ---------------------------------


def test_ask_queries_are_answered(plans, tmp_path):
    base = KnowledgeBase()
    base.load_file(plans["004"])
    assert base.query("ASK { ?s a <https://w3id.org/plannlp/ns#PlanDocument> }").rows == (("true",),)
    assert base.query("ASK { ?s a <https://example.org/Nothing> }").rows == (("false",),)
    with pytest.raises(KnowledgeBaseError, match="Only SELECT and ASK"):
        base.query("CONSTRUCT WHERE { ?s ?p ?o }")
    runner = CliRunner()
    assert runner.invoke(cli, ["kb", "load", str(plans["004"]), "--store", str(tmp_path / "kb")]).exit_code == 0
    result = runner.invoke(cli, ["kb", "query", "ASK { ?s ?p ?o }", "--store", str(tmp_path / "kb")])
    assert result.exit_code == 0 and "true" in result.output


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <URL/sparql> { ?s ?p ?o } }",
    "select * where {service silent <URL/sparql>{?s ?p ?o}}",
    "SELECT * WHERE { ?s ?p ?o . SERVICE <URL/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { \\u0053ERVICE <URL/sparql> { ?s ?p ?o } }",
])
def test_service_is_refused_and_no_request_leaves(plans, tmp_path, query):
    store = tmp_path / "kb"
    KnowledgeBase(store).load_file(plans["004"])
    with Recorder() as server:
        result = CliRunner().invoke(cli, ["kb", "query", query.replace("URL", server.url), "--store", str(store)])
        assert server.requests == []
    line = _one_line_error(result)
    assert "SERVICE" in line and "--allow-service" in line


def test_service_runs_when_allowed(plans, tmp_path):
    store = tmp_path / "kb"
    KnowledgeBase(store).load_file(plans["004"])
    with Recorder() as server:
        CliRunner().invoke(cli, ["kb", "query", f"SELECT * WHERE {{ SERVICE <{server.url}/sparql> {{ ?s ?p ?o }} }}",
                                 "--store", str(store), "--allow-service"])
        assert server.requests  # the opt-in really sends it (so the refusal above is what stops it)


def test_service_in_strings_iris_and_names_is_not_a_service_call():
    from plannlp.kb.sparql_guard import uses_service

    assert not uses_service('SELECT ?service WHERE { ?s <http://e/SERVICE> "SERVICE <x> {}" ; ex:service ?o } # SERVICE')


def test_a_corrupted_store_is_one_clear_line(plans, tmp_path):
    store = tmp_path / "kb"
    KnowledgeBase(store).load_file(plans["004"])
    (store / "CURRENT").write_bytes(b"\x00garbage\n")
    result = CliRunner().invoke(cli, ["kb", "query", "SELECT * { ?s ?p ?o } LIMIT 1", "--store", str(store)])
    line = _one_line_error(result)
    assert "[E303]" in line and "damaged" in line and "new folder" in line


# -- item 14: stores that are not there, folders that are not stores -------------------------


def test_query_and_ask_need_an_existing_store_and_their_help_says_so(tmp_path):
    runner = CliRunner()
    for args in (["kb", "query", "SELECT * {?s ?p ?o}"], ["kb", "ask", "documents"]):
        result = runner.invoke(cli, [*args, "--store", str(tmp_path / "missing")])
        assert "no knowledge base here" in _one_line_error(result)
        assert not (tmp_path / "missing").exists()
        help_text = runner.invoke(cli, [args[0], args[1], "--help"]).output
        assert "created if missing" not in help_text and "must exist" in help_text
    assert "created if missing" in runner.invoke(cli, ["kb", "load", "--help"]).output


def test_an_unrelated_folder_is_never_turned_into_a_store(plans, tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "holiday.jpg").write_bytes(b"\xff\xd8\xff")
    runner = CliRunner()
    for args in (["kb", "query", "SELECT * {?s ?p ?o}"], ["kb", "load", str(plans["004"])]):
        result = runner.invoke(cli, [*args, "--store", str(folder)])
        _one_line_error(result)
    assert sorted(p.name for p in folder.iterdir()) == ["holiday.jpg"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert runner.invoke(cli, ["kb", "load", str(plans["004"]), "--store", str(empty)]).exit_code == 0
    assert runner.invoke(cli, ["kb", "ask", "documents", "--store", str(empty)]).exit_code == 0


# -- item 10: malformed JSON-LD in kb load / push / trace ------------------------------------

MALFORMED = {
    "not-json": "{not json",
    "a-list": "[]",
    "a-number": "42",
    "graph-of-scalars": '{"@graph": [1, "x"]}',
    "graph-not-a-list": '{"@graph": {"id": "x"}}',
    "no-document": '{"@graph": [{"id": "https://e/x", "type": "Section"}]}',
    "document-without-id": '{"@graph": [{"type": "PlanDocument", "sha256": "00"}]}',
    "deeply-nested": "[" * 100_000 + "]" * 100_000,
    "not-utf8": "\udcff",
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
@pytest.mark.parametrize("command", ["load", "push", "trace"])
def test_malformed_jsonld_is_one_line(plans, tmp_path, name, command):
    path = tmp_path / f"{name}.jsonld"
    text = MALFORMED[name]
    path.write_bytes(b"\xff\xfe{" if name == "not-utf8" else text.encode())
    args = {"load": ["kb", "load", str(path), "--store", str(tmp_path / "kb")],
            "push": ["kb", "push", str(path), "--endpoint", "http://127.0.0.1:9/store"],
            "trace": ["trace", str(plans["004"]), str(path)]}[command]
    line = _one_line_error(CliRunner().invoke(cli, args))
    assert path.name in line


# -- item 12: validate ----------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("[]", "holds a list, not a JSON-LD object"),
    ('{"@graph": [1, "x"]}', "Node 1 of @graph is a number"),
    ('{"@graph": [{"type": "PlanDocument", "sha256": "' + "0" * 64 + '"}]}', "has no id"),
    ('{"@graph": [{"id": "https://e/s", "type": "Sentence"}]}', "no plan document"),
])
def test_validate_calls_files_that_are_not_plans_invalid(tmp_path, text, expected):
    path = tmp_path / "x.jsonld"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1 and expected in result.output and ": valid" not in result.output


def test_validate_finds_a_sentence_without_role_and_a_bad_offset_without_traceback(plans, tmp_path):
    data = json.loads(plans["004"].read_text(encoding="utf-8"))
    sentence = next(n for n in data["@graph"] if n.get("type") == "Sentence")
    del sentence["role"], sentence["roleConfidence"]
    selector = next(n for n in data["@graph"] if n["id"] == sentence["selector"])
    selector["start"] = "abc"
    path = tmp_path / "broken.jsonld"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "plannlp", "validate", str(path)], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 1
    assert f"{sentence['id']}: role: A sentence needs exactly one role" in result.stdout
    assert f"{selector['id']}: oa:start: A text position needs one start offset" in result.stdout
    assert "Traceback" not in result.stderr and "ValueError" not in result.stderr
    assert result.stderr.strip().count("\n") == 0  # the one summary line
