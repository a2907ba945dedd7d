"""A report file read as articles, and each article as a sequence of units: its headings, and its
sentences with their source line and the heading (and that heading's section) they stand under.

This is what drafting works from (``review``): headings nest in the order their marker styles
first appear (``sections.HeadingContext``); a sentence announcing that a summary follows
("现将…总结如下") or numbering that starts again closes the headings of the report before it; a
paragraph that opens with its heading ("七、下半年的工作计划1.做好…") or ends with one ("…切实加以
解决。2010年工作打算") opens it; a line that announces a list ("主要有以下几方面的收获：") gives the list
its section as a weaker sign.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from ..normalise import normalise_text, read_text
from ..tokenise import split_sentences
from .ranking import part_of_a_year, sums_up_a_year
from .sections import (
    ANSWERS_PROBLEMS,
    LEAD_IN_STYLE,
    MAX_LEAD_CHARS,
    MAX_TRAILING_HEADING_CHARS,
    REPORT_OPENING,
    HeadingContext,
    is_plain_heading,
    lead_in,
    section_of_heading,
)
from .structure import Article, Line, linked_titles, numbered_lead, opening_title, plain_markdown, split_articles, summary_years

MIN_SENTENCE_CHARS = 6
MAX_TITLE_CHARS = 40


@dataclass
class Unit:
    """A sentence to classify, or a heading (``style`` set) with the section it opens."""

    text: str
    line: int  # source line
    heading: str  # text of the innermost open heading
    section: str | None  # the heading's section (its own or inherited)
    style: str = ""
    inherited: bool = False  # the heading names no section and takes its parent's
    starts_part: bool = False  # the first sentence after a sign that a new report begins
    # the heading's content, whatever its words: a sentence of a numbered line ("1、…", "（二）…") or
    # one that announces a list of the section it names ("售后服务工作目标量化如下：")
    item: bool = False
    # the title of a report on part of a year that a line inside the article opened ("机关后勤服务中心
    # 2012年上半年工作总结"): what the sentence's part of the article reports on, as a title would say
    period: str = ""
    headings: tuple[str, ...] = ()  # the texts of all open headings, outermost first


# how a line of a paragraph ends when the paragraph goes on on the next line: anything but the
# end of a sentence or a colon before a list
_ENDS_SENTENCE = re.compile(r"[。！？!?；;：:…」』”）)]\s*$")
# a line that starts a record of its own (a chat message's time, "[10:12]"), not a paragraph's next line
_STARTS_RECORD = re.compile(r"\s*(?:\d{4}\s*[-/.年]\s*\d{1,2}|\d{1,2}:\d{2}|[\[【])")
WRAPPED_SHARE = 0.5  # lines at (near) the longest line's length, of the body lines of 20 characters or more
MIN_WRAPPED_LINES = 3


def _width(text: str) -> int:
    """The width of a line as a screen shows it: a Chinese or full-width character takes two places."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def unwrapped(lines: list[Line]) -> list[Line]:
    """``lines`` with the lines of a hard-wrapped text (copied from a PDF or an e-mail, each line
    cut at one width, mid-word: "全年共接待业" / "主来电19742次") joined into their paragraphs, each
    joined line numbered as its first. A text is hard-wrapped when three or more, and half or more,
    of its body lines of 20 characters or more are as long as its longest (to a character; on
    screen, within a place), and three or more of them end without ending a sentence; a line is joined to the one before it when that
    one is that long, does not end a sentence, and this one is body text (no heading, no list item).
    Other texts, a paragraph a line, are left as they are."""
    body = [line for line in lines if not line.style and len(line.text.strip()) >= 20]
    if len(body) < MIN_WRAPPED_LINES:
        return lines
    long_enough = None
    # a wrapped line is as long as the width it was cut at, to the character (or, cut by its width on
    # screen, within a character's place): a list of items of like length is not wrapped
    for measure, slack in ((len, 1), (_width, 2)):
        sizes = [measure(line.text.strip()) for line in body]
        near = max(sizes) - slack
        at_width = sum(size >= near for size in sizes)
        if at_width >= MIN_WRAPPED_LINES and at_width >= WRAPPED_SHARE * len(sizes):
            long_enough = (measure, near)
            break
    if long_enough is None:
        return lines
    measure, near = long_enough

    def goes_on(line: Line) -> bool:
        text = line.text.strip()
        return not line.style and measure(text) >= near and not _ENDS_SENTENCE.search(text)

    if sum(goes_on(line) for line in body) < MIN_WRAPPED_LINES:
        return lines
    out: list[Line] = []
    joining = False
    for line in lines:
        text = line.text.strip()
        if joining and text and not line.style and not numbered_lead(text)[0] and not _STARTS_RECORD.match(text):
            last = out[-1]
            # English words cut at the line's end keep a space between them; a number cut in two does not
            space = " " if last.text[-1:].isascii() and last.text[-1:].isalpha() and text[:1].isascii() and text[:1].isalpha() else ""
            head = last.text.rstrip() + space
            out[-1] = replace(last, text=head + text, joined=(*last.joined, (len(head), line.number)))
        else:
            out.append(line)
        joining = goes_on(out[-1]) if text else False
    return out


