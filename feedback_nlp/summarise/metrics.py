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
from typing import Any

UNITS = sorted(
    """平方米 平方公里 立方米 万美元 美元 万美金 美金 万元 亿元 千元 元 块 个百分点 百分点 % ‰ ㎡ 次 起 件 户 套 间 栋 幢 人次 人 名 位 个 台 辆 份 单
    条 项 家 场 期 批 具 吨 公斤 千克 米 公里 天 小时 分钟 秒 个月 个工作日 工作日 倍 张 本 篇 所 处 部 分 通 笔 席""".split(),
    key=len,
    reverse=True,
)
# the unit a figure is listed under where the report writes it another way: 美金 is said for 美元
UNIT_NAMES = {"美金": "美元", "万美金": "万美元"}
# "达到" alone is not here: "一次性解决率达到87.5%" reports a result
TARGET_QUALIFIERS = ("不低于", "不少于", "不超过", "不高于", "提高到", "提升到", "降低到", "控制在", "确保", "力争", "争取", "逐步达到")
TARGET_CUES = ("目标", "计划", "力争", "争取", "确保", "明年", "下一年", "下年度", "预计", "下月", "下个月", "下季度", "下一季度", "下一步")
# 计划生育 is a field of work; 计划完成率 and 目标达成率 name results ("全年工单计划完成率为102%")
_TARGET_CUE = re.compile(
    "|".join(TARGET_CUES).replace("计划", "计划(?!生育|经济|(?:完成|执行|达成|兑现)率)").replace("目标", "目标(?!(?:完成|达成)率)")
)
# a plan the work followed, not a target: "按照年初工作计划，全年共完成维修1200单"
_PLAN_FOLLOWED = re.compile(r"(?:按照|根据|依据|依照|按)[^，。；;,]{0,10}$")
# the qualifiers worth showing beside a figure: "不低于90%", "约4885件"; "为", "共" add nothing
SHOWN_QUALIFIERS = TARGET_QUALIFIERS + ("约", "近", "超过")
_QUALIFIER = "|".join(TARGET_QUALIFIERS + ("约", "近", "超过", "共计", "共", "累计", "合计", "为", "是", "达"))
_NUMBER = re.compile(
    rf"(?<![0-9A-Za-z.\-第])(?<!\d[,，、])(?P<qualifier>{_QUALIFIER})?\s*"
    rf"(?:(?P<low>\d+(?:\.\d+)?)\s*(?:至|到|~|～|-|—|–)\s*)?"  # a range: "提高1至5个百分点", "3-5天"
    # thousands set apart by commas, or by spaces as some pages print them: "1,200次", "1 200次"
    rf"(?P<value>[-+−–]?(?:\d{{1,3}}(?:[ \u00a0\u2009\u202f]\d{{3}})+(?![\d,])|\d+(?:,\d{{3}})*)(?:\.\d+)?)\s*(?:余|多)?(?P<scale>千|万|亿)?(?:余|多)?(?P<unit>{'|'.join(map(re.escape, UNITS))})"
    r"(?P<bound>以上|以下|以内|左右)?"
)
_MINUS = str.maketrans("−–", "--")
_RANGE_JOINER = re.compile(r"\s*(?:至|到|~|～|—|–|-)\s*")
_DIGIT_GROUPS = re.compile("[, \u00a0\u2009\u202f]")
_CLAUSE_START = re.compile(r"[，。；;：:！？!?)）\n]|——|其中|以及|并且|同时")
_CLAUSE_END = re.compile(r"[，。；;：:！？!?()（）\n]")
_LEAD_WORDS = re.compile(
    r"^(由于|因为|另外?|此外|同时|并且?|而且)?(全[镇县市区乡村](?=\S{2}))?(截至|截止到?|到(?=\d|目前))?\s*(目前为止|目前)?"
    r"(今年以来|(?:去年|上一?年度?|今年|本年度?)(?!同期|以来)|(\d{4}|20[xX_*]{2}|[xX_*]{2,4})年度?)?(\d{1,2}\s*[-—至~]\s*\d{1,2}月份?|(?:\d{1,2}|十[一二]|[一二三四五六七八九十])月份?)?(\d{1,2}日)?"
    r"(底|末|年度|全年|本年度|[暨及和]全年|[上下]半年度?|前三季度|第?[一二三四1-4]季度)?[，, ]*"
    r"(我(公司|部门|部|中心|单位|镇)|本(公司|部门|部|中心)|(?:公司|中心|部门)(?=将|要|计划|力争))?(?:共计|共|累计|全年)*(将|要(?!求))?"
    r"(计划(?!完成率)|预计|力争|争取|确保|将|要(?!求))?((完成|实现)了?(?!率))?"
)
# a count of texts in the title of a page of sample reports: "售后客服工作总结例文5篇", "模板（精选7篇"
_PAGE_COUNT = re.compile(r"(总结|汇报|报告|计划|范文|例文|模板|精选|精通)[】）)（(【\s]*(精选|精通|共)?$")
# the same at the end of a title that names the kind of text anywhere: "…年终工作总结2013年计划 国际化标准5篇"
_TITLE_GENRE = re.compile(r"总结|汇报|报告|计划|范文|例文|模板")
_WRITING_VERB = re.compile(r"撰写|起草|编写|上报|报送|提交|完成")  # "上报工作总结3篇" is work done
# "投诉处理及时率未达到" -> "投诉处理及时率"; 未 alone ("满意率95.6%，未达到96%的目标") says the figure is of the one before
# the verbs of a change, longest first: "下降15.6%至320件", "降为28秒"
_CHANGE_VERBS = "提升|提高|上升|回升|恢复|下降|降低|缩短|减少|增加|增长|延长|降|升|增|减"
_TAIL_WORDS = re.compile(
    r"(共计|共|累计|合计|(?:(?<=.)(?:未能?|没有))?(?:达到了?|达)|为|是|约|近|超过|至少|力争|争取|低于|高于|保持在?|稳定在|维持在|仅"
    rf"|(?:{_CHANGE_VERBS})了?[至到为])+$"
)
# a subject that only says how the figure relates to the one before it in the sentence: a share
# ("6247户，占总体的75%"), a change ("57.99亿元，同比增长24.2%") or a rate ("4803次，平均每天16起");
# the figure is of the thing the figure before names
_RELATIVE = re.compile(
    r"^(?:(?:与|比|较)?(?:去年|上年|上一年|上月|上季度|上周|上半年|(?:19|20)\d\d年度?|第?[一二三四1-4]季度)(?:同期|底|末)?|(?P<vs>同比|环比))?"
    r"(?P<word>(?:增长|增加|提高|提升|上升|下降|减少|降低)了?)$"
    r"|^(?P<done>完成|办结|解决|修复|回访|处理)了?$|^(?P<same>首次|再次|均|也|仍|未|未完成|未能完成|没有完成|超额完成|保持在?|目标(?:值|为)?)$"
    r"|^(?P<share>占.{0,12}?)的?$|^(?P<rate>(?:平均)?每(?:天|日|月|周|年|季度?|人|户))$|^(?P<bare>同比|环比)$"
)
# "满意率提高", "满意度比上年提高" -> "满意率", "满意度"
_CHANGE_WORD = re.compile(
    r"(?<=.)(?:(?:与|比|较)(?:去年|上年|上一年|上月|上季度|上半年|(?:19|20)\d\d年度?)(?:同期)?)?"
    r"(?:同比|环比)?(?:增长|增加|提高|提升|上升|下降|减少|降低)了?$"
)
# a building number, not a count of buildings: "12栋、15栋高层住户", "3栋业主"
_BUILDING_ID = re.compile(r"[、和及与]\s*\d+\s*[栋幢]|(?:住户|业主|居民|高层|楼道|单元|\d+\s*(?:单元|层|室|号))")
_CONJUNCTION = re.compile(r"^(?:但是?|而且?|却|并且?|且)")
_DONE = re.compile(r"^(完成|办结|解决|修复|回访|处理)了?$")
# what a count may be followed by that is not the thing counted ("2台以上", "3次左右", "5人中")
_NOT_A_NOUN = re.compile(
    r"^(以上|以下|以内|左右|之|的|中|内|来|后|前|里|多|余|次|月|工作日|小时|星期|周|天|年|季度|百分点|分钟|秒"
    r"|[按在从向对由给被把将于为是]|[^\u4e00-\u9fff])"
)
# where the thing counted after a figure ends: "4个新项目的维护任务", "1次集中培训或现场培训"
_NOUN_END = re.compile(
    r"[的或和与有未已均都被将要需仍也还近约等达为是就到至]|(?<!涉)及|中[有的]|实行|实施|进行|开展|参加|解决|办理|上岗|在岗|支援|负责|开放|等候"
    r"|压缩|下降|上升|增长|增加|提高|降低|减少|缩短|延长|超过|排名|整合|接入|上线|启用|开通|建成|转"
    r"|[^\u4e00-\u9fffA-Za-z]"
)
# units that count things, which may stand before the thing counted ("接到4个新项目")
COUNT_UNITS = frozenset("次 起 件 户 套 间 栋 幢 人次 人 名 位 个 台 辆 份 单 条 项 家 场 期 批 具 张 本 篇 所 处 部".split())
# what a subject may start with that is not part of it: joiners after the figure before, list numbers
_LIST_JOINERS = re.compile(
    r"^([、，,和与（(]+|及(?!时)|以及|[（(]?[0-9一二三四五六七八九十]{1,2}(?:[)）、．]|\.(?!\d))|[·•●▪◆■◇○\-*]+\s*|[一二三四五六七八九十]是)"
)
_HAS = re.compile(r"(至少|共|已|还)?有$")  # "每月至少有2台以上大修发动机车辆": the subject follows


