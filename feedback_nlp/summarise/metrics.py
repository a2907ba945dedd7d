"""Key figures in work reports: numbers with their unit, the subject they describe, and whether
they state what happened (actual) or what is aimed for (target).

"客服中心接待业务4803次" -> Metric(value=4803, unit="次", subject="客服中心接待业务", kind="actual");
"客户综合满意率不低于90%" -> Metric(value=90, unit="%", subject="客户综合满意率", kind="target",
qualifier="不低于"); in "质检覆盖率从10%提升到100%" 10% is the baseline and 100% the value reached,
both of 质检覆盖率. Dates, years, list numbers and phone numbers are not figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

UNITS = sorted(
    """平方米 平方公里 立方米 万美元 美元 万元 亿元 千元 元 块 个百分点 百分点 % ‰ ㎡ 次 起 件 户 套 间 栋 幢 人次 人 名 位 个 台 辆 份 单
    条 项 家 场 期 批 吨 公斤 千克 米 公里 天 小时 分钟 秒 个月 倍 张 本 篇 所 处 部""".split(),
    key=len,
    reverse=True,
)
# "达到" alone is not here: "一次性解决率达到87.5%" reports a result
TARGET_QUALIFIERS = ("不低于", "不少于", "不超过", "不高于", "提高到", "提升到", "降低到", "控制在", "确保", "力争", "争取", "逐步达到")
TARGET_CUES = ("目标", "计划", "力争", "争取", "确保", "明年", "下一年", "下年度", "预计")
_TARGET_CUE = re.compile("|".join(TARGET_CUES).replace("计划", "计划(?!生育|经济)"))  # 计划生育 is a field of work
# the qualifiers worth showing beside a figure: "不低于90%", "约4885件"; "为", "共" add nothing
SHOWN_QUALIFIERS = TARGET_QUALIFIERS + ("约", "近", "超过")
_QUALIFIER = "|".join(TARGET_QUALIFIERS + ("约", "近", "超过", "共计", "共", "累计", "合计", "为", "是", "达"))
_NUMBER = re.compile(
    rf"(?<![0-9A-Za-z.\-第])(?<!\d[,，、])(?P<qualifier>{_QUALIFIER})?\s*"
    rf"(?:(?P<low>\d+(?:\.\d+)?)\s*(?:至|到|~|～|-|—)\s*)?"  # a range: "提高1至5个百分点", "3-5天"
    rf"(?P<value>[-+]?\d+(?:,\d{{3}})*(?:\.\d+)?)\s*(?P<approx>余|多)?(?P<unit>{'|'.join(map(re.escape, UNITS))})"
    r"(?P<bound>以上|以下|以内|左右)?"
)
_CLAUSE_START = re.compile(r"[，。；;：:！？!?)）\n]|其中|以及|并且|同时")
_CLAUSE_END = re.compile(r"[，。；;：:！？!?()（）\n]")
_LEAD_WORDS = re.compile(
    r"^(截至|截止)?\s*((\d{4}|20[xX_*]{2}|[xX_*]{2,4})年度?)?(\d{1,2}月)?(\d{1,2}日)?"
    r"(底|末|年度|全年|本年度|[上下]半年度?|前三季度|第?[一二三四1-4]季度)?[，, ]*"
    r"(我(公司|部|部门|中心|单位)|本(公司|部|部门|中心))?(共计|共|累计|全年)?(计划|预计|力争|争取|确保|将|要)?((完成|实现)了?)?"
)
# a count of texts in the title of a page of sample reports: "售后客服工作总结例文5篇", "模板（精选7篇"
_PAGE_COUNT = re.compile(r"(总结|汇报|报告|计划|范文|例文|模板|精选|精通)[】）)（(【\s]*(精选|精通|共)?$")
# the same at the end of a title that names the kind of text anywhere: "…年终工作总结2013年计划 国际化标准5篇"
_TITLE_GENRE = re.compile(r"总结|汇报|报告|计划|范文|例文|模板")
_WRITING_VERB = re.compile(r"撰写|起草|编写|上报|报送|提交|完成")  # "上报工作总结3篇" is work done
_TAIL_WORDS = re.compile(r"(共计|共|累计|合计|达到|达|为|是|约|近|超过)$")
# what a subject may start with that is not part of it: joiners after the figure before, list numbers
_LIST_JOINERS = re.compile(r"^([、，,和及与（(]+|以及|[（(]?[0-9一二三四五六七八九十]{1,2}[)）、.．](?!\d))")
_HAS = re.compile(r"(至少|共|已|还)?有$")  # "每月至少有2台以上大修发动机车辆": the subject follows


@dataclass(frozen=True)
class Metric:
    value: float
    unit: str
    subject: str
    kind: str  # "actual", "target", or "baseline" (where a change started: "从10%提升到100%")
    text: str  # the figure as written, e.g. "4803次"
    qualifier: str = ""
    start: int = 0  # offsets of the figure in the sentence
    end: int = 0

    def key(self) -> tuple:
        return (self.subject, self.value, self.unit, self.kind)


def _subject(sentence: str, start: int, after: int = 0) -> str:
    """The words before a figure, back to the start of its clause or the figure before it in
    the clause (``after``: "文件10余份、函20份" -> "函"), trimmed of dates and verbs. A figure
    right after a colon takes the words before it ("管理总面积为：29848.47㎡")."""
    left = sentence[:start]
    subject = _clean_subject(left, after)
    if not subject and left.rstrip().endswith(("：", ":")):
        subject = _clean_subject(left.rstrip()[:-1], after)
    return subject


def _clean_subject(left: str, after: int) -> str:
    """The clause ending ``left`` (not before ``after``), without joiners, dates and verbs."""
    cut = max([after] + [m.end() for m in _CLAUSE_START.finditer(left, after)])
    subject = _LIST_JOINERS.sub("", left[cut:].strip(), count=1)
    subject = _LEAD_WORDS.sub("", subject, count=1).strip()
    return _TAIL_WORDS.sub("", subject.rstrip("（( ")).strip()


def _subject_after(sentence: str, end: int) -> str:
    """For "其中24起为房产证问题": the words after the figure, up to the end of its clause or the
    next figure."""
    right = sentence[end:]
    stops = [m.start() for m in (_CLAUSE_END.search(right), _NUMBER.search(right)) if m]
    return re.sub(r"^(为|是|属于|涉及)", "", right[: min(stops, default=len(right))]).strip()


def extract_metrics(sentence: str, default_kind: str = "actual") -> list[Metric]:
    """Figures in one sentence. ``default_kind`` applies when the sentence has no target cue
    (a sentence in a plan section may pass "target")."""
    cues = [m.start() for m in _TARGET_CUE.finditer(sentence)]
    out: list[Metric] = []
    for m in _NUMBER.finditer(sentence):
        value = float(m.group("value").replace(",", ""))
        unit = m.group("unit")
        qualifier = m.group("qualifier") or ""
        if unit in ("个", "份") and sentence.startswith("月", m.end()):
            continue  # "3个月" is a duration written with 个
        before = sentence[: m.start()]
        ends_title = not sentence[m.end() :].strip(" 】）)") and _TITLE_GENRE.search(before)
        if unit == "篇" and (_PAGE_COUNT.search(before) or ends_title) and not _WRITING_VERB.search(before):
            continue  # "工作总结范文5篇" counts the texts on a web page, not work done
        if out and out[-1].end == m.start() and out[-1].unit == unit and m.group("value")[0] in "-+":
            # "降低10%-15%": the dash joins a range, it is not a minus sign
            out[-1] = replace(out[-1], value=abs(value), text=sentence[out[-1].start : m.end()], end=m.end())
            continue
        start = m.start("low") if m.group("low") else m.start("value")
        change = _CHANGE_FROM.search(sentence, 0, m.start())
        previous = out[-1] if out else None
        if previous and previous.end <= m.start() and change is None and previous.kind == "baseline":
            # "由去年的45秒缩短至28秒": the value reached, of the subject named before the change
            kind = "target" if _is_target(sentence, cues, m.start(), m.end()) else default_kind
            out.append(Metric(value, unit, previous.subject, kind, sentence[start : m.end()], qualifier, start, m.end()))
            continue
        if change is not None and _CHANGE_TO.match(sentence, m.end()):
            # "质检覆盖率从10%提升到100%": the figure the change starts from
            subject = _subject(sentence, change.start(), previous.end if previous else 0)
            out.append(Metric(value, unit, subject, "baseline", sentence[start : m.end()], qualifier, start, m.end()))
            continue
        kind = "target" if qualifier in TARGET_QUALIFIERS or _is_target(sentence, cues, m.start(), m.end()) else default_kind
        subject = _subject(sentence, m.start(), previous.end if previous else 0)
        if not subject or _HAS.search(subject):
            subject = _subject_after(sentence, m.end()) or subject or (previous.subject if previous else "")
        elif subject.endswith("的") and (noun := _subject_after(sentence, m.end()).removeprefix("的")):
            subject += noun  # "年初制定的95%目标": what the figure is of follows it
        out.append(Metric(value, unit, subject, kind, sentence[start : m.end()], qualifier, start, m.end()))
    return out


# "由去年的45秒缩短至28秒", "从10%提升到100%": a figure after 由/从 (in its clause) that is followed by
# 至/到 and another figure is where a change starts; the figure after it is the value reached
_CHANGE_FROM = re.compile(r"(?:由|从)(?:[^，。；;,：:！？!?\d由从]{0,6})$")
_CHANGE_TO = re.compile(r"\s*[^，。；;,：:！？!?\d]{0,6}?(?:至|到)\s*[-+]?\d")


def _is_target(sentence: str, cues: list[int], start: int, end: int) -> bool:
    """Whether a target cue ("目标", "力争", "明年"…) stands before the figure, or in its clause
    after it ("满意率95%的目标"); one further on speaks of other figures ("满意度为93.5%，未完成
    年初制定的95%目标": 93.5% is what was reached)."""
    if any(c < start for c in cues):
        return True
    stop = _CLAUSE_END.search(sentence, end)
    return any(end <= c < (stop.start() if stop else len(sentence)) for c in cues)


# subjects that name nothing a reader could look up in a table: "2个月来" ("来"), "通过近2个月",
# "可以说24小时"; a figure is kept in its sentence but not listed as a key figure
_EMPTY_SUBJECT = re.compile(r"^(来|以来|通过|经过|可以说|其中|另外?|由于|因为|对于?|在|从|自|近|约|共|这|那|每)?$")


def names_something(subject: str) -> bool:
    """Whether a figure's subject says what was counted: Chinese words, not a bare connective or
    preposition ("函" in "函20份" does)."""
    return bool(re.search(r"[\u4e00-\u9fff]", subject)) and not _EMPTY_SUBJECT.match(subject)


def dedupe_metrics(metrics: list[Metric]) -> list[Metric]:
    """First occurrence of each (subject, value, unit, kind)."""
    seen: set = set()
    out = []
    for metric in metrics:
        if metric.key() not in seen:
            seen.add(metric.key())
            out.append(metric)
    return out
