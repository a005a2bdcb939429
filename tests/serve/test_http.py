"""The review server's HTTP contract (docs/serve.md), driven with FastAPI's TestClient."""

from __future__ import annotations

import csv
import io
import re
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("multipart")

from click.testing import CliRunner  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from plannlp.cli import cli  # noqa: E402
from plannlp.kb.validate import validate_data  # noqa: E402
from plannlp.serve import app as app_module  # noqa: E402
from plannlp.serve import create_app  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SEED_TEXT = ROOT / "corpora" / "seeds" / "002_2b25f45b06c7f47b.txt"
SEED_PDF = ROOT / "tests" / "fixtures" / "pdf" / "seed002_layout.pdf"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    app = create_app(tmp_path_factory.mktemp("serve-data"))
    with TestClient(app) as c:
        token = csrf(c)
        assert c.post("/reviewer", data={"csrf": token, "name": "山田"}, follow_redirects=False).status_code == 303
        yield c


def csrf(client) -> str:
    page = client.get("/")
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def upload(client, path: Path, name: str | None = None, data: bytes | None = None):
    files = {"file": (name or path.name, data if data is not None else path.read_bytes())}
    return client.post("/documents", files=files, data={"csrf": csrf(client)}, follow_redirects=False)


def wait_done(client, doc_id: str, timeout: float = 180) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = client.get(f"/documents/{doc_id}/status").json()
        if status["status"] in ("done", "failed"):
            return status
        time.sleep(0.3)
    raise AssertionError("ingest did not finish")


@pytest.fixture(scope="module")
def text_doc(client) -> str:
    response = upload(client, SEED_TEXT)
    assert response.status_code == 303
    doc_id = response.headers["location"].rsplit("/", 1)[-1]
    assert wait_done(client, doc_id)["status"] == "done"
    return doc_id


def test_healthz(client):
    assert client.get("/healthz").status_code == 200


def test_upload_text_lists_and_views(client, text_doc):
    index = client.get("/")
    assert text_doc in index.text and "done" in index.text
    view = client.get(f"/documents/{text_doc}")
    assert view.status_code == 200
    assert "role-measure" in view.text or "role-issue" in view.text
    assert "class=\"chip" in view.text  # SDG chips with the official names
    stored = list((Path(client.app.state.store.data_dir) / "uploads").iterdir())
    assert all(re.fullmatch(r"[0-9a-f]{16}\.(txt|pdf)", p.name) for p in stored)


def sentence_ids(client, doc_id):
    data = client.get(f"/documents/{doc_id}/export.jsonld").json()
    return [n for n in data["@graph"] if n.get("type") == "Sentence"]


def test_correct_role_and_goal_then_export_and_undo(client, text_doc):
    sentence = sentence_ids(client, text_doc)[0]
    sid = sentence["id"].rsplit("#", 1)[-1]
    new_role = "other" if not sentence.get("role", "").endswith("/other") else "measure"
    token = csrf(client)
    post = lambda **f: client.post(f"/documents/{text_doc}/corrections",  # noqa: E731
                                   data={"csrf": token, "sentence": sid, **f}, follow_redirects=False)
    assert post(kind="role", value=new_role).status_code == 303
    assert post(kind="add_goal", value="14").status_code == 303

    data = client.get(f"/documents/{text_doc}/export.jsonld").json()
    nodes = {n["id"]: n for n in data["@graph"]}
    node = nodes[sentence["id"]]
    assert node["role"].endswith("/" + new_role) and node["roleSource"] == "human"
    assert node["reviewedBy"] == "山田"
    link = nodes[sentence["id"] + "-sdg-14"]
    assert link["linkSource"] == "human" and link["id"] in node["sdgLinks"]
    assert validate_data(data) == []
    exported = Path(client.app.state.store.data_dir) / "export-test.jsonld"
    exported.write_bytes(client.get(f"/documents/{text_doc}/export.jsonld").content)
    result = CliRunner().invoke(cli, ["validate", str(exported)])
    assert result.exit_code == 0, result.output

    rows = list(csv.DictReader(io.StringIO(client.get(f"/documents/{text_doc}/export.csv").text.lstrip("\ufeff"))))
    row = next(r for r in rows if r["id"] == sid)
    assert row["role"] == new_role and row["role_source"] == "human" and "14" in row["sdgs"].split(";")

    assert post(kind="remove_goal", value="14").status_code == 303
    nodes = {n["id"]: n for n in client.get(f"/documents/{text_doc}/export.jsonld").json()["@graph"]}
    assert sentence["id"] + "-sdg-14" not in nodes
    # undo the removal, then the addition
    for _ in range(2):
        client.post(f"/documents/{text_doc}/undo", data={"csrf": token}, follow_redirects=False)
    nodes = {n["id"]: n for n in client.get(f"/documents/{text_doc}/export.jsonld").json()["@graph"]}
    assert nodes[sentence["id"]]["roleSource"] == "human"
    assert nodes.get(sentence["id"] + "-sdg-14", {}).get("linkSource") != "human"


