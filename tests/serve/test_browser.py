"""End to end in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright): set a
name, upload the seed PDF, wait for the result, correct a sentence's role with a keyboard
shortcut and add a goal, export and check the export."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
playwright_api = pytest.importorskip("playwright.sync_api")
uvicorn = pytest.importorskip("uvicorn")

from plannlp.kb.validate import validate_data  # noqa: E402
from plannlp.serve import create_app  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
SEED_PDF = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "pdf" / "seed002_layout.pdf"

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(create_app(tmp_path_factory.mktemp("serve-e2e")), host="127.0.0.1", port=port,
                            log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


def test_upload_correct_export_in_chromium(server):
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            page = browser.new_page()
            page.goto(server + "/")
            page.fill("input[name=name]", "佐藤")
            page.click("text=保存")
            page.set_input_files("input[type=file]", str(SEED_PDF))
            page.click("text=アップロード / upload")
            page.wait_for_selector("#sentences", timeout=180_000)  # the pending page reloads when done
            doc_url = page.url.split("?")[0]
            first = page.locator("#sentences li[data-id]").first
            sid = first.get_attribute("data-id")
            first.locator("a.select").click()
            page.wait_for_selector(f"li.selected[data-id='{sid}']")
            assert page.locator(".page img").count() == 1 and page.locator(".box").count() >= 1
            old = page.locator("li.selected").get_attribute("class")
            key = "o" if "role-other" not in old else "m"
            page.keyboard.press(key)
            page.wait_for_selector(f"li.selected[data-id='{sid}'] .human-mark")
            page.select_option("li.selected select[name=value]", "14")
            page.click("li.selected >> text=+ goal")
            page.wait_for_selector("li.selected .chip.human")

            data = page.request.get(doc_url + "/export.jsonld").json()
            nodes = {n["id"]: n for n in data["@graph"]}
            node = next(n for n in nodes.values() if n["id"].endswith("#" + sid))
            assert node["roleSource"] == "human" and node["reviewedBy"] == "佐藤"
            assert node["role"].endswith("/other" if key == "o" else "/measure")
            assert nodes[node["id"] + "-sdg-14"]["linkSource"] == "human"
            assert validate_data(data) == []
            csv_text = page.request.get(doc_url + "/export.csv").text()
            assert sid in csv_text and "human" in csv_text
        finally:
            browser.close()


def test_hostile_uploads_in_chromium(server, monkeypatch):
    """A file named like a path with HTML in its name and a script in its text is stored and
    shown as text (no script runs, no dialog opens); a file over the size limit gets the
    limit's message in the browser, not a broken page."""
    import plannlp.serve.app as app_module

    text = ("<script>window.pwned = 1; alert(1)</script>防災訓練を実施します。\n"
            "<img src=x onerror=\"window.pwned = 2\">市民の安全を守ります。\n").encode()
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            page = browser.new_page()
            dialogs: list[str] = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(server + "/")
            page.set_input_files("input[type=file]", files=[
                {"name": "../../etc/<b>evil</b>.txt", "mimeType": "text/plain", "buffer": text}])
            page.click("text=アップロード / upload")
            page.wait_for_selector("#sentences", timeout=180_000)
            shown = page.locator("#sentences").inner_text()
            assert "<script>window.pwned = 1; alert(1)</script>" in shown
            assert "<img src=x" in shown
            assert page.evaluate("window.pwned") is None and dialogs == []
            assert page.locator("#sentences script, #sentences img[src=x], b:text('evil')").count() == 0

            monkeypatch.setattr(app_module, "MAX_UPLOAD_BYTES", 100)
            page.goto(server + "/")
            page.set_input_files("input[type=file]", files=[
                {"name": "big.txt", "mimeType": "text/plain", "buffer": "施策を推進します。".encode() * 20}])
            page.click("text=アップロード / upload")
            page.wait_for_load_state()
            assert "limit" in page.locator("body").inner_text()
            assert dialogs == []
        finally:
            browser.close()
