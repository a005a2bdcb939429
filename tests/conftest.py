"""Shared fixtures: the seed documents (real plan text) and small PDFs made from them."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "corpora" / "seeds"
FIXTURES = REPO / "tests" / "fixtures"

SEED_FILES = {
    "000": "000_ccc5004d4596790b.txt",  # 佐久市 第二次総合計画 基本計画 第1・2節
    "001": "001_66d1d15548724d4f.txt",  # 佐久市 第2次協働のまちづくり計画 骨子案
    "002": "002_2b25f45b06c7f47b.txt",  # 佐久市 後期基本計画 策定方針 (raw PDF text layer)
    "003": "003_7408c9a1c0dcab75.txt",  # 小諸市 第11次基本計画 素案
    "004": "004_984e210a46f8a44b.txt",  # 安中市 総合計画 政策大綱6
}


def seed_path(key: str) -> Path:
    return SEEDS / SEED_FILES[key]


def seed_text(key: str) -> str:
    return seed_path(key).read_text(encoding="utf-8")


@pytest.fixture(params=sorted(SEED_FILES))
def any_seed(request) -> Path:
    return seed_path(request.param)


@pytest.fixture(scope="session")
def default_pipeline():
    from plannlp import load_pipeline

    return load_pipeline("default")


def plan_slices(count: int, size: int = 300) -> list[str]:
    """``count`` distinct short plan texts: runs of consecutive seed lines of about ``size``
    characters each (real text, small enough for fast batch tests)."""
    slices, chunk = [], []
    for key in SEED_FILES:
        for line in seed_text(key).splitlines():
            chunk.append(line)
            if sum(map(len, chunk)) >= size:
                slices.append("\n".join(chunk) + "\n")
                chunk = []
    unique = list(dict.fromkeys(s for s in slices if s.strip()))
    if len(unique) < count:
        raise ValueError(f"the seeds give {len(unique)} slices of {size} characters, not {count}")
    return unique[:count]
