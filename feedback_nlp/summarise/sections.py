"""Which review section a report sentence belongs to: overview, achievements, problems, plans or
other.

Headings are the strongest evidence. A heading names a section when its own words say so
("存在的问题", "2013年工作思路"); otherwise it inherits the section of the heading it is nested
under ("（一）物业费收缴" under "2013年工作计划" is a plan), and a top heading that names nothing
leaves the decision to its sentences. Nesting follows each document's own order of marker styles
(``HeadingContext``). A sentence under a heading takes the heading's section unless its own
content points clearly elsewhere (``weigh_by_heading``); with no heading, its content decides.
The cue rules here are the fallback when no trained section classifier is available.
"""

from __future__ import annotations

import re

import numpy as np

SECTIONS = ("overview", "achievements", "problems", "plans", "other")

# words that make a heading name a section by itself, checked in this order
HEADING_CUES = {
    "problems": ("问题", "不足", "差距", "困难", "教训", "短板", "改进", "薄弱"),
    "plans": ("计划", "打算", "思路", "目标", "下一步", "明年", "展望", "措施", "安排", "规划", "设想", "工作重点", "重点工作", "工作要点",
              "下半年", "下一年", "下年度"),
    "overview": ("基本情况", "工作概况", "总体情况", "概况", "概述", "工作回顾", "年度工作总结", "年终工作总结"),
    "achievements": ("成绩", "完成情况", "执行情况", "工作成效", "成效", "亮点", "成果", "业绩", "主要工作", "经验", "收获"),
}
# share of the section evidence a heading's section takes before a sentence's own content is
# weighed; content must then be about 20 times likelier to belong elsewhere to move a sentence
HEADING_PRIOR = 0.85
# the same when the heading names no section and takes its parent's ("四、工程返修整改" under
# "2012年主要工作完成情况"): a weaker sign, so a plainly stated problem under it stays a problem
INHERITED_PRIOR = 0.6
# a heading written at the end of a paragraph when line breaks were lost: "…切实加以解决。2010年工作打算"
MAX_TRAILING_HEADING_CHARS = 16
_HEADING_MARKER = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(]?[一二三四五六七八九十\d]+[）)]|\d{1,2}(?:\.\d{1,2})?\s*[、.．]|[※◆■▲●★【])\s*")
_NOT_A_HEADING = re.compile(r"[，,。！？!?；;：:]")

SENTENCE_CUES = {
    "problems": re.compile(r"存在|不足|问题|欠缺|不够|有待|较差|薄弱|滞后|未能|没有达到|不到位|投诉较多|难以|困难"),
    "plans": re.compile(r"计划|力争|争取|目标|明年|下一年|下一步|将(继续|进一步|加强|完善|建立|开展)|不低于|确保|拟|要(进一步|加强|继续)"),
    "achievements": re.compile(r"完成|达到|实现|提高|提升|同比|累计|共(计)?|受理|接待|处理了|办结|获得|荣获|增长|下降|成功"),
}


# words that contain a cue but name no section: "计划生育" is family planning, not a plan;
# "处理客户问题", "问题件处理" and "客户的问题" are the work of handling customers' problems, not
# a shortcoming; "改进措施" are measures to be taken, a plan; "领导安排的任务" were assigned, not planned;
# "一年工作重点及工作情况" and "重点工作完成情况" look back at the year's priorities and how they went, and "年度目标任务完成
#情况" and "计划执行情况" (a table's "年度目标 实际完成") at the targets and how they were met
_FALSE_CUES = re.compile(
    r"计划生育|(领导|上级|公司|组织)(交办|安排)|(?:工作重点|重点工作|工作要点)(?=[^，。；]{0,8}(情况|回顾|成效|落实|完成))"
    r"|(计划|目标)(?=[^，。；]{0,8}(完成|落实|执行|达成|实现))|(处理|解决|解答|答复|回复|受理|排查|协调|帮助)[^，。；]{0,6}问题|问题件?的?(处理|办理|解决|答复|回复|受理)"
    r"|(客户|顾客|用户|业主|住户|旅客|乘客|师生|群众|会员|学员)的?问题|改进(?=措施|方向|计划|建议|意见)"
)
# a sentence announcing that a summary follows ("现将一年来的工作总结如下") starts a report's body:
# pages that run several reports together give no other sign that the previous one's headings
# ("四、存在的不足") no longer apply
REPORT_OPENING = re.compile(r"(总结|汇报|小结)(如下|一下|下[。！!，,]|[:：]\s*$)|(?<!工)(作|做|进行)(如下|以下|一个|个)?(简单的?|简要的?)?(工作)?(总结|汇报)")
# a heading over closing words ("四、结束语"): it names no section and ends the one it stands in
CLOSING_HEADING = re.compile(r"结束语|结语")
MAX_LEAD_CHARS = 12  # a paragraph's lead words read as its heading ("六、存在问题上半年…")


