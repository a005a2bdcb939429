"""Damaged model files (issue #16, item 10): each is a ModelLoadError (E204) naming the file,
never a JSONDecodeError, BadZipFile or a model that predicts NaN."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from plannlp.classify.model_io import load_linear_model, sha256_of
from plannlp.errors import ModelLoadError
from plannlp.resources import model_path


@pytest.fixture
def role_model(tmp_path) -> Path:
    folder = tmp_path / "models" / "role"
    shutil.copytree(model_path("role"), folder)
    return folder


def _record_checksum(folder: Path, name: str) -> None:
    """Make the damage pass the checksum check, to reach the reading itself."""
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    meta["files"][name] = sha256_of(folder / name)
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")


def test_meta_json_that_is_not_json(role_model):
    (role_model / "meta.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelLoadError, match=r"meta\.json is not readable JSON"):
        load_linear_model(role_model)


def test_a_truncated_weights_file(role_model):
    weights = role_model / "weights.npz"
    weights.write_bytes(weights.read_bytes()[:1000])
    with pytest.raises(ModelLoadError, match=r"weights\.npz does not match its recorded checksum"):
        load_linear_model(role_model)
    _record_checksum(role_model, "weights.npz")
    with pytest.raises(ModelLoadError, match=r"weights\.npz cannot be read"):
        load_linear_model(role_model)


def test_nan_weights(role_model):
    weights = role_model / "weights.npz"
    with np.load(weights) as arrays:
        coef, intercept, calibration = arrays["coef"].copy(), arrays["intercept"], arrays["calibration"]
    coef[0, 0, 0] = np.nan
    np.savez_compressed(weights, coef=coef, intercept=intercept, calibration=calibration)
    _record_checksum(role_model, "weights.npz")
    with pytest.raises(ModelLoadError, match=r"weights\.npz holds weights that are not finite numbers"):
        load_linear_model(role_model)


def test_a_vocabulary_that_does_not_fit_the_weights(role_model):
    (role_model / "vocabulary.json").write_text(json.dumps({"classes": ["a"], "vocabulary": {}}), encoding="utf-8")
    _record_checksum(role_model, "vocabulary.json")
    with pytest.raises(ModelLoadError, match="do not fit together"):
        load_linear_model(role_model)


def test_a_damaged_model_is_one_line_from_the_command(role_model):
    shutil.copytree(model_path("sdg"), role_model.parent / "sdg")
    (role_model / "meta.json").write_text("[]", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "plannlp", "ingest", "--sample", "--workers", "1", "--format", "jsonl"],
                          capture_output=True, text=True, timeout=120,
                          env={**__import__("os").environ, "PLANNLP_MODELS": str(role_model.parent)})
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "[E204]" in proc.stderr and "meta.json" in proc.stderr
