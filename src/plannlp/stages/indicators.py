"""Indicators (目標値・まちづくりの目標・成果指標): name, unit, baseline and targets by year.

Two table shapes occur in the seeds, as text (tab-separated rows) or as PDF tables:

*Header table* (seed 004, まちづくりの目標)::

    指標名 | 把握方法 | 現在値 (H29年3月末) | 中間目標値 (H34年度) | 最終目標値 (H38年度)
    NPO・ボランティア登録団体数 | …の合計 | 93 団体 | 105 団体 | 113 団体

*Stacked blocks* (seed 003, ◆目標値): one or more ``指標名`` rows, a ``目標値`` row with the
years, then one value row per indicator, in the same order::

    ① | 指標名 | 全国学力状況調査（…）
      | 設定理由 | …
      | 目標値 | 令和元年度(現状値) | 令和2年度 | … | 令和5年度
      |        | 小93.5 中98.1 | 小100 中100 | …

The first year column is the baseline (現在値/現状値), the others are targets.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ..japanese.dates import parse_year
from ..model import Indicator, IndicatorValue, PlanDocument
from ..registry import register_stage

_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")
_ITEM_MARK = re.compile(r"^[①-⑳]?\s*")


@dataclass(frozen=True)
class IndicatorSettings:
    use_pdf_tables: bool = True
    """Also read indicators from tables found in PDFs (pdfplumber)."""


def parse_value(cell: str, label: str, year: int | None) -> IndicatorValue:
    """``"93 団体"`` → value 93.0 (unit in the text); ``"小93.5 中98.1"`` → value None."""
    text = cell.strip()
    numbers = _NUMBER.findall(text)
    value = float(numbers[0].replace(",", "")) if len(numbers) == 1 else None
    return IndicatorValue(year=year, value=value, text=text, label=label)


def unit_of(cells: Sequence[str]) -> str | None:
    for cell in cells:
        numbers = _NUMBER.findall(cell)
        if len(numbers) == 1:
            unit = _NUMBER.sub("", cell).strip().strip("()（）")
            if unit:
                return unit
    return None


def _label_and_year(header: str) -> tuple[str, int | None]:
    label = re.split(r"[\s(（]", header.strip(), maxsplit=1)[0]
    return label, parse_year(header)


def _cells(row: str) -> list[str]:
    return [c.strip() for c in row.split("\t")]


def from_header_table(rows: Sequence[Sequence[str]]) -> list[tuple[int, str, str | None, list[IndicatorValue]]]:
    """(row index, name, method, values) of a header table; [] if ``rows`` is not one."""
    header = [c.strip() for c in rows[0]]
    if not header or "指標" not in header[0]:
        return []
    year_columns = [i for i, h in enumerate(header) if parse_year(h) is not None or "値" in h]
    method_column = next((i for i, h in enumerate(header) if "把握" in h or "方法" in h), None)
    found = []
    for r, row in enumerate(rows[1:], start=1):
        cells = list(row) + [""] * (len(header) - len(row))
        if not cells[0].strip():
            continue
        values = [parse_value(cells[i], *_label_and_year(header[i])) for i in year_columns if i < len(cells)]
        method = cells[method_column].strip() if method_column is not None else None
        found.append((r, re.sub(r"\s*〔.*?〕", "", cells[0]).strip(), method, values))
    return found


def from_stacked_blocks(rows: Sequence[Sequence[str]]) -> list[tuple[int, str, str | None, list[IndicatorValue]]]:
    names: list[tuple[int, str]] = []
    years: list[tuple[str, int | None]] = []
    found = []
    for r, row in enumerate(rows):
        cells = [_ITEM_MARK.sub("", c.strip()) for c in row]
        cells = [c for c in cells if c]
        if not cells:
            continue
        if cells[0] == "指標名" and len(cells) > 1:
            names.append((r, cells[1]))
        elif cells[0] == "目標値" and len(cells) > 1:
            years = [_label_and_year(c) for c in cells[1:]]
        elif cells[0] in ("設定理由", "把握方法"):
            continue
        elif years and names and _NUMBER.search(cells[0] + "".join(cells[1:2])) or (years and names and "—" in cells[0]):
            r0, name = names.pop(0)
            values = [parse_value(c, label, year) for c, (label, year) in zip(cells, years, strict=False)]
            found.append((r0, name, None, values))
    return found


def indicators_from_rows(rows: Sequence[Sequence[str]]) -> list[tuple[int, str, str | None, list[IndicatorValue]]]:
    return from_header_table(rows) or from_stacked_blocks(rows)


def _make(name: str, method: str | None, values: list[IndicatorValue], section_id: str | None,
          start: int | None, end: int | None, index: int) -> Indicator:
    baseline = values[0] if values else None
    return Indicator(
        id=f"ind-{index:03d}", name=name, unit=unit_of([v.text for v in values]),
        baseline=baseline, targets=tuple(values[1:]), section_id=section_id,
        start=start, end=end, method=method or None,
    )


def extract_indicators(doc: PlanDocument, settings: IndicatorSettings) -> tuple[Indicator, ...]:
    indicators: list[Indicator] = []
    block: list = []  # consecutive table-row sentences

    def flush() -> None:
        if not block:
            return
        rows = [_cells(s.text) for s in block]
        for r, name, method, values in indicators_from_rows(rows):
            sentence = block[r]
            indicators.append(_make(name, method, values, sentence.section_id, sentence.start,
                                    sentence.end, len(indicators)))
        block.clear()

    for sentence in doc.sentences:
        if sentence.kind == "table_row":
            block.append(sentence)
        elif block and sentence.kind != "table_row":
            flush()
    flush()
    if settings.use_pdf_tables and doc.layout != "blocks":  # read from geometry, a table's
        for table in doc.tables:                          # rows are table rows of the text
            position = _text_position(doc, table.start)
            section_id = doc.section_at(position) if position is not None else None
            for _, name, method, values in indicators_from_rows(table.rows):
                indicators.append(_make(name, method, values, section_id, position, None, len(indicators)))
    return tuple(indicators)


def _text_position(doc: PlanDocument, raw_offset: int | None) -> int | None:
    """The offset in ``doc.text`` of the first character produced from ``raw_offset`` or later."""
    if raw_offset is None or not doc.offsets:
        return None
    import bisect

    index = bisect.bisect_left(doc.offsets, raw_offset)
    return min(index, len(doc.text) - 1) if doc.text else None


@register_stage("indicators", needs=("sentences", "sections"), adds=("indicators",), settings=IndicatorSettings)
def make_indicators(settings: IndicatorSettings) -> Callable[[PlanDocument], PlanDocument]:
    def indicators(doc: PlanDocument) -> PlanDocument:
        return replace(doc, indicators=extract_indicators(doc, settings))

    return indicators