DURATION_UNITS = frozenset("天 小时 分钟 秒 个工作日 工作日".split())
_RATE_NAME = re.compile(r"(以内|内)?[\u4e00-\u9fff]{1,6}率")


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
    # the part of its report's period the figure is of, where that differs, as a row of a table of
    # one row a month names it, with the year: "2025年3月", "2025年一月" (``report_period`` reads it)
    period: str = ""

    def key(self) -> tuple:
        return (self.subject, self.value, self.unit, self.kind, self.period)


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
    """The clause ending ``left`` (not before ``after``), without joiners, dates, verbs and
    asides in brackets ("增长（下同）"); a bracket left open before the figure joins what it
    holds to the words before it ("第三方责任险（保费共3000元" -> "第三方责任险保费")."""
    clause = re.sub(r"[（(][^（()）]*[)）]", "", left[after:])  # asides first: their ） ends no clause
    cut = max([0] + [m.end() for m in _CLAUSE_START.finditer(clause)])
    subject = re.sub(r"[（(]", "", clause[cut:]).strip()
    subject = _LIST_JOINERS.sub("", subject, count=1)
    led = _LEAD_WORDS.sub("", subject, count=1).strip()
    if not led and _DONE.match(subject):
        led = subject  # "报修341件，完成335件": the verb is all there is, and says what 335 counts
    return _TAIL_WORDS.sub("", led.rstrip("（( ")).strip()