def article_units(article: Article, line_map: list[int]) -> list[Unit]:
    """Headings and sentences of an article in order, each with the section of its heading; the
    lines of a hard-wrapped text joined into their paragraphs first (``unwrapped``)."""
    context = HeadingContext()
    out: list[Unit] = []
    opened: list[tuple[int, int, str | None]] = []  # headings: (index in out, depth, own section)
    new_part = False  # a new report began since the last sentence
    period = ""  # the part of a year a line inside the article said the report after it is of
    for line in unwrapped(article.lines):
        source = line_map[line.number - 1]
        if named := opening_title(line.text):  # "2012年上半年工作总结"; a year's summary ends the part
            period = named if part_of_a_year(named) and not sums_up_a_year(named) else ""
        style = line.style or ("plain" if is_plain_heading(line.text) else "")
        if style:
            section = context.open(style, line.text)
            new_part = new_part or context.restarted
            if context.restarted:
                opened.append((len(out), 0, None))  # a new report: no sibling reaches back past it
            opened.append((len(out), len(context.stack), section_of_heading(line.text)))
            out.append(Unit(line.text.strip(), source, context.text, section, style, headings=context.texts))
            continue
        if REPORT_OPENING.search(line.text):
            context.close_all()
            opened.append((len(out), 0, None))
            new_part = True
        lead_style, lead = numbered_lead(line.text)
        # "七、下半年的工作计划1.做好…" opens a heading, and so does a numbered line that is one
        # short clause ("三、2013年工作计划及安排。"); a longer one is a list item, whatever words
        # it holds ("4、持续对我公司产品的改进提出建议和要求。")
        item = line.text.rstrip(" 。.！!；;").endswith(lead) and len(lead) > MAX_TRAILING_HEADING_CHARS
        if lead_style and not item and section_of_heading(lead[:MAX_LEAD_CHARS]):
            context.open(lead_style, lead[:MAX_LEAD_CHARS])
        found = split_sentences(line.text)
        parts = [p.text for p in found]
        trailing = parts.pop() if len(parts) > 1 and is_plain_heading(parts[-1]) else None
        for text, start in zip(parts, (p.start for p in found)):
            # a sentence of a hard-wrapped paragraph cites the line it starts on
            source = line_map[next((n for at, n in reversed(line.joined) if at <= start), line.number) - 1]
            if len(text) >= MIN_SENTENCE_CHARS:
                # "针对以上问题，…成立催费小组": what was done about the problems listed is not one of them
                section = None if context.section == "problems" and ANSWERS_PROBLEMS.search(text) else context.section
                out.append(
                    Unit(
                        text, source, context.text, section, inherited=context.inherited and section is not None,
                        starts_part=new_part, item=bool(lead_style), period=period, headings=context.texts,
                    )
                )
                new_part = False
        if trailing:  # "…切实加以解决。2010年工作打算": the heading opens what follows
            section = context.open("plain", trailing)
            opened.append((len(out), 0, None))
            out.append(Unit(trailing, source, context.text, section, "plain"))
        elif clause := lead_in(line.text):  # "…主要有以下几方面的收获和体会：" opens a list of them
            context.open(LEAD_IN_STYLE, clause, weak=True)
            last = out[-1] if out else None
            if last is not None and last.line == source and not last.style and section_of_heading(clause):
                # and the sentence that announces the list belongs to the section it names
                last.section, last.inherited, last.item = context.section, context.inherited, True
    _before_problems(out, opened)
    return out


