"""Which review section a report sentence belongs to: overview, achievements, problems, plans or
other. Headings are the strongest evidence ("存在的问题" opens problems until the next heading of
the same or a higher level); a sentence's own cue words decide where no heading tells, and
override a heading when they point clearly elsewhere (a target figure inside an achievements
paragraph is a plan).
"""

from __future__ import annotations

import re

SECTIONS = ("overview", "achievements", "problems", "plans", "other")

HEADING_CUES = {
    "overview": ("基本情况", "工作概况", "总体情况", "概况", "概述", "工作回顾", "年度工作总结"),
    "achievements": ("成绩", "完成情况", "主要工作", "工作成效", "亮点", "成果", "经验", "收缴", "处理", "维护", "管理", "培训"),
    "problems": ("问题", "不足", "差距", "困难", "教训", "短板"),
    "plans": ("计划", "打算", "思路", "目标", "下一步", "明年", "展望", "措施", "建议"),
}
SENTENCE_CUES = {
    "problems": re.compile(r"存在|不足|问题|欠缺|不够|有待|较差|薄弱|滞后|未能|没有达到|不到位|投诉较多|难以|困难"),
    "plans": re.compile(r"计划|力争|争取|目标|明年|下一年|下一步|将(继续|进一步|加强|完善|建立|开展)|不低于|确保|拟|要(进一步|加强|继续)"),
    "achievements": re.compile(r"完成|达到|实现|提高|提升|同比|累计|共(计)?|受理|接待|处理了|办结|获得|荣获|增长|下降|成功"),
}


def section_of_heading(text: str) -> str | None:
    for section in ("problems", "plans", "overview", "achievements"):
        if any(cue in text for cue in HEADING_CUES[section]):
            return section
    return None


def section_of_sentence(text: str, inherited: str | None, has_target: bool = False) -> str:
    """Section of a body sentence, given the section its heading opened (or None)."""
    if (has_target or SENTENCE_CUES["plans"].search(text)) and inherited != "problems":
        return "plans"
    if inherited is not None:
        return inherited
    for section in ("problems", "achievements"):
        if SENTENCE_CUES[section].search(text):
            return section
    return "overview"