def _noun_after(sentence: str, end: int, unit: str) -> str:
    """The thing a count is of when it follows the count: "接到4个新项目的维护任务" -> "新项目",
    "至少2台以上大修发动机车辆" -> "大修发动机车辆"; "" when the figure ends its clause."""
    right = sentence[end:]
    if unit not in COUNT_UNITS or _NOT_A_NOUN.match(right):
        return ""
    stop = _NOUN_END.search(right)
    noun = right[: stop.start() if stop else len(right)].removesuffix("中")
    # a rate is not a thing counted: "投诉371起完结率" is a figure with its rate lost
    return noun if 2 <= len(noun) <= 8 and not noun.endswith("率") else ""


def _previous_clause(sentence: str, start: int) -> str:
    """The clause before the one a figure at ``start`` stands in, without its lead words; "" when
    there is none or it holds a figure of its own."""
    clauses = re.split(r"[，,；;：:]", sentence[:start])
    if len(clauses) < 2 or _NUMBER.search(clauses[-2]):
        return ""
    return _LEAD_WORDS.sub("", clauses[-2].strip().removeprefix("其中"), count=1)


# a subject that names a score but not what was scored, and the verbs that bring what was
_GENERIC_SCORE = frozenset("得分 评分 分数 总分 成绩 结果".split())
_HELD = re.compile(r"^.*?(?:组织了?|开展了?|进行了?|举行了?|举办了?|参加了?|完成了?|接受了?)")


def _tested_before(sentence: str, start: int) -> str:
    """What the clause before a score's clause says was tested or measured ("12月份组织了年度第三方
    满意度测评" -> "第三方满意度测评"); "" when that clause holds a figure."""
    words = _HELD.sub("", _previous_clause(sentence, start), count=1)
    words = re.sub(r"^(?:年度|全年|本年度|一次|了)", "", words)
    return words if 2 <= len(words) <= 16 else ""


_SAYS_HOW_MANY = re.compile(
    r"(?:较为|比较|相对|仍然?)?(较多|较少|最多|最少|居多|突出|明显|增多|集中|为主|最高|最大|居首|排第一|排名第一|位居第一)$"
)
# a clause that only names a kind of matter, as a list of complaints does: "服务态度问题，占…的20%"
_KIND_OF_MATTER = re.compile(r"^[\u4e00-\u9fff]{2,12}(问题|投诉|类|方面|事项|原因|报修|工单|来电|咨询)$")


def _clause_before(sentence: str, start: int) -> str:
    """What the clause before a figure's clause speaks of, when it holds no figure and says there
    are many of it ("老旧小区水压不足投诉较多，占全部投诉的33%" -> "老旧小区水压不足投诉";
    "物流问题占比最高，达到35%" -> "物流问题占比") or only names a kind of matter ("服务态度问题，
    占投诉总量的20%"); "" otherwise."""
    words = _LIST_JOINERS.sub("", _previous_clause(sentence, start).removeprefix("其中"), count=1)
    if _SAYS_HOW_MANY.search(words):
        return _SAYS_HOW_MANY.sub("", words)
    return words if _KIND_OF_MATTER.match(words) else ""


