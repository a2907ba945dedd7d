"""The structure of work reports: articles within a scraped page, and headings with their level.

Scraped pages hold several articles: "第一篇：…", "『壹』 …", or circled numbers "① …" when a page
uses nothing else (inside an article, ① ② are list items); template pages also number or count
the reports they list ("3.售后服务年终总结报告", "…工作总结【二】"). Headings: "一、" (level 1), "（一）"
(level 2), "1、" / "1." (level 3) and "※" (level 1), counted as headings when short and not a
sentence; a numbered paragraph is a list item. The nominal level says nothing about nesting in a
given document ("※" may stand above "一、" in one report and beside it in another), so every
heading also carries its marker ``style``; ``sections.HeadingContext`` nests headings in the order
their styles first appear. Titles also say which year they sum up (``summary_years``).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

_ARTICLE = re.compile(r"^\s*(第[一二三四五六七八九十百\d]+篇\s*[:：]?|『[壹贰叁肆伍陆柒捌玖拾]+』)\s*(?P<title>.*)$")
# a numbered or counted title naming a report ("3.售后服务年终总结报告", "售后客服上半年工作总结【二】"):
# template pages list several reports this way; two or more on a page start articles
_NUMBERED_TITLE = re.compile(
    r"^\s*(?:(?P<num>\d{1,2}\s*[、.．])\s*)?(?P<title>[^，,。；;：:！？!?]{0,28}(?:(?:工作|年终|年度|半年|季度|月度|个人)总结(?:报告)?|工作汇报|述职报告)"
    r"(?:范文|例文|模板|精选)?\s*(?P<count>【[一二三四五六七八九十\d]{1,3}】|[（(][一二三四五六七八九十\d]{1,3}[)）])?)\s*$"
)
_CIRCLED = re.compile(r"^\s*(?P<mark>[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])\s*(?P<title>.*)$")
# (nominal level, marker style, pattern); the first that matches wins
_HEADINGS = [
    (1, "cn", re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]\s*")),
    (1, "symbol", re.compile(r"^\s*[※◆■▲●★]\s*")),
    (1, "part", re.compile(r"^\s*第[一二三四五六七八九十]+部分\s*[:：、]?\s*")),
    (1, "bracket", re.compile(r"^\s*【(?=[^】]{1,28}】\s*$)")),
    (2, "paren_cn", re.compile(r"^\s*[（(][一二三四五六七八九十]+[）)]\s*")),
    (2, "half_paren_cn", re.compile(r"^\s*[一二三四五六七八九十]+[）)]\s*")),  # "二）工作目标"
    (3, "decimal", re.compile(r"^\s*\d{1,2}\.\d{1,2}(?:\s+|\s*[、．])")),
    (3, "arabic", re.compile(r"^\s*\d{1,2}\s*[、.．](?!\d)\s*")),
    (3, "paren_arabic", re.compile(r"^\s*[（(]\d{1,2}[）)]\s*")),
    (3, "half_paren_arabic", re.compile(r"^\s*\d{1,2}[）)]\s*")),  # "1）新技术掌握不够"
]
MAX_HEADING_CHARS = 30
_SENTENCE_END = re.compile(r"[。！？!?；;]$")


@dataclass
class Line:
    text: str
    number: int  # 1-based line in the input
    heading_level: int = 0  # 0: body text
    style: str = ""  # the heading's marker style ("cn", "paren_cn", "arabic", ...); "" for body text
    # lines of a hard-wrapped paragraph joined to this one: where each starts in ``text``, and its number
    joined: tuple[tuple[int, int], ...] = ()


@dataclass
class Article:
    title: str
    start_line: int
    lines: list[Line] = field(default_factory=list)


def heading_marker(text: str) -> tuple[int, str]:
    """(nominal level, marker style) of a heading line; (0, "") for body text or a numbered
    paragraph."""
    for level, style, pattern in _HEADINGS:
        m = pattern.match(text)
        if m:
            rest = text[m.end() :].strip().rstrip("】").strip()
            if rest and len(rest) <= MAX_HEADING_CHARS and not _SENTENCE_END.search(rest):
                return level, style
            return 0, ""
    return 0, ""


def numbered_lead(text: str) -> tuple[str, str]:
    """(marker style, the words after the marker up to the first punctuation or list number) of a
    numbered line of any length; ("", "") when it has no marker. For paragraphs that start with
    their heading: "七、下半年的工作计划1.做好…" -> ("cn", "下半年的工作计划")."""
    for _level, style, pattern in _HEADINGS:
        m = pattern.match(text)
        if m:
            lead = re.split(r"[，,。；;：:！？!?（(]|\d{1,2}\s*[.、．]", text[m.end() :], maxsplit=1)[0]
            return style, lead.strip()
    return "", ""


def heading_level(text: str) -> int:
    """1-3 for a heading line, 0 for body text or a numbered paragraph."""
    return heading_marker(text)[0]


def _circled_articles(lines: list[str]) -> set[int]:
    """Indexes of lines where circled numbers start articles: in order ①②③…, far apart."""
    marks = [(i, "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳".index(m.group("mark"))) for i, line in enumerate(lines) if (m := _CIRCLED.match(line))]
    starts: list[int] = []
    expected = 0
    for i, n in marks:
        if n == expected and (not starts or i - starts[-1] >= 3):
            starts.append(i)
            expected += 1
    return set(starts) if len(starts) >= 3 else set()


def _numbered_titles(lines: list[str]) -> dict[int, re.Match]:
    """Numbered or counted report titles by line index, when a page has two or more."""
    found = {i: m for i, line in enumerate(lines) if (m := _NUMBERED_TITLE.match(line)) and (m.group("num") or m.group("count"))}
    return found if len(found) >= 2 else {}


# a news page's links to the articles before and after it: "下一篇：高中生如何高效复习？"
_LINK = re.compile(r"^\s*(?:上一篇|下一篇|上一条|下一条|相关阅读|相关文章)\s*[:：]\s*(?P<title>\S.{3,})$")


def linked_titles(text: str) -> list[str]:
    """The titles a page links to as the articles before and after it (read before boilerplate
    removal, which drops those lines): a scraped page often goes on with the linked article."""
    return [m.group("title").strip() for line in text.split("\n") if (m := _LINK.match(line))]


def _same_title(line: str, titles: list[str]) -> bool:
    """Whether ``line`` is one of ``titles`` (both read without spaces and punctuation; a line
    repaired from mojibake may differ from its link in a character)."""
    key = re.sub(r"[\W_]+", "", line)
    return len(key) >= 6 and any(difflib.SequenceMatcher(None, key, re.sub(r"[\W_]+", "", t)).ratio() >= 0.85 for t in titles)


def split_articles(text: str, links: list[str] = ()) -> list[Article]:
    """Articles of a page (one article when there are no markers), with headings marked. A line
    that repeats the title of a link to another article (``links``, see ``linked_titles``) starts
    that article."""
    lines = text.split("\n")
    has_named = any(_ARTICLE.match(line) for line in lines)
    circled = set() if has_named else _circled_articles(lines)
    titles = _numbered_titles(lines)
    articles: list[Article] = [Article(title="", start_line=1)]
    for i, raw in enumerate(lines):
        m = _ARTICLE.match(raw) if has_named else (_CIRCLED.match(raw) if i in circled else None)
        if m is None:
            m = titles.get(i)
        if m:
            articles.append(Article(title=m.group("title").strip(), start_line=i + 1))
            continue
        if links and articles[-1].lines and _same_title(raw, links):
            articles.append(Article(title=raw.strip(), start_line=i + 1))
            continue
        if raw.strip():
            articles[-1].lines.append(Line(raw, i + 1, *heading_marker(raw)))
    return [a for a in articles if a.lines or a.title]


# Markdown markup, taken off a .md report line by line (a report's figures and words, not its
# typesetting, are what is quoted): a table row "| 接通率 | 95.1% | 93.0% |" becomes its cells
# separated by spaces, as a Word table's row is read ("接通率 95.1% 93.0%"), and its rule line
# "|---|---|" a blank one
_MD_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_MD_RULE = re.compile(r"^\s*(?:```.*|~~~.*|([-*_=])(?:\s*\1){2,})\s*$")  # a rule, a code fence, a heading's underline
_MD_LINE_MARKS = re.compile(r"^\s*(?:>\s?)*(?:#{1,6}\s+|[-*+]\s+(?:\[[ xX]\]\s+)?)?")  # quote, heading, list marks
_MD_CLOSING_HASHES = re.compile(r"\s+#+\s*$")
_MD_INLINE = [
    (re.compile(r"<!--.*?-->|</?[A-Za-z][^<>]*>"), ""),  # comments, HTML tags
    (re.compile(r"!?\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])"), r"\1"),  # links and images: their words
    (re.compile(r"(`+)(.+?)\1"), r"\2"),  # code
    (re.compile(r"(\*\*|~~)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # strong, struck out
    (re.compile(r"(?<![A-Za-z0-9_])__(?=\S)(.+?)(?<=\S)__(?![A-Za-z0-9_])"), r"\1"),  # not "20__年", a blank
    (re.compile(r"(?<!\*)\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?!\*)"), r"\1"),  # emphasis
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])"), r"\1"),  # escaped characters
]


def _plain_inline(text: str) -> str:
    for pattern, repl in _MD_INLINE:
        text = pattern.sub(repl, text)
    return text


def plain_markdown(text: str) -> str:
    """The text of a Markdown report without its markup, one line for each line (so quotes keep
    their line numbers): heading, list and quote marks, emphasis, links (their words), code marks
    and HTML tags taken off; a table's rows read like a Word table's, cells separated by spaces,
    so "| 指标 | 2025年 | 2024年 |" over "| 接通率 | 95.1% | 93.0% |" is a table of figures
    (``tables``); rules, code fences and a table's rule line left blank. Numbered lines ("1. ",
    "一、") keep their numbers, which report structure reads."""
    out = []
    for line in text.split("\n"):
        if _MD_TABLE_RULE.match(line) or _MD_RULE.match(line):
            out.append("")
        elif line.lstrip().startswith("|"):
            cells = re.split(r"(?<!\\)\|", line.strip().strip("|"))
            out.append(" ".join(" ".join(_plain_inline(c).split()) for c in cells if c.strip()))
        else:
            out.append(_plain_inline(_MD_CLOSING_HASHES.sub("", _MD_LINE_MARKS.sub("", line, count=1))))
    return "\n".join(out)


# "2012年度…", "企业服务中心09年工作总结", and a four-digit year without 年 ("2021售后服务年度工作总结")
# two digits before 年 are a year ("13年工作总结"), not a span of years ("成立10年", "从事客服工作15年")
_TITLE_YEAR = re.compile(
    r"(?<!\d)((?:19|20)\d\d(?!\d)|(?<!成立)(?<!工作)(?<!从事)(?<!入职)(?<!服务)(?<![已近满第这历连])\d\d(?=年(?!来|以来|多|前|内|间)))(年)?"
)
_SUMMARY_WORD = re.compile(r"总结|报告|汇报|回顾|简报|月报|季报|年报|小结")
# what a year without 年 must be followed by to be the year summed up (a quarter, "2025Q3报告", is of it)
_WHOLE_YEAR = re.compile(r"年度|年终|全年|^[\s_\-]*[Qq][1-4](?!\d)")


# a line that opens with the title of a report on a period, run into its first paragraph when line
# breaks were lost: "机关后勤服务中心2012年上半年工作总结后勤服务中心工作是…"
_OPENING_TITLE = re.compile(
    r"^\s*(?![在对从据按于])(?P<title>[^，,。；;：:！？!?、\s]{0,20}?(?:年终?|月份?|季度|半年)度?(?:的)?(?:工作)?(?:总结|报告|汇报|小结))"
)


def opening_title(text: str) -> str:
    """The title of a report on a period that a line opens with ("2012年上半年工作总结…"), or ""."""
    m = _OPENING_TITLE.match(text)
    return m.group("title") if m else ""


_CHINESE_YEAR = re.compile("[〇零一二三四五六七八九]{4}(?=年)")
_YEAR_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")


def arabic_years(text: str) -> str:
    """``text`` with years written in Chinese digits in Arabic ones, character for character:
    "二〇二四年度工作总结" -> "2024年度工作总结"."""
    return _CHINESE_YEAR.sub(lambda m: m.group().translate(_YEAR_DIGITS), text) if "年" in text else text


def summary_years(title: str) -> list[int]:
    """The years a title says it sums up: a year followed by a summary word, not by a plan
    ("2012年度服务中心年终工作总结2013年计划" -> [2012]); two digits are a year of this century;
    four digits without 年 count when 年度, 年终 or 全年 follows ("2021售后服务年度工作总结"), or a
    quarter ("2025Q3报告"); in Chinese digits too ("二〇二四年度工作总结")."""
    title = arabic_years(title)
    matches = list(_TITLE_YEAR.finditer(title))
    years = []
    for m, nxt in zip(matches, matches[1:] + [None]):
        after = title[m.end() : nxt.start() if nxt else len(title)]
        if _SUMMARY_WORD.search(after) and (m.group(2) or _WHOLE_YEAR.search(after)):
            year = int(m.group(1))
            years.append(year if year >= 100 else 2000 + year)
    return years