def _before_problems(units: list[Unit], opened: list[tuple[int, int, str | None]]) -> None:
    """Give the parts of a report that stand before its part on shortcomings, under headings that
    name no section ("一、努力做好各项工作" … "四、不足之处"), the section of work done, as a weaker
    sign: reports go from what was done to what fell short and what comes next. ``opened`` lists
    the article's headings as (index in ``units``, depth, section the heading names); depth 0
    marks where a new report begins."""
    named: dict[int, str] = {}  # depth -> section named by the nearest later sibling that names one
    following: dict[int, int] = {}  # depth -> index of the nearest later sibling
    marks: list[tuple[int, int]] = []
    for start, depth, own in reversed(opened):  # from the end: a heading's later siblings are known
        if own is None and depth and units[start].section is None and named.get(depth) == "problems":
            marks.append((start, following[depth]))
        for deeper in [d for d in following if d > depth]:  # this heading closes the levels below it
            following.pop(deeper)
            named.pop(deeper, None)
        if depth == 0:
            continue
        following[depth] = start
        if own is not None:
            named[depth] = own
    for start, end in marks:
        for unit in units[start:end]:
            if unit.section is None:
                unit.section, unit.inherited = "achievements", True


def read_article_units(path: str | Path, repaired: dict[str, list[int]] | None = None,
                       unrepaired: dict[str, list[int]] | None = None):
    """Articles of a report file with their units and title; ``repaired`` gets the file's lines
    that were repaired as mojibake, when there are any, and ``unrepaired`` those that could not be. A Markdown report (.md) is read without its
    markup, its tables like a Word file's (``structure.plain_markdown``). The title of a file's only
    article is the file's name where that says more of the period covered ("2024年度工作总结.txt"
    over a text that starts at "一、工作概况")."""
    read = read_text(path)
    if repaired is not None and read.mojibake is not None and read.mojibake.changed:
        repaired[str(path)] = list(read.mojibake.lines_repaired)
    if unrepaired is not None and read.mojibake is not None and read.mojibake.lines_unrepaired:
        unrepaired[str(path)] = list(read.mojibake.lines_unrepaired)
    norm = normalise_text(plain_markdown(read.text) if Path(path).suffix.lower() == ".md" else read.text)
    articles = split_articles(norm.text, linked_titles(read.text))
    for article in articles:
        first = article.lines[0].text.strip() if article.lines else ""
        title = title_of(article.title, first)
        if len(articles) == 1 and names_more(Path(path).stem, title):
            title = Path(path).stem  # "2024年度工作总结.txt" whose text starts at "一、工作概况"
        yield article, article_units(article, norm.line_map), title


def names_more(name: str, title: str) -> bool:
    """Whether a file's name says more about the period its text covers than the text's title:
    the year it sums up, where the title names none, or a period at all (a month, a quarter)."""
    if summary_years(name) and not summary_years(title):
        return True
    return part_of_a_year(name) and not part_of_a_year(title) and not summary_years(title)


def title_of(title: str, first: str) -> str:
    """An article's title; an untitled article's is its first line or sentence, if short."""
    return title or (first if len(first) <= MAX_TITLE_CHARS else "")