def _subject_after(sentence: str, end: int) -> str:
    """For "其中24起为房产证问题": the words after the figure, up to the end of its clause or the
    next figure."""
    right = sentence[end:]
    stops = [m.start() for m in (_CLAUSE_END.search(right), _NUMBER.search(right)) if m]
    # "确保48小时内闭环": 内 bounds the time, the words after it say what is done in it
    return re.sub(r"^(为|是|属于|涉及|以?内)", "", right[: min(stops, default=len(right))]).strip()


# the period a figure's clause opens with, when it is part of a year or an earlier year: "1月份接待
# 来电1100次", "第一季度投诉量为120件", "去年全年接待来电12000次", "2024年接待来电…"; not a day a
# total runs to ("截至12月底累计…", "12月底前"), which is of the year so far. A clause that opens
# with the whole year ("全年", "今年") names the report's own period
_CLAUSE_PERIOD = re.compile(
    r"(?:其中|另外|此外|同时|而|但)?[，, ]*(?:全[镇县市区乡村]|[我本](?:公司|部门|部|中心|单位))?(?:"
    r"(?P<part>(?:(?:19|20)\d\d年度?)?(?:\d{1,2}\s*[-—至~]\s*\d{1,2}月份?|(?:\d{1,2}|十[一二]|[一二三四五六七八九十])月份?"
    r"|第?[一二三四1-4]季度|前[二三两]季度|[上下]半年度?)(?![份底末初中旬前]|\d{1,2}日|[暨及和]全年))"
    r"|(?P<year>(?:19|20)\d\d年度?|去年|上一?年度?)(?![底末初]|\d|[一二三四五六七八九十]+月|第|前|[上下]半年)"
    r"|(?P<whole>全年|今年|本年度?|年度|当年))"
)
# a score's scale, not a figure: "得分92分（满分100分）"
_SCALE = re.compile(r"(?:满分|总分|百分制)(?:为|是)?\s*$")


def _clause_period(sentence: str, start: int) -> str | None:
    """The period the clause of a figure at ``start`` opens with (``_CLAUSE_PERIOD``): the words
    ("1月份", "去年"), "" for the whole year, None when it names none."""
    clause = max([0] + [m.end() for m in _CLAUSE_START.finditer(sentence, 0, start)])
    m = _CLAUSE_PERIOD.match(sentence, clause, start)
    if m is None:
        return None
    return "" if m.group("whole") else (m.group("part") or m.group("year"))


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_TENS = {"十": 10, "百": 100, "千": 1000}
_CN_DIGIT = "零〇一二两三四五六七八九"
# units a Chinese numeral may count in: not 分 ("十分满意" is "very satisfied")
_CN_UNIT = "|".join(map(re.escape, (u for u in UNITS if u != "分")))
# figures written in Chinese numerals: a count before its unit ("三千余次", "一百二十件", "十二个";
# a lone 一, 两 or 三 is more often an article than a figure, "开展了一次培训", and so is one before
# 万 unless an estimate follows, "三万余次" but not "有一万块的月薪放在那里"), a percentage
# ("百分之九十五点五") and a year ("二〇二四年")
_CN_FIGURE = re.compile(
    rf"百分之(?P<percent>[{_CN_DIGIT}十百]+(?:点[{_CN_DIGIT}]+)?)"
    rf"|(?<![{_CN_DIGIT}])(?P<year>[{_CN_DIGIT}]{{4}})(?=年)"
    # not part of a name or an estimate: "双十一期间", "第十二次", "几十台", "数十家"
    rf"|(?<![{_CN_DIGIT}十百千万亿双第几数])(?P<count>[{_CN_DIGIT}十百千]*[十百千][{_CN_DIGIT}十百千]*(?:点[{_CN_DIGIT}]+)?|[{_CN_DIGIT}]{{2,}}(?:点[{_CN_DIGIT}]+)?|[{_CN_DIGIT}](?=[万亿][余多]))"
    rf"(?P<scale>[万亿])?(?=[余多]?(?:{_CN_UNIT}))"
)


def _chinese_number(words: str) -> float | None:
    """The value of a Chinese numeral below ten thousand, decimals after 点 included: "一百二十" ->
    120, "一千零五" -> 1005, "一百二" -> 120 (spoken short for 一百二十), "九十五点五" -> 95.5; None
    for a run that is no numeral ("三四", a span of three or four)."""
    whole, _, fraction = words.partition("点")
    total, digit, unit, pending = 0, 0, None, False
    for ch in whole:
        if ch in _CN_DIGITS:
            if pending and ch not in "零〇":
                return None  # two digits in a row: "三四个"
            digit, pending = _CN_DIGITS[ch], ch not in "零〇"
        else:
            if not pending and ch != "十":
                return None  # 百 or 千 with no digit before it
            total += (digit if pending else 1) * _CN_TENS[ch]  # "十二": one ten
            digit, unit, pending = 0, _CN_TENS[ch], False
    if pending and unit in (100, 1000) and whole[-2] in "百千":
        digit *= unit // 10  # "一百二": the digit after 百 counts tens
    value = float(total + digit)
    if fraction:
        value += float("0." + "".join(str(_CN_DIGITS[ch]) for ch in fraction))
    return value


