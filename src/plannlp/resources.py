"""Where bundled files live: pipelines, models, the JSON-LD context, shapes and lexicons.

In a source checkout (``pip install -e .``) pipelines and models are read from the
repository's ``pipelines/`` and ``models/``; in a wheel they ship inside the package under
``plannlp/_data/``. ``PLANNLP_MODELS`` overrides the models folder. Nothing is downloaded.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import ConfigError, ModelNotFoundError

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"  # small files that are part of the code (context, shapes, lexicons)
_REPO_ROOT = PACKAGE_DIR.parents[1]
_BUNDLED = PACKAGE_DIR / "_data"


def _first_existing(*candidates: Path) -> Path | None:
    for candidate in candidates:
        if candidate.exists():
            return candidate
    return None


def pipelines_dir() -> Path:
    found = _first_existing(_REPO_ROOT / "pipelines", _BUNDLED / "pipelines")
    if found is None:
        raise ConfigError("No pipelines folder found; reinstall plannlp.")
    return found


def models_dir() -> Path:
    override = os.environ.get("PLANNLP_MODELS")
    if override:
        return Path(override)
    found = _first_existing(_REPO_ROOT / "models", _BUNDLED / "models")
    if found is None:
        raise ModelNotFoundError("No models folder found.")
    return found


def find_pipeline_file(name_or_path: str | Path) -> Path:
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml":
        if not candidate.is_file():
            raise ConfigError("Pipeline file not found.", path=candidate)
        return candidate
    path = pipelines_dir() / f"{name_or_path}.toml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in pipelines_dir().glob("*.toml")))
        raise ConfigError(f"No pipeline named '{name_or_path}'. Known pipelines: {known}.")
    return path


def model_path(name: str) -> Path:
    """The folder or file of a bundled model, e.g. ``model_path("role")``."""
    path = models_dir() / name
    if not path.exists():
        raise ModelNotFoundError(f"Model '{name}' not found in {models_dir()}.")
    return path


def data_path(name: str) -> Path:
    return DATA_DIR / name


def sample_plan() -> Path:
    """The bundled sample plan used by ``plannlp ingest --sample``."""
    return data_path("samples/saku_2017_sougoukeikaku_excerpt.txt")


def sample_manifest() -> Path:
    """The manifest of the bundled samples (a batch manifest CSV: ``file``, ``title``,
    ``municipality``, ``municipality_code``, ``plan_type``, ``period``, ``source``): what the
    sample is, which its text alone does not say (it starts at 第1節, without a cover)."""
    return data_path("samples/manifest.csv")