# a body line that ends by announcing a list ("…主要有以下几方面的收获和体会：", "存在的不足如下"):
# the words of its last clause, after the last punctuation or arrow
_LEAD_IN = re.compile(r"(?:^|[，,。；;！？!?\-—>〉）)])(?P<clause>[^，,。；;！？!?\-—>〉）)]{2,30}?)(?:如下|以下)?\s*[:：]\s*$|(?P<asis>[^，,。；;！？!?]{2,30}?如下)[。.]?\s*$")
LEAD_IN_STYLE = "lead_in"  # the style under which ``HeadingContext`` keeps an open lead-in line
_FIRST_ITEM = re.compile(r"^\s*(?:一\s*[、.．]|[（(][一1][）)]|1\s*[、.．](?!\d))")


def lead_in(line: str) -> str | None:
    """The last clause of a body line that announces a list of one section's items: the line ends
    in a colon or "如下" and that clause names a section. None otherwise, and for report openings
    ("现将工作总结如下" announces the whole report, not one section)."""
    line = line.strip()
    if not line.endswith((":", "：", "如下", "如下。", "如下.")):
        return None
    m = _LEAD_IN.search(line)
    if m is None or REPORT_OPENING.search(line):
        return None
    clause = m.group("clause") or m.group("asis")
    return clause if section_of_heading(clause) else None


def section_of_heading(text: str) -> str | None:
    """The section a heading's own words name, or None."""
    words = _FALSE_CUES.sub("", _HEADING_MARKER.sub("", text, count=1))
    for section in ("problems", "plans", "overview", "achievements"):
        if any(cue in words for cue in HEADING_CUES[section]):
            return section
    return None


def is_plain_heading(text: str) -> bool:
    """An unnumbered line that is a heading: short, no sentence punctuation, and naming a section
    ("2012年度工作总结", "2010年工作打算")."""
    text = text.strip()
    return 2 <= len(text) <= MAX_TRAILING_HEADING_CHARS and not _NOT_A_HEADING.search(text) and section_of_heading(text) is not None


class HeadingContext:
    """The headings open at a point of an article, outermost first, each with its section.

    A heading whose marker style is already open closes that heading and everything inside it;
    a new style opens one level deeper; an unnumbered heading ("2010年工作打算") closes all."""

    def __init__(self) -> None:
        self.stack: list[tuple[str, str | None, str, bool]] = []  # (style, section, text, inherited)
        # whether the last heading opened started the outermost numbering again ("一、" after
        # "四、下一年工作计划"): on a page that runs several reports together, a new report
        self.restarted = False

    def open(self, style: str, text: str, weak: bool = False) -> str | None:
        """Open a heading; returns its section (its own, else the enclosing heading's). A ``weak``
        heading's own section counts as little as an inherited one (a lead-in sentence)."""
        self.restarted = False
        if style == "plain":
            self.stack = []
        else:
            styles = [entry[0] for entry in self.stack]
            if style in styles:
                at = styles.index(style)
                # a list that starts again at "一、" after a lead-in line is the list it announces
                lead = [entry for entry in self.stack[at + 1 :] if entry[0] == LEAD_IN_STYLE][-1:]
                self.restarted = at == 0 and not lead and bool(_FIRST_ITEM.match(text))
                self.stack = self.stack[:at] + (lead if _FIRST_ITEM.match(text) else [])
        own = section_of_heading(text)
        section = None if CLOSING_HEADING.search(text) else own or self.section
        # a weak heading that names the section already open keeps that heading's strength
        weak = weak and not (own == self.section and not self.inherited)
        self.stack.append((style, section, text.strip(), section is not None and (weak or own is None)))
        return section

    def close_all(self) -> None:
        """Close every open heading (a new report starts)."""
        self.stack = []

    @property
    def section(self) -> str | None:
        return self.stack[-1][1] if self.stack else None

    @property
    def text(self) -> str:
        return self.stack[-1][2] if self.stack else ""

    @property
    def texts(self) -> tuple[str, ...]:
        """The texts of the open headings, outermost first."""
        return tuple(entry[2] for entry in self.stack)

    @property
    def inherited(self) -> bool:
        """Whether the innermost heading's section is its parent's rather than its own."""
        return self.stack[-1][3] if self.stack else False