# set phrases whose numerals count nothing: "一百个放心", "十天半个月", "二十四小时热线" (a service's name)
_CN_SET_PHRASE = re.compile(r"一百个放心|十天半个?月|二十四小时|三百六十五天|百分之百|一百分|十万火急|千万")


def _in_arabic(sentence: str) -> tuple[str, list[int], list[int]] | None:
    """``sentence`` with its figures in Chinese numerals written in Arabic ones (``_CN_FIGURE``),
    and where each character of that came from in ``sentence`` (its start and its end, one each);
    None where it holds none."""
    pieces: list[tuple[int, int, str]] = []
    phrases = [m.span() for m in _CN_SET_PHRASE.finditer(sentence)]
    for m in _CN_FIGURE.finditer(sentence):
        if any(a <= m.start() < b for a, b in phrases):
            continue
        if m.group("year"):
            pieces.append((m.start(), m.end(), "".join(str(_CN_DIGITS[ch]) for ch in m.group("year"))))
            continue
        words = m.group("percent") or m.group("count")
        if (m.group("count") and len(words) < 2 and words != "十" and not m.group("scale")) or (value := _chinese_number(words)) is None:
            continue
        shown = f"{value:g}" if value != int(value) else str(int(value))
        pieces.append((m.start(), m.end(), f"{shown}%" if m.group("percent") else shown + (m.group("scale") or "")))
    if not pieces:
        return None
    text, starts, ends, at = [], [], [], 0
    for start, end, replacement in pieces:
        text.append(sentence[at:start])
        starts += range(at, start)
        ends += range(at + 1, start + 1)
        text.append(replacement)
        starts += [start] * len(replacement)
        ends += [end] * len(replacement)
        at = end
    text.append(sentence[at:])
    starts += range(at, len(sentence))
    ends += range(at + 1, len(sentence) + 1)
    return "".join(text), starts, ends


def extract_metrics(sentence: str, default_kind: str = "actual", carried: Metric | None = None) -> list[Metric]:
    """Figures in one sentence. ``default_kind`` applies when the sentence has no target cue
    (a sentence in a plan section may pass "target"). ``carried``: the last figure of the clause
    this sentence goes on from ("入住面积9850.47㎡；占…的82.39%"), for a share or change that
    opens the sentence. Figures in Chinese numerals ("三千余次", "百分之九十五") are read too; each
    figure's text and offsets are as the sentence writes it."""
    arabic = _in_arabic(sentence)
    if arabic is None:
        return _extract_metrics(sentence, default_kind, carried)
    text, starts, ends = arabic
    return [replace(m, start=starts[m.start], end=ends[m.end - 1], text=sentence[starts[m.start] : ends[m.end - 1]])
            for m in _extract_metrics(text, default_kind, carried)]


