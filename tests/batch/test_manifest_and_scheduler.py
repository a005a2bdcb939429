"""Batch inputs under hostile values and faults (issue #16, items 10 and 14): municipality
codes in a manifest, an unreachable Dask scheduler."""

from __future__ import annotations

import csv
import socket
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import seed_path
from plannlp.batch.inputs import read_manifest
from plannlp.cli import cli
from plannlp.errors import MunicipalityCodeError
from plannlp.model import DocumentMetadata, is_municipality_code

DATA = Path(__file__).resolve().parents[2] / "src" / "plannlp" / "data"


def test_every_known_municipality_code_passes_the_check_digit():
    with (DATA / "localgovjp.tsv").open(encoding="utf-8") as handle:
        codes = [row["code"] for row in csv.DictReader((line for line in handle if not line.startswith("#")),
                                                       delimiter="\t")]
    assert len(codes) > 1900 and all(is_municipality_code(code) for code in codes)
    assert is_municipality_code("20217")  # the 5-digit form


@pytest.mark.parametrize("code", ["202178", "2021", "2021777", "20217x", "２０２１７", "../../x", "20217 ", "a b"])
def test_a_code_that_is_not_one_is_refused(code):
    with pytest.raises(MunicipalityCodeError):
        DocumentMetadata(municipality="佐久市", municipality_code=code)


def _manifest(tmp_path: Path, code: str) -> Path:
    manifest = tmp_path / "plans.csv"
    manifest.write_text(f"path,municipality,municipality_code\n{seed_path('000')},佐久市,{code}\n", encoding="utf-8")
    return manifest


def test_a_manifest_with_a_bad_code_is_a_usage_error_naming_the_row(tmp_path):
    with pytest.raises(MunicipalityCodeError, match=r"plans\.csv, row 1: municipality_code '20217/../x'"):
        read_manifest(_manifest(tmp_path, "20217/../x"))
    result = CliRunner().invoke(cli, ["batch", "--manifest", str(_manifest(tmp_path, "202178")),
                                      "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and "[E401]" in result.output and "check digit" in result.output
    assert not (tmp_path / "out" / "documents").exists() or not any((tmp_path / "out" / "documents").iterdir())
    assert read_manifest(_manifest(tmp_path, " 202177 "))[0].metadata.municipality_code == "202177"


def test_a_municipality_name_is_escaped_in_its_iri():
    from plannlp.export.jsonld import iri_segment

    assert iri_segment("佐久市") == "佐久市"
    assert iri_segment('a b/<c>"#?') == "a%20b%2F%3Cc%3E%22%23%3F"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:{port}", "127.0.0.1:{port}", "tcp://no-such-host.invalid:8786"])
def test_an_unreachable_scheduler_is_a_fast_clear_error(tmp_path, address):
    pytest.importorskip("distributed")
    scheduler = address.format(port=_closed_port())
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["batch", str(seed_path("004")), "-o", str(tmp_path / "out"),
                                      "--engine", "dask", "--scheduler", scheduler])
    assert time.monotonic() - started < 10  # Dask alone waits 30 s, then prints 68 lines
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"[E206] Cannot reach the Dask scheduler at {scheduler}" in result.output