def weigh_by_heading(
    probs: np.ndarray, classes: list[str], section: str | None, inherited: bool = False, item: bool = False
) -> np.ndarray:
    """Section probabilities of one sentence given the section of its heading.

    Whether a line is report content at all ("other": greetings, signatures, dates) is the
    sentence's own matter; the heading only shifts the share of the content sections, giving its
    own ``HEADING_PRIOR`` of the prior mass. A sentence that is the heading's content whatever its
    words (``item``: a numbered line under it, "五、改进措施" / "1、售后服务工作要得到公司领导的足够重视
    和支持；", or a line announcing a list of its section, "…售后服务工作目标量化如下：") is not a
    greeting: its evidence for "other" is discounted like that for the sections the heading does
    not name. Under any heading but one on the overview, such an item is one piece of the work, not
    a statement about the whole period: its evidence for "overview" is discounted the same way
    (none of the 215 numbered sentences of the written reports is overview)."""
    named = section is not None and section != "other" and section in classes
    if not named and not item:
        return probs
    probs = np.asarray(probs, dtype=float)
    names = np.array(classes)
    content = names != "other"
    out = probs.copy()
    share = INHERITED_PRIOR if inherited else HEADING_PRIOR
    if named:
        prior = np.where(names == section, share, (1 - share) / max(content.sum() - 1, 1))
        weighted = probs * np.where(content, prior, 0.0)
        total = weighted.sum()
        if total > 0:
            out[content] = weighted[content] / total * probs[content].sum()
    if item:
        whole = (names == "overview") & (section != "overview")  # items under "一、基本情况" are overview
        out = out * np.where(whole, 1 - HEADING_PRIOR, np.where(~content & named, 1 - share, 1.0))
        out = out / out.sum() if out.sum() > 0 else out
    return out


# words that look ahead: a plan says what is to be done ("将", "力争", "明年", "年底前", "我会"), unless
# its heading or the sentences before it ("下一步，我们将…；组织…；") say so for it
LOOKS_AHEAD = re.compile(
    r"将|(?<![主重需])要(?!求)|计划|打算|争取|力争|力求|拟|明年|来年|下一步|下一?年|下半年|下阶段|今后|未来|目标|确保(?!了)"
    r"|希望|期望|期待|准备|新的一年|新一年|继续|进一步|必须|应(?:该|当)|年内|[年月]?底前|我们?(?:还|也|一定)?会(?!议)"
)
# words of what has been done ("进行了分析", "已建立"); "完成" as well where nothing looks ahead
# ("三、协助主任完成全站财务管理工作", but "延保销售全年完成40单以上" in a list of targets)
PAST = re.compile(r"(?<![为除])了(?!解)|已")
LOOKS_BACK = re.compile(PAST.pattern + "|完成")
# a sentence that answers the problems just told ("针对以上问题，我公司…成立催费小组"): a measure, not a problem
ANSWERS_PROBLEMS = re.compile(r"^[^，,。；;]{0,4}(?:针对|为了?解决|面对)[^，,。；;]{0,12}问题[，,]")


def looks_ahead(texts: list[str], paragraphs: list[int]) -> list[bool]:
    """Whether each sentence looks ahead: by its words (``LOOKS_AHEAD``), or as one of a run of
    sentences of a paragraph (its source line) that started with such words and has not since
    told of what was done (``PAST``): "下一步，我们将合理安排班次；组织导诊人员学习…；"."""
    out: list[bool] = []
    run = False
    for i, (text, paragraph) in enumerate(zip(texts, paragraphs)):
        run = run and paragraphs[i - 1] == paragraph
        out.append(bool(LOOKS_AHEAD.search(text)) or run)
        run = out[-1] and not PAST.search(text)
    return out


def weigh_by_tense(probs: np.ndarray, classes: list[str], text: str, section: str | None, ahead: bool | None = None) -> np.ndarray:
    """Section probabilities of one sentence given what its words say of time, outside a plans or
    problems heading (under which measures to take are listed): a plan looks ahead (``ahead``,
    by default whether its own words do), so a sentence that does not ("二、规范文秘工作，提高质量
    和效率。" in a year's summary) keeps ``1 - HEADING_PRIOR`` of its evidence for "plans", and one
    that looks back as well, by its words ("三、协助主任完成全站财务管理工作", "进行了") or by a
    heading of work done, that share of it again. A sentence that answers the problems just told
    ("针对以上问题，…成立催费小组") is a measure taken or planned, not a problem: its evidence for
    "problems" is discounted the same way."""
    if ahead is None:
        ahead = bool(LOOKS_AHEAD.search(text))
    names = np.array(classes)
    factor = np.ones(len(classes))
    if section not in ("plans", "problems") and not ahead:
        looks_back = section in ("overview", "achievements") or LOOKS_BACK.search(text)
        factor[names == "plans"] = (1 - HEADING_PRIOR) ** (1 + bool(looks_back))
    if ANSWERS_PROBLEMS.search(text):
        factor[names == "problems"] = 1 - HEADING_PRIOR
    if (factor == 1).all():
        return probs
    out = np.asarray(probs, dtype=float) * factor
    return out / out.sum() if out.sum() > 0 else out


