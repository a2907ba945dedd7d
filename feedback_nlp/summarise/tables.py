"""Figures in text tables of work reports: a header line whose columns say what each figure is
("指标 2025年 2024年 同比", "指标名称 本季度 上季度 变动", "指标 年度目标 实际完成 完成率"), then rows
of figures under it, each read as this period's value, last period's (a baseline), the change, the
target or how much of it was reached; or a table of one row a month ("月份 来电量（次） 满意率" over
"3月 1210 95.5%"), each figure of its month, and a total row of the report's period.
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
# a column named by a year, alone or with what of it ("2025年", "2024年上半年", "2025年目标")
_YEAR_COLUMN = re.compile(r"^((?:19|20)\d\d)(?:年度?(?P<rest>[^\d]{0,6})|年?度?)$")
# a column of targets ("年度目标", "计划值"), and one of how much of the target was reached
# ("完成率"), which is named for it: "来电接听量完成率"
_TARGET_COLUMN = re.compile(r"目标|计划|预算|预期|任务")
_SHARE_COLUMN = re.compile(r"(?:完成|达成|达标)(?:率|比例|度)")
# a table of one row a period: its first column names the periods, each row's first cell one of
# them ("3月", "2025年3月", "第一季度"), a total ("合计", "全年") or an average ("月均")
_PERIOD_HEADER = re.compile(r"^(?:月份?|月度|时间|日期|期间|统计期间|季度|年月)$")
_ROW_PERIOD = re.compile(r"^(?:(?:19|20)\d\d年)?(?:(?:\d{1,2}|[一二三四五六七八九十]{1,2})月份?|第?[一二三四1-4]季度|[Qq][1-4])$")
_TOTAL_ROW = re.compile(r"^(?:全年|年度)?(?:合计|总计|累计|小计|汇总|总数)$|^全年$")
_AVERAGE_ROW = re.compile(r"^(?:月|季)?(?:平均|均值|平均值)$|^[月季]均$")
# a count without its unit, where a column or row's name says it counts ("来电量", "投诉件数")
_COUNT_NAME = re.compile(r"(?:量|数)$")
_UNIT_IN_NAME = re.compile(r"\s*[（(]([^（()）]{1,4})[)）]$")
_BARE_NUMBER = re.compile(r"^[-+]?\d+(?:,\d{3})*(?:\.\d+)?$")
_MAX_HEADER_CELL = 12  # "投诉处理及时率（%）"


def _past_columns(cells: list[str]) -> list[bool]:
    """Which columns hold last period's values: named so ("上季度"), or a year before the latest
    year the header names ("2024年" beside "2025年", "2024年上半年" beside "2025年上半年")."""
    years = [int(m.group(1)) if (m := _YEAR_COLUMN.match(c)) else None for c in cells]
    latest = max((y for y in years if y), default=None)
    # a column that names its year is past by its year alone: "2025年上半年" is this year's first half
    return [y < latest if y is not None else bool(_PAST_COLUMN.search(c)) for c, y in zip(cells, years)]


def table_header(text: str) -> list[str] | None:
    """The column names of a text table's header line, when ``text`` is one: three or more short
    cells without figures (years aside), one of them last period's ("上季度", "2024年" beside
    "2025年") or a target ("年度目标"), or the first naming the periods of the rows ("月份")."""
    cells = text.split()
    if len(cells) < 3 or any(len(c) > _MAX_HEADER_CELL or (re.search(r"\d", c) and not _YEAR_COLUMN.match(c)) for c in cells):
        return None
    if _PERIOD_HEADER.match(cells[0]) or any(_past_columns(cells)[1:]) or any(_TARGET_COLUMN.search(c) for c in cells[1:]):
        return cells
    return None


def _name_and_unit(cell: str) -> tuple[str, str]:
    """A row's or column's name and the unit it gives its bare numbers: "投诉件数（件）" -> ("投诉件数",
    "件"); "来电量" -> ("来电量", ""), a count; otherwise no unit (None: bare numbers are not read)."""
    unit = _UNIT_IN_NAME.search(cell)
    name = cell[: unit.start()] if unit else cell
    if unit and unit.group(1) in UNITS:
        return name, UNIT_NAMES.get(unit.group(1), unit.group(1))
    return name, "" if _COUNT_NAME.search(name) else None


# the column that names each row's figure, where a column of categories stands before it ("类别
# 指标 2025年 2024年", the categories merged down the rows)
_NAME_COLUMN = re.compile(r"^(?:指标|指标名称|项目|项目名称|名称|内容|考核指标|服务指标)$")


def _name_column(header: list[str]) -> int:
    """Where the row names are: the column headed 指标 (or 项目, 名称…) among the first two, else the first."""
    return next((i for i, c in enumerate(header[:2]) if _NAME_COLUMN.match(c)), 0)


def _cell_metrics(cell: str, name: str, unit: str | None, kind: str) -> list[Metric]:
    """The figures of one cell: as a sentence would give them, or a bare number in ``unit``."""
    found = extract_metrics(cell, kind)
    if not found and unit is not None and _BARE_NUMBER.match(cell):
        found = [Metric(float(cell.replace(",", "")), unit, name, kind, cell, "", 0, len(cell))]
    return found


def table_row_metrics(text: str, header: list[str], default_kind: str = "actual") -> list[Metric] | None:
    """The figures of a row under ``header`` (None when ``text`` is not such a row): named by the
    row's first cell; a figure in last period's column is a baseline, one in a change column or a
    column of how much of the target was reached is named for it ("人工接通率变动", "来电接听量完成率"),
    one in a target column is a target; a bare number takes the unit its row's name gives ("投诉件数（件）
    318"). In a table of one row a period, a figure is named by its column and is of the row's
    period: "3月 1210" under "月份 来电量（次）" is 来电量 of 3月 (``Metric.period``); a total row's
    figures are of the report's period, an average row's are named so ("月均来电量")."""
    cells = text.split()
    if len(cells) != len(header):
        return None
    if _PERIOD_HEADER.match(header[0]):
        return _period_row_metrics(text, cells, header, default_kind)
    at = _name_column(header)
    if re.search(r"\d", cells[at]):
        return None
    name, unit = _name_and_unit(cells[at])
    past = _past_columns(header)
    out: list[Metric] = []
    offset = sum(len(c) + 1 for c in cells[: at + 1]) - 1
    for column, was, cell in zip(header[at + 1 :], past[at + 1 :], cells[at + 1 :]):
        start = text.index(cell, offset)
        offset = start + len(cell)
        for m in _cell_metrics(cell, name, unit, default_kind):
            if was:
                kind, subject = "baseline", name
            elif _CHANGE_COLUMN.search(column) or _SHARE_COLUMN.search(column):
                kind, subject = m.kind, name + column
            elif _TARGET_COLUMN.search(column):
                kind, subject = "target", name
            else:
                kind, subject = m.kind, name
            out.append(replace(m, subject=subject, kind=kind, start=start + m.start, end=start + m.end))
    return out


def _period_row_metrics(text: str, cells: list[str], header: list[str], kind: str) -> list[Metric] | None:
    """``table_row_metrics`` of a row of a table of one row a period."""
    first = cells[0]
    if _TOTAL_ROW.match(first):
        period, prefix = "", ""
    elif _AVERAGE_ROW.match(first):
        period, prefix = "", ("季均" if "季" in header[0] + first else "月均")
    elif _ROW_PERIOD.match(first):
        period, prefix = first, ""
    else:
        return None
    out: list[Metric] = []
    offset = len(first)
    for column, cell in zip(header[1:], cells[1:]):
        start = text.index(cell, offset)
        offset = start + len(cell)
        name, unit = _name_and_unit(column)
        for m in _cell_metrics(cell, name, unit, kind):
            out.append(replace(m, subject=prefix + name, start=start + m.start, end=start + m.end, period=period))
    return out