def _extract_metrics(sentence: str, default_kind: str, carried: Metric | None) -> list[Metric]:
    """``extract_metrics`` of a sentence whose figures are in Arabic numerals."""
    cues = [m.start() for m in _TARGET_CUE.finditer(sentence) if not _PLAN_FOLLOWED.search(sentence, 0, m.start())]
    out: list[Metric] = []
    period = ""  # what the clauses so far said the figures are of: later clauses keep it unless they name another
    for m in _NUMBER.finditer(sentence):
        named = _clause_period(sentence, m.start())
        if named is not None:
            period = named
        value = float(_DIGIT_GROUPS.sub("", m.group("value")).translate(_MINUS))
        unit = (m.group("scale") or "") + m.group("unit")  # "54.9万通": counted in ten thousands
        qualifier = m.group("qualifier") or ""
        if unit in ("个", "份") and sentence.startswith("月", m.end()):
            continue  # "3个月" is a duration written with 个
        if unit == "单" and sentence.startswith(("元", "位", "价", "据"), m.end()):
            continue  # "5号楼2单元": 单 starts a word here
        if unit in ("栋", "幢") and (_BUILDING_ID.match(sentence, m.end()) or re.search(r"\d\s*[栋幢]\s*[、和及与]\s*$", sentence[: m.start()])):
            continue  # "12栋、15栋高层住户反映水压低": which buildings, not how many
        if unit in DURATION_UNITS and _RATE_NAME.match(sentence, m.end()):
            continue  # "24小时内回复率100%", "30分钟到场率": the duration names the rate, it is not a figure
        if unit == "分" and (
            sentence.startswith(("之", "钟", "制", "公司", "行", "局", "店", "类", "期", "配", "析", "别"), m.end())
            or sentence[m.end() : m.end() + 1].isdigit() or sentence[: m.start()].endswith("点")
        ):
            continue  # "3分之1", "5分制", "2分公司", "3分20秒", "7点40分": not a score
        before = sentence[: m.start()]
        if _SCALE.search(before):
            continue
        ends_title = not sentence[m.end() :].strip(" 】）)") and _TITLE_GENRE.search(before)
        if unit == "篇" and (_PAGE_COUNT.search(before) or ends_title) and not _WRITING_VERB.search(before):
            continue  # "工作总结范文5篇" counts the texts on a web page, not work done
        if out and out[-1].end == m.start() and out[-1].unit == unit and m.group("value")[0] in "-+−–":
            # "降低10%-15%": the dash joins a range, it is not a minus sign
            out[-1] = replace(out[-1], value=abs(value), text=sentence[out[-1].start : m.end()], end=m.end())
            continue
        if (out and out[-1].unit == unit and out[-1].kind != "baseline" and not qualifier
                and _RANGE_JOINER.fullmatch(sentence, out[-1].end, m.start("value"))):
            # "92%~95%", "2天到3天": one range, both ends with the unit, as "3-5个工作日" is
            out[-1] = replace(out[-1], value=value, text=sentence[out[-1].start : m.end()], end=m.end())
            continue
        start = m.start("low") if m.group("low") else m.start("value")
        change = _CHANGE_FROM.search(sentence, 0, m.start())
        previous = out[-1] if out else None
        if _COMPARED_WITH.search(sentence, 0, m.start()):
            # "满意率92.7%，较去年的90.3%提高…": last year's value, of the figure before; not listed
            subject = previous.subject if previous else ""
            out.append(Metric(value, unit, subject, "baseline", sentence[start : m.end()], qualifier, start, m.end(), period))
            continue
        if _earlier_year(sentence, m.start()):
            # "2023年完成维修1200单，2022年为1000单": an earlier year's value, of the figure before; not listed
            subject = previous.subject if previous else ""
            out.append(Metric(value, unit, subject, "baseline", sentence[start : m.end()], qualifier, start, m.end(), period))
            continue
        if previous and previous.end <= m.start() and change is None and previous.kind == "baseline" and previous.unit == unit:
            # "由去年的45秒缩短至28秒": the value reached, of the subject named before the change
            kind = "target" if _is_target(sentence, cues, m.start(), m.end()) else default_kind
            out.append(Metric(value, unit, previous.subject, kind, sentence[start : m.end()], qualifier, start, m.end(), period))
            continue
        if change is not None and _CHANGE_TO.match(sentence, m.end()):
            # "质检覆盖率从10%提升到100%": the figure the change starts from
            subject = _subject(sentence, change.start(), previous.end if previous else 0)
            out.append(Metric(value, unit, subject, "baseline", sentence[start : m.end()], qualifier, start, m.end(), period))
            continue
        kind = "target" if qualifier in TARGET_QUALIFIERS or _is_target(sentence, cues, m.start(), m.end()) else default_kind
        subject = _subject(sentence, m.start(), previous.end if previous else 0)
        if _TO_LEVEL.fullmatch(subject):
            subject = ""  # "投诉量同比下降15.6%至320件", "缩短了12秒，降为28秒": the level reached, below
        relative = _RELATIVE.match(_CONJUNCTION.sub("", subject, count=1))
        prior = previous or carried
        counted = _noun_after(sentence, m.end(), m.group("unit"))
        if _span_or_threshold(sentence, m, subject):
            subject = ""  # kept in its sentence, not listed
        elif relative and relative.group("done") and counted:
            subject = _subject_after(sentence, m.end())  # "完成12部电梯的大修改造": not of the figure before
        elif relative and relative.group("share") and (whole := _clause_before(sentence, m.start())):
            subject = whole + relative.group("share")  # "水压不足投诉较多，占全部投诉的33%"
        elif relative and prior is not None and names_something(prior.subject):
            # "占总体的75%" -> "已缴纳物业费业主占总体"; "增长24.2%" -> "工业产值增长"; "完成335件" ->
            # "报修完成"; "首次达到98%", "未达到96%的目标": of the figure before
            base = prior.subject if relative.group("share") or relative.group("rate") or relative.group("done") \
                else _CHANGE_WORD.sub("", prior.subject)  # "环比增长4.0%，同比增长9.8%": both of the total
            # 同比 and 环比 are kept: a year-on-year and a quarter-on-quarter change would read alike
            subject = base + "".join(relative.group(g) or "" for g in ("vs", "bare", "word", "share", "rate", "done"))
        elif relative and (relative.group("done") or relative.group("same")):
            subject = _subject_after(sentence, m.end())  # nothing before says what it is of
        elif not names_something(subject) or _HAS.search(subject):
            subject = (
                _subject_after(sentence, m.end()) or subject
                # "投诉量同比下降15.6%，降至320件": the level reached, not the change
                or (_CHANGE_WORD.sub("", previous.subject) if previous else "")
                or _clause_before(sentence, m.start())  # "物流问题占比最高，达到35%"
            )
        elif subject.endswith("的") and (noun := _subject_after(sentence, m.end()).removeprefix("的")):
            subject += noun  # "年初制定的95%目标": what the figure is of follows it
        elif subject in _GENERIC_SCORE and (tested := _tested_before(sentence, m.start())):
            subject = tested + subject  # "组织了年度第三方满意度测评，得分91.2分"
        elif noun := counted:
            # "每季度进行1次集中培训": the thing counted follows; a short lead-in stays with it
            subject = subject + noun if len(subject) <= 6 else noun
        unit = UNIT_NAMES.get(unit, unit)
        out.append(Metric(value, unit, _tidy(subject), kind, sentence[start : m.end()], qualifier, start, m.end(), period))
    return out


