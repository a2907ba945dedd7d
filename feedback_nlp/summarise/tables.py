"""Figures in text tables of work reports: a header line whose columns name periods ("指标 2025年
2024年 同比", "指标名称 本季度 上季度 变动"), then rows of figures under it, each read as this
period's value, last period's (a baseline) or the change.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .metrics import UNIT_NAMES, UNITS, Metric, extract_metrics

# a table of figures set out as text, one row a line: "指标名称 本季度 上季度 变动" over
# "人工接通率 96.1% 95.3% +0.8个百分点", or a Word table read row by row: "指标 2025年 2024年 同比"
# over "报修受理数量（件） 12486 11529 +8.3%". Its columns say what each figure is: last period's
# value (not listed), the change, or this period's; a unit may stand in the row's name
_PAST_COLUMN = re.compile(r"上季度|上月|上年|去年|同期|上期|上周|上半年")
_CHANGE_COLUMN = re.compile(r"变动|变化|增减|同比|环比|增幅|增长|升降")
_YEAR_COLUMN = re.compile(r"^((?:19|20)\d\d)年?度?$")
_UNIT_IN_NAME = re.compile(r"\s*[（(]([^（()）]{1,4})[)）]$")
_BARE_NUMBER = re.compile(r"^[-+]?\d+(?:,\d{3})*(?:\.\d+)?$")
_MAX_HEADER_CELL = 8


def _past_columns(cells: list[str]) -> list[bool]:
    """Which columns hold last period's values: named so ("上季度"), or a year before the latest
    year the header names ("2024年" beside "2025年")."""
    years = [int(m.group(1)) if (m := _YEAR_COLUMN.match(c)) else None for c in cells]
    latest = max((y for y in years if y), default=None)
    return [bool(_PAST_COLUMN.search(c)) or (y is not None and y < latest) for c, y in zip(cells, years)]


def table_header(text: str) -> list[str] | None:
    """The column names of a text table's header line, when ``text`` is one: three or more short
    cells without figures (years aside), one of them last period's ("上季度", "2024年" beside "2025年")."""
    cells = text.split()
    if len(cells) < 3 or any(len(c) > _MAX_HEADER_CELL or (re.search(r"\d", c) and not _YEAR_COLUMN.match(c)) for c in cells):
        return None
    return cells if any(_past_columns(cells)[1:]) else None


def table_row_metrics(text: str, header: list[str], default_kind: str = "actual") -> list[Metric] | None:
    """The figures of a row under ``header`` (None when ``text`` is not such a row): named by the
    row's first cell; a figure in last period's column is a baseline, one in a change column is
    named for the change ("人工接通率变动"); a bare number takes the unit its row's name gives
    ("投诉件数（件） 318")."""
    cells = text.split()
    if len(cells) != len(header) or re.search(r"\d", cells[0]):
        return None
    unit = _UNIT_IN_NAME.search(cells[0])
    name = cells[0][: unit.start()] if unit else cells[0]
    unit = unit.group(1) if unit and unit.group(1) in UNITS else ""
    past = _past_columns(header)
    out: list[Metric] = []
    offset = len(cells[0])
    for column, was, cell in zip(header[1:], past[1:], cells[1:]):
        start = text.index(cell, offset)
        offset = start + len(cell)
        found = extract_metrics(cell, default_kind)
        if not found and unit and _BARE_NUMBER.match(cell):
            value = float(cell.replace(",", ""))
            found = [Metric(value, UNIT_NAMES.get(unit, unit), name, default_kind, cell, "", 0, len(cell))]
        for m in found:
            if was:
                kind, subject = "baseline", name
            elif _CHANGE_COLUMN.search(column):
                kind, subject = m.kind, name + column
            else:
                kind, subject = m.kind, name
            out.append(replace(m, subject=subject, kind=kind, start=start + m.start, end=start + m.end))
    return out