# how much the other sentences of a paragraph count towards a sentence's section (the weight of
# their mean log-probability; chosen by 5-fold cross-validation over the written reports)
PARAGRAPH_WEIGHT = 0.5


def pool_paragraphs(probs: np.ndarray, paragraphs: list[int], weight: float = PARAGRAPH_WEIGHT) -> np.ndarray:
    """Section probabilities of sentences with the evidence of their paragraph's other sentences
    added: a paragraph is mostly about one thing, so "这一年对我来讲可谓是人生中的又一个起点" takes
    some of the section of the sentences around it. ``paragraphs``: each sentence's paragraph
    (its source line). Each row gets its own log-probabilities plus ``weight`` times the mean of
    the others' in its paragraph, normalised again."""
    probs = np.asarray(probs, dtype=float)
    if not weight or len(probs) < 2:
        return probs
    logp = np.log(np.maximum(probs, 1e-9))
    members: dict[int, list[int]] = {}
    for i, paragraph in enumerate(paragraphs):
        members.setdefault(paragraph, []).append(i)
    pooled = logp.copy()
    for rows in members.values():
        if len(rows) > 1:
            total = logp[rows].sum(axis=0)
            pooled[rows] = logp[rows] + weight * (total - logp[rows]) / (len(rows) - 1)
    out = np.exp(pooled - pooled.max(axis=1, keepdims=True))
    return out / out.sum(axis=1, keepdims=True)


CONTENT = ("overview", "achievements", "problems", "plans")
# how much the learnt order of sections counts against a sentence's own evidence (an exponent
# on the transition probabilities: 1 takes them at face value, 0 ignores them)
ORDER_WEIGHT = 0.5


def order_sections(
    probs: np.ndarray, classes: list[str], transitions: np.ndarray | None, start: np.ndarray | None = None, weight: float = ORDER_WEIGHT
) -> list[str]:
    """Sections of an article's sentences in order, read as a sequence.

    Reports move from overview through achievements to problems and plans and seldom go back, so
    a sentence whose own evidence is weak ("二、规范文秘工作，提高质量和效率。" reads like a plan)
    takes the section its neighbours make likely. Lines read as "other" (greetings, signatures)
    stay so and do not break the sequence; the others get the most likely sequence (Viterbi)
    under ``transitions`` (row: from, column: to, over ``CONTENT``) and ``start`` (the section
    an article's first content sentence has), learnt from the written reports."""
    probs = np.asarray(probs, dtype=float)
    labels = [classes[int(i)] for i in probs.argmax(axis=1)] if len(probs) else []
    if transitions is None or not len(probs):
        return labels
    index = [classes.index(c) for c in CONTENT]
    chain = [i for i, label in enumerate(labels) if label != "other"]
    if len(chain) < 2:
        return labels
    emit = np.log(np.maximum(probs[np.ix_(chain, index)], 1e-12))
    emit -= np.log(np.exp(emit).sum(axis=1, keepdims=True))
    trans = weight * np.log(np.asarray(transitions, dtype=float))
    score = emit[0] + (weight * np.log(np.asarray(start, dtype=float)) if start is not None else 0.0)
    back = np.zeros((len(chain), len(CONTENT)), dtype=int)
    for t in range(1, len(chain)):
        total = score[:, None] + trans
        back[t] = total.argmax(axis=0)
        score = total.max(axis=0) + emit[t]
    state = int(score.argmax())
    for t in range(len(chain) - 1, -1, -1):
        labels[chain[t]] = CONTENT[state]
        state = int(back[t][state])
    return labels


def section_of_sentence(text: str, inherited: str | None, has_target: bool = False) -> str:
    """Section of a body sentence by cue words, given its heading's section (or None): the rule
    used when no trained classifier is available."""
    if inherited is not None:
        return "plans" if has_target and inherited in ("overview", "achievements") else inherited
    if has_target or SENTENCE_CUES["plans"].search(text):
        return "plans"
    for section in ("problems", "achievements"):
        if SENTENCE_CUES[section].search(text):
            return section
    return "overview"