_SPAN_UNITS = DURATION_UNITS | {"个月"}
_TIME_LIMIT = re.compile(r"\s*(?:以内|之内|内)")
# what a rule does once a count passes its threshold: "累计超过6次，我们将暂停员工的上岗资格"
_CONSEQUENCE = re.compile(
    r"[^，。；]{0,6}[，,]\s*(?:我们|公司|则|就|即|将|会)+[^，。；]{0,8}?(?:暂停|取消|停止|扣|罚|处罚|辞退|开除|解除|通报|降级|调岗|淘汰)"
)


# a ceiling a rule or policy allows, right before the figure: "生育险最多可以报1400元",
# "每人每年最高可报销3000元" (a record, "最高日接听量达到1200个", names what it is of in between)
_ALLOWANCE = re.compile(r"(?:最多|最高|至多|上限为?)(?:可以?|能)?(?:报销?|赔付?|赔偿|领取?|补贴|补助|返还?|退)$")


def _span_or_threshold(sentence: str, m: re.Match, subject: str) -> bool:
    """Whether a figure only says how long something went on, with nothing before it that names
    what ("通过近2个月的工作和积累", "可以说是24小时工作"; a time limit, "确保48小时内闭环", is a
    figure), or is a rule's threshold ("违纪累计超过6次，我们将暂停…") or the most a policy allows
    ("生育险最多可以报1400元"): none is a key figure."""
    if m.group("unit") in _SPAN_UNITS and not names_something(subject) and not _TIME_LIMIT.match(sentence, m.end()):
        return True
    if _ALLOWANCE.search(sentence, 0, m.start()):
        return True
    passed = m.group("qualifier") == "超过" or m.group("bound") == "以上" or sentence[: m.start()].endswith("满")
    return passed and bool(_CONSEQUENCE.match(sentence, m.end()))


# words around a subject that say how the figure ranks, not what it is of: "也是历年来交房数量最多的一次"
_RANK_WORDS = re.compile(r"^(?:[也这还]?是)?(?:历年来|近年来|有史以来|今年以来|成立以来)|(?:最多|最高|最大|最好)的一[次年天个月]$")


def _tidy(subject: str) -> str:
    """A subject as listed: without rank words or a leading particle 的, and a share named as one ("服务态度类占" ->
    "服务态度类占比", "服务态度问题占投诉总量的" -> "服务态度问题占投诉总量")."""
    subject = _RANK_WORDS.sub("", subject) or subject
    subject = re.sub(r"^的(?![士确])", "", subject) or subject  # "120余户的入户走访" -> 入户走访
    subject = re.sub(r"(?<=.)(占[^的，,]{1,12})的$", r"\1", subject)
    return re.sub(r"(?<=.)占[了到]?$", "占比", subject)


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)年")


def _earlier_year(sentence: str, start: int) -> bool:
    """Whether the clause of a figure at ``start`` names a year before one named earlier in the
    sentence ("2023年完成维修1200单，2022年为1000单"): that year's value is what this year's is
    measured against."""
    clause = max([0] + [m.end() for m in _CLAUSE_START.finditer(sentence, 0, start)])
    here = [int(y) for y in _YEAR.findall(sentence, clause, start)]
    before = [int(y) for y in _YEAR.findall(sentence, 0, clause)]
    return bool(here and before) and max(here) < max(before)


# "由去年的45秒缩短至28秒", "从10%提升到100%": a figure after 由/从 (in its clause) that is followed by
# 至/到 and another figure is where a change starts; the figure after it is the value reached
_CHANGE_FROM = re.compile(r"(?:由|从)(?:(?:19|20)\d\d年度?)?(?:[^，。；;,：:！？!?\d由从]{0,6})$")
# the figure a comparison is made with: "较去年的90.3%提高2.4个百分点" (last year's value)
_COMPARED_WITH = re.compile(
    r"(?:与|比|较|相比|相较于?)(?:去年|上年|上一年|上月|上季度|上年同期|去年同期|同期|年初|(?:19|20)\d\d年度?|第?[一二三四1-4]季度)"
    r"(?:同期)?的?\s*$"
)
# all that stands between a change and the level it reached: "至", "降" (of "降为")
_TO_LEVEL = re.compile(rf"(?:{_CHANGE_VERBS})?了?[至到为]|降|升")
_CHANGE_TO = re.compile(r"\s*[^，。；;,：:！？!?\d]{0,6}?(?:至|到)\s*[-+]?\d")