def test_excel_export_gives_the_corrected_document(client, text_doc):
    from openpyxl import load_workbook

    assert f'href="/documents/{text_doc}/export.xlsx"' in client.get(f"/documents/{text_doc}").text
    sentence = sentence_ids(client, text_doc)[1]
    sid = sentence["id"].rsplit("#", 1)[-1]
    new_role = "issue" if not sentence.get("role", "").endswith("/issue") else "measure"
    token = csrf(client)
    post = lambda **f: client.post(f"/documents/{text_doc}/corrections",  # noqa: E731
                                   data={"csrf": token, "sentence": sid, **f}, follow_redirects=False)
    assert post(kind="role", value=new_role).status_code == 303
    assert post(kind="add_goal", value="15").status_code == 303
    response = client.get(f"/documents/{text_doc}/export.xlsx")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert f'filename="{text_doc}.xlsx"' in response.headers["content-disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["sentences", "sdg_links", "indicators", "documents"]
    sheet = book["sentences"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    values = list(sheet.iter_rows(values_only=True))
    rows = [dict(zip(values[0], r, strict=True)) for r in values[1:]]
    csv_rows = list(csv.DictReader(io.StringIO(client.get(f"/documents/{text_doc}/export.csv").text.lstrip("\ufeff"))))
    assert [r["id"] for r in rows] == [r["id"] for r in csv_rows]
    row = next(r for r in rows if r["id"] == sid)
    assert row["text"] == sentence["text"] and row["file"] == SEED_TEXT.name
    assert row["role"] == new_role and row["role_source"] == "human" and row["reviewed_by"] == "山田"
    assert "15" in row["sdgs"].split(";") and "15 陸の豊かさも守ろう" in row["sdg_names"]
    assert isinstance(row["page"], int) and str(row["page"]) == next(r for r in csv_rows if r["id"] == sid)["page"]
    header, *link_values = book["sdg_links"].iter_rows(values_only=True)
    links = [dict(zip(header, r, strict=True)) for r in link_values]
    assert any(link["sentence_id"] == sid and link["goal"] == 15 and link["source"] == "human" for link in links)
    for _ in range(2):
        client.post(f"/documents/{text_doc}/undo", data={"csrf": token}, follow_redirects=False)
    values = list(load_workbook(io.BytesIO(client.get(f"/documents/{text_doc}/export.xlsx").content))["sentences"].iter_rows(values_only=True))
    row = next(dict(zip(values[0], r, strict=True)) for r in values[1:] if r[values[0].index("id")] == sid)
    assert row["role_source"] == "model" and "15" not in (row["sdgs"] or "").split(";")


def test_missing_csrf_is_refused(client, text_doc):
    sid = sentence_ids(client, text_doc)[0]["id"].rsplit("#", 1)[-1]
    response = client.post(f"/documents/{text_doc}/corrections",
                           data={"sentence": sid, "kind": "role", "value": "other"})
    assert response.status_code == 403 and "CSRF" in response.text
    response = client.post("/documents", files={"file": ("a.txt", SEED_TEXT.read_bytes())})
    assert response.status_code == 403


def test_bad_uploads_are_refused_with_a_message(client, monkeypatch):
    response = upload(client, SEED_TEXT, name="fake.pdf", data=b"not a pdf at all")
    assert response.status_code == 400 and "not a PDF" in response.text
    response = upload(client, SEED_TEXT, name="x.bin", data=(ROOT / "tests/fixtures/text/garbage.bin").read_bytes())
    assert response.status_code == 400 and "Neither a PDF nor readable text" in response.text
    response = upload(client, SEED_TEXT, name="empty.txt", data=b"")
    assert response.status_code == 400 and "empty" in response.text
    monkeypatch.setattr(app_module, "MAX_UPLOAD_BYTES", 100)
    response = upload(client, SEED_TEXT)
    assert response.status_code == 413 and "limit" in response.text


def test_path_traversal_name_and_html_are_harmless(client):
    text = "<script>alert(1)</script>を推進します。\n".encode()
    response = upload(client, SEED_TEXT, name="../../etc/<b>evil</b>.txt", data=text)
    assert response.status_code == 303
    doc_id = response.headers["location"].rsplit("/", 1)[-1]
    wait_done(client, doc_id)
    page = client.get(f"/documents/{doc_id}").text + client.get("/").text
    assert "<script>alert(1)" not in page and "<b>evil" not in page
    assert "&lt;script&gt;" in page or "&lt;b&gt;" in page
    data_dir = Path(client.app.state.store.data_dir)
    assert not (data_dir.parent / "etc").exists()


def test_pdf_upload_view_and_page_render(client):
    response = upload(client, SEED_PDF)
    doc_id = response.headers["location"].rsplit("/", 1)[-1]
    assert wait_done(client, doc_id)["status"] == "done"
    sentences = sentence_ids(client, doc_id)
    first = next(n for n in sentences if n.get("boundingBoxes"))
    sid = first["id"].rsplit("#", 1)[-1]
    view = client.get(f"/documents/{doc_id}?s={sid}")
    assert f'/documents/{doc_id}/pages/{first["page"]}.png' in view.text
    assert 'class="box"' in view.text
    png = client.get(f"/documents/{doc_id}/pages/{first['page']}.png")
    assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert client.get(f"/documents/{doc_id}/pages/999.png").status_code == 404
    # filters: by role and low confidence
    assert client.get(f"/documents/{doc_id}?role=measure&max_confidence=0.6").status_code == 200


def test_import_corrections_writes_a_corpus_batch(client, text_doc, tmp_path):
    from plannlp.serve.corrections import import_corrections
    from plannlp.training.corpus import read_role_corpus

    sid = sentence_ids(client, text_doc)[1]["id"].rsplit("#", 1)[-1]
    client.post(f"/documents/{text_doc}/corrections", follow_redirects=False,
                data={"csrf": csrf(client), "sentence": sid, "kind": "role", "value": "issue"})
    counts = import_corrections(client.app.state.store.data_dir, tmp_path)
    assert counts["documents"] >= 1 and counts["labels"] >= 1
    corpus = read_role_corpus(tmp_path, seeds=False)
    labelled = [s for s in corpus.sentences if s.excerpt_id == f"review-{text_doc}"]
    assert any(s.role == "issue" for s in labelled)
    for s in labelled:
        assert s.text in corpus.excerpts[s.excerpt_id].text
    provenance = (tmp_path / "roles" / "batches" / "review" / "provenance.tsv").read_text(encoding="utf-8")
    assert "山田" in provenance and sid in provenance


def test_ingest_name_follows_the_content():
    assert app_module.ingest_name("計画.pdf", "ab.pdf") == "計画.pdf"
    assert app_module.ingest_name("計画.md", "ab.txt") == "計画.md"
    assert app_module.ingest_name("計画.txt", "ab.pdf") == "計画.pdf"  # a PDF named .txt
    assert app_module.ingest_name("計画", "ab.txt") == "計画.txt"


def test_trace_view_against_an_earlier_plan(client, text_doc):
    response = upload(client, ROOT / "corpora" / "seeds" / "000_ccc5004d4596790b.txt")
    old = response.headers["location"].rsplit("/", 1)[-1]
    assert wait_done(client, old)["status"] == "done"
    assert f'action="/documents/{text_doc}/trace"' in client.get(f"/documents/{text_doc}").text
    report = client.get(f"/documents/{text_doc}/trace", params={"old": old})
    assert report.status_code == 200 and "<html" in report.text.lower()
    assert client.get(f"/documents/{text_doc}/trace", params={"old": text_doc}).status_code == 400


def test_long_documents_are_shown_in_windows(client, text_doc, monkeypatch):
    monkeypatch.setattr(app_module, "VIEW_SENTENCES", 5)
    ids = [n["id"].rsplit("#", 1)[-1] for n in sentence_ids(client, text_doc)]
    page = client.get(f"/documents/{text_doc}").text
    assert page.count('data-id="') == 5 and "next →" in page
    page = client.get(f"/documents/{text_doc}", params={"s": ids[7]}).text  # the window holds it
    assert f'data-id="{ids[7]}"' in page and f'data-id="{ids[0]}"' not in page and "← previous" in page


def test_a_failed_ingest_shows_the_typed_error(client):
    response = upload(client, ROOT / "tests" / "fixtures" / "pdf" / "image_only.pdf")
    assert response.status_code == 303
    doc_id = response.headers["location"].rsplit("/", 1)[-1]
    status = wait_done(client, doc_id)
    assert status["status"] == "failed" and status["error"]
    assert "OCR" in status["error"] or "text" in status["error"]
    page = client.get(f"/documents/{doc_id}").text
    assert "failed" in page
    assert client.get(f"/documents/{doc_id}/export.jsonld").status_code == 409


def test_the_name_form_redirects_only_inside_the_site(client):
    for target in ("//evil.example/", "/\\evil.example/", "https://evil.example/"):
        response = client.post("/reviewer", data={"csrf": csrf(client), "name": "山田", "next": target},
                               follow_redirects=False)
        assert response.headers["location"] == "/"


def test_undo_a_chosen_correction_keeps_the_later_ones(client, text_doc):
    ids = [n["id"].rsplit("#", 1)[-1] for n in sentence_ids(client, text_doc)]
    first, second = ids[2], ids[3]
    token = csrf(client)
    for sid, value in ((first, "measure"), (second, "achievement")):
        assert client.post(f"/documents/{text_doc}/corrections", follow_redirects=False,
                           data={"csrf": token, "sentence": sid, "kind": "role", "value": value}).status_code == 303
    store = client.app.state.store
    chosen = next(c for c in store.corrections(text_doc)[::-1] if c["sentence"] == first)
    view = client.get(f"/documents/{text_doc}").text
    assert f'action="/documents/{text_doc}/corrections/{chosen["id"]}/undo"' in view

    # without the token: refused; the correction of another document: 404
    assert client.post(f"/documents/{text_doc}/corrections/{chosen['id']}/undo",
                       follow_redirects=False).status_code == 403
    assert client.post(f"/documents/nosuchdoc/corrections/{chosen['id']}/undo", data={"csrf": token},
                       follow_redirects=False).status_code == 404
    # undo the earlier one: the later correction (a different sentence) stays in effect
    assert client.post(f"/documents/{text_doc}/corrections/{chosen['id']}/undo", data={"csrf": token},
                       follow_redirects=False).status_code == 303
    nodes = {n["id"].rsplit("#", 1)[-1]: n for n in client.get(f"/documents/{text_doc}/export.jsonld").json()["@graph"]
             if n.get("type") == "Sentence"}
    assert nodes[second]["role"].endswith("/achievement") and nodes[second]["roleSource"] == "human"
    assert nodes[first].get("reviewedAt") is None or not any(
        c["sentence"] == first and not c["undone"] for c in store.corrections(text_doc, include_undone=True))
    row = next(c for c in store.corrections(text_doc, include_undone=True) if c["id"] == chosen["id"])
    assert row["undone"] == 1 and row["undone_by"] == "山田" and row["undone_at"]
    assert "undone by 山田" in client.get(f"/documents/{text_doc}").text
    # twice: nothing left to undo
    assert client.post(f"/documents/{text_doc}/corrections/{chosen['id']}/undo", data={"csrf": token},
                       follow_redirects=False).status_code == 404


def test_status_reports_a_percentage_that_grows_to_100(client, tmp_path):
    from pypdf import PdfReader, PdfWriter

    reader, writer = PdfReader(SEED_PDF), PdfWriter()
    for i in range(40):  # long enough to be seen while it runs
        writer.add_page(reader.pages[i % len(reader.pages)])
    plan = tmp_path / "long.pdf"
    with plan.open("wb") as handle:
        writer.write(handle)
    doc_id = upload(client, plan).headers["location"].rsplit("/", 1)[-1]
    seen, stages = [], set()
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        status = client.get(f"/documents/{doc_id}/status").json()
        seen.append(status["progress"])
        if status["stage"]:
            stages.add(status["stage"])
        if status["status"] in ("done", "failed"):
            break
        if status["status"] == "running":
            assert "%" in client.get(f"/documents/{doc_id}").text  # the pending page shows it too
        time.sleep(0.02)
    assert status["status"] == "done", status
    assert seen == sorted(seen), "the percentage never goes back"
    assert seen[-1] == 100
    assert any(0 < p < 100 for p in seen), seen
    assert any(s.startswith("extract: page ") for s in stages) or any("step" in s for s in stages), stages