# a target said to be met or missed: the figures after it are results ("未达到95%的年度目标，比去年
# 下降0.75个百分点"), though the target's own figure, in its clause, is a target
_TARGET_MET = re.compile(r"(?:未能?|没有|超额|如期)?(?:达到|完成|实现|达成)[^，。；;,]{0,12}?目标")


_ACTUAL = re.compile(r"实际")


def _is_target(sentence: str, cues: list[int], start: int, end: int) -> bool:
    """Whether a target cue ("目标", "力争", "明年"…) stands before the figure, or in its clause
    after it ("满意率95%的目标"); one further on speaks of other figures ("满意度为93.5%，未完成
    年初制定的95%目标": 93.5% is what was reached), and one in a target met or missed speaks of
    its own clause only."""
    if share := re.search(r"(?:完成|达到|实现)[^，。；;,]{0,12}(?:目标|计划)的?$", sentence[:start]):
        # "完成年度目标的102%", "完成计划的105%": how much of the target was reached ("力争完成…" is
        # still a target)
        cues = [c for c in cues if not share.start() <= c < share.end()]
    met = [m.span() for m in _TARGET_MET.finditer(sentence)]
    clause = max([0] + [m.end() for m in _CLAUSE_START.finditer(sentence, 0, start)])
    if actual := _ACTUAL.search(sentence, clause, start):
        # "计划受理1000件，实际受理1200件": what was reached, whatever target came before
        cues = [c for c in cues if c > actual.start()]
    if any(c < start and (c >= clause or not any(a <= c < b for a, b in met)) for c in cues):
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


_RATES = frozenset(("%", "‰", "个百分点", "百分点", "分"))


def restates(m: Metric, name: str) -> bool:
    """Whether ``m``, of the value, unit, kind and period of a figure listed as ``name`` in the same
    file, restates it: a rate or a score whose name holds the other ("季度业主满意率", "业主满意率"),
    since two rates of 100% are often two facts; a count of 100 or more whose names share two
    characters in a row ("来电量", "服务中心全年共接待业主来电")."""
    a, b = m.subject, name
    if m.unit in _RATES:
        return a in b or b in a
    pairs = {a[i : i + 2] for i in range(len(a) - 1)}
    return m.value >= 100 and any(b[i : i + 2] in pairs for i in range(len(b) - 1))


# words that date a figure within the reports, or sum it up, rather than name what it measures:
# 本月接待来电, 全月共接待来电, 3月份接待来电 and 全年累计接待来电 are one metric
_PERIOD_WORDS = re.compile(
    r"(?:(?:本|当|该|全|上|次)(?:月度?|季度?|年度?)|月度|季度|年度|(?:上|下)半年|第?[0-9一二三四五六七八九十]{1,2}(?:月份?|季度)|"
    r"今年|去年|全年|年内|期内)+(?:份|内|中|里|来)?|共计|累计|合计|总计|共"
)
_MIN_SHARED = 4  # characters a shorter name must have to stand for a longer one ("受理投诉", "受理业主投诉")


def metric_group(metric: Metric) -> tuple[str, str]:
    """What a figure measures, without the period it is dated by: (subject, unit).
    "本月服务中心共接待来电" and "服务中心全年共接待来电" are both ("服务中心接待来电", "次")."""
    return _PERIOD_WORDS.sub("", metric.subject) or metric.subject, metric.unit


def _within(short: str, long: str) -> bool:
    """Whether ``short`` reads in order inside ``long`` ("受理投诉" in "受理业主投诉")."""
    rest = iter(long)
    return len(short) >= _MIN_SHARED and all(ch in rest for ch in short)


def group_by_metric(items: list[tuple[Metric, Any]]) -> list[tuple[Metric, Any]]:
    """``items`` with the figures of one metric next to each other, in the order of each metric's
    first figure, and within a metric in their order (a year of monthly reports: month by month,
    then the year's). Two names are one metric when they are equal without their period words,
    or when one (of four characters or more) reads in order inside the other, in the same unit."""
    order: list[list] = []
    group_of: dict[tuple[str, str], list] = {}
    by_ending: dict[tuple[str, str], list[tuple[str, str]]] = {}  # only names that end alike can be one
    for item in items:
        key = metric_group(item[0])
        if key not in group_of:
            alike = by_ending.setdefault((key[1], key[0][-2:]), [])
            match = next((k for k in alike if _within(key[0], k[0]) or _within(k[0], key[0])), None)
            if match is None:
                alike.append(key)
                order.append([])
            group_of[key] = group_of[match] if match else order[-1]
        group_of[key].append(item)
    return [item for group in order for item in group]
