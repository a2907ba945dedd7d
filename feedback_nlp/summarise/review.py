"""Drafting a year-end service review from work reports, every sentence traceable to its source.

Steps: read and normalise each report (mojibake repaired, Traditional converted); split pages into
articles; drop articles that are not written as work reports (``genre``: scraped pages mix in
study tips, standards and etiquette guides); split into sentences with their source line under
the tree of headings (``units``); give each sentence a section (the classifier's reading weighed by its
heading's section, then read in order as a sequence: ``sections``); rank the sentences of each section by centrality (TextRank over character-bigram
similarity) with a small bonus for early position and for figures, and pick them with MMR so that
near-repeats are left out; extract the key figures (``metrics``) of every sentence of the articles kept.

Only the section titles are generated; every other sentence is quoted verbatim with its file and
line.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..io.inputs import named_paths, visible_files
from .metrics import Metric, dedupe_metrics, extract_metrics, group_by_metric, names_something, restates
from .tables import table_header, table_row_metrics
from .classifier import SectionClassifier
from .ranking import named_period, part_of_a_year, report_period, select_sections, short_horizon, sums_up_a_year
from .sections import (
    CLOSING_HEADING,
    looks_ahead,
    order_sections,
    pool_paragraphs,
    section_of_sentence,
    weigh_by_heading,
    weigh_by_tense,
)
from .structure import Article, arabic_years, opening_title, summary_years
from .units import Unit, read_article_units

TITLES = {
    "overview": "一、工作概况",
    "achievements": "二、主要成绩与关键指标",
    "feedback": "三、客户反馈分析",
    "problems": "四、存在的问题与不足",
    "plans": "五、下一年度工作计划与目标",
}
# words that service reports use and off-topic articles (study tips, etiquette) do not
DOMAIN_WORDS = re.compile(
    r"客户|顾客|业主|服务|投诉|满意|售后|客服|维修|报修|物业|收费|回访|接待|工作|完成|部门|公司|中心|问题|年度|计划|指标|率"
)
MIN_DOMAIN_DENSITY = 0.02  # domain-word hits per character below which an article is off-topic
# matters that a unit's report may cover beside its service and a service review leaves out of its
# quotes and key figures: family-planning statistics ("已婚育龄妇女为54人，出生0人")
NOT_SERVICE_WORDS = re.compile(r"计划生育|计生|育龄|出生人口|人口出生|出生率|独生子女|生育服务证|节育")
REPORT_THRESHOLD = 0.5  # with the article model: an article less likely than this to be a report is left out


@dataclass
class Sentence:
    text: str
    section: str
    file: str
    line: int  # line in the source file as read (1-based)
    article: str
    score: float = 0.0
    confidence: float = 0.0  # the section classifier's probability of ``section`` for the text alone
    metrics: list[Metric] = field(default_factory=list)
    # the article's title, or its first line if short: what it says it sums up; for a sentence under a
    # line inside the article that names the part of a year reported on, that line ("…2012年上半年工作总结")
    title: str = ""
    heading: str = ""  # the innermost heading or lead-in the sentence stands under
    headings: tuple[str, ...] = ()  # every heading it stands under, outermost first
    article_title: str = ""  # the article's own title, where ``title`` is a part-year line inside it


@dataclass
class Review:
    year: int | None
    org: str | None
    sections: dict[str, list[Sentence]]
    metrics: list[tuple[Metric, Sentence]]
    dropped_articles: list[tuple[str, str, str]]  # (file, title, why it was left out)
    feedback: dict | None = None
    titles: dict[tuple[str, str], str] = field(default_factory=dict)  # (file, article) -> title, of the articles kept
    repaired: dict[str, list[int]] = field(default_factory=dict)  # file -> lines repaired as mojibake (as read)

    years_left_out: list[int] = field(default_factory=list)  # the other years of the articles left out
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (file, why) of reports that could not be read
    years_tied: list[int] = field(default_factory=list)  # years as many titles sum up, with no year given
    # file -> lines that are mojibake which could not be repaired ("�" for lost bytes): left out of the draft
    unrepaired: dict[str, list[int]] = field(default_factory=dict)
    # (file, title, year) of articles drawn on whose title names no year and whose text opens with another
    # year than the review's ("2023年，我部…" in a 2025 review)
    opening_other_years: list[tuple[str, str, int]] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The draft as its JSON output holds it: title, year, every quote of each section with its
        file and line, the key figures, the customer-feedback figures, the articles left out, the
        warnings and the notes."""
        from .render import to_dict

        return to_dict(self)

    def to_markdown(self) -> str:
        """The draft as Markdown, each quote followed by its source."""
        from .render import to_markdown

        return to_markdown(self)

    def save(self, path: str | Path) -> None:
        """Write the draft as Markdown (.md), Word (.docx) or JSON (.json), by the suffix of ``path``."""
        from .render import write_review

        write_review(self, Path(path))

    @property
    def warnings(self) -> list[str]:
        """What a reader of the draft should check (in English, for the command's output): quotes
        from lines repaired as mojibake, articles kept that sum up another year (with
        ``keep_other_years``, or when all do), a year no report title sums up, and customer
        feedback dated outside the year or holding no messages."""
        return [english for english, _chinese in self._checks()]

    @property
    def notes(self) -> list[str]:
        """The same points in Chinese, written at the top of the draft itself, so that whoever
        opens the document sees them too."""
        return [chinese for _english, chinese in self._checks()]

    def _checks(self) -> list[tuple[str, str]]:
        out = [(f"{Path(file).name} could not be read and is not in the draft: {why}",
                f"{Path(file).name}无法读取，本稿未包含其内容。") for file, why in self.unreadable]
        out += self._repair_checks()
        fb = self.feedback
        if fb is not None and not fb.get("customer_messages") and fb.get("outside_year"):
            out.append((f"none of the messages in the classified chats is dated in {self.year}, the year of the review "
                        f"({fb['outside_year']:,} are of other years), so the customer-feedback section has no figures: "
                        "check --year, or pass chats of that year",
                        f"所附客户对话中没有{self.year}年的消息（{fb['outside_year']}条为其他年份），客户反馈分析没有数据。"))
        elif fb is not None and not fb.get("customer_messages"):
            out.append(("the classified chats hold no customer messages, so the customer-feedback section has no "
                        "figures: check --chats", "所附客户对话分类结果中没有客户消息，客户反馈分析没有数据。"))
        if (fb or {}).get("incomplete"):
            out.append((fb["incomplete"], "所附客户对话分类结果不完整（分类运行未结束或文件不全），客户反馈分析的数字只覆盖已写入的消息，请核对。"))
        undated = (fb or {}).get("complaints_undated", 0)
        if undated:
            out.append((f"{undated} of {fb['complaints']} complaints in the classified chats have no readable date, so "
                        "the complaints by month leave them out: check the time column of the export",
                        f"客户反馈中有{undated}条投诉（共{fb['complaints']}条）没有可识别的日期，按月统计未计入。"))
        titles = list(self.titles.values())
        if titles and all(part_of_a_year(t) for t in titles):
            out.append(("every report is of a month or a quarter and none sums up the whole year: the key figures are "
                        "theirs, and no total for the year is computed", "所有报告均为月度或季度报告，没有全年总结：关键指标均为"
                        "各月（季）数据，未计算全年合计。"))
        if not self.year:
            return out
        if self.years_tied:
            others = [y for y in self.years_tied if y != self.year]
            out.append((f"as many report titles sum up {', '.join(map(str, others))} as {self.year}: the draft is of "
                        f"{self.year}, the latest, and the others' articles are left out: pass --year to choose",
                        f"报告标题中{'、'.join(map(str, self.years_tied))}年的总结一样多，本稿按最近的{self.year}年起草，"
                        "其他年份的报告已略去，请核对年份。"))
        if self.years_left_out and not any(self.year in summary_years(t) for t in self.titles.values()):
            found = "、".join(map(str, self.years_left_out))
            out.append((f"no report title sums up {self.year}: the articles summing up {', '.join(map(str, self.years_left_out))} "
                        f"were left out, and the draft draws only on the {len(self.titles)} whose titles name no year: check --year",
                        f"没有一篇报告的标题是{self.year}年的总结：{found}年的报告已略去，本稿只引用了标题未写年份的"
                        f"{len(self.titles)}篇，请核对年份。"))
        for (file, article), years in other_year_articles(self.titles, self.year).items():
            title = self.titles[file, article]
            out.append((f"{Path(file).name}: the article \"{title}\" sums up {', '.join(map(str, years))}, "
                        f"not {self.year}, and the draft draws on it: check --year",
                        f"{Path(file).name}中的《{title}》总结的是{'、'.join(map(str, years))}年，不是{self.year}年，本稿引用了它。"))
        for file, title, opening in self.opening_other_years:
            out.append((f"{Path(file).name}: the article \"{title or '(untitled)'}\" names no year in its title and opens with "
                        f"{opening}年, not {self.year}, and the draft draws on it: check that it is of {self.year}",
                        f"{Path(file).name}中的《{title or '无标题'}》标题未写年份，正文开头是{opening}年，本稿引用了它，请核对年份。"))
        if (fb or {}).get("outside_year") and fb.get("customer_messages"):
            out.append((f"{fb['outside_year']} messages in the classified chats are dated outside {self.year} and are "
                        "left out of the customer feedback", f"客户对话中有{fb['outside_year']}条消息的日期不在{self.year}年内，"
                        "未计入客户反馈分析。"))
        by_month = (fb or {}).get("by_month") or {}
        outside = sum(n for month, n in by_month.items() if not month.startswith(str(self.year)))
        if outside:
            out.append((f"{outside} of {sum(by_month.values())} dated complaints in the customer feedback "
                        f"({min(by_month)} to {max(by_month)}) are not from {self.year}, the year of the review: "
                        "check --year, or pass chats of that year",
                        f"客户反馈中有{outside}条投诉（共{sum(by_month.values())}条有日期）的日期在{min(by_month)}至"
                        f"{max(by_month)}之间，不在{self.year}年内。"))
        return out

    def _repair_checks(self) -> list[tuple[str, str]]:
        quoted = [s for sentences in self.sections.values() for s in sentences] + [s for _m, s in self.metrics]
        out = []
        for file, lines in self.repaired.items():
            repaired = set(lines)
            hit = sorted({s.line for s in quoted if s.file == file and s.line in repaired})
            if hit:
                shown = ", ".join(map(str, hit[:8])) + (", …" if len(hit) > 8 else "")
                out.append((f"{Path(file).name}: {len(hit)} quoted line{'s' if len(hit) != 1 else ''} ({shown}) were "
                            "repaired from mojibake (UTF-8 read as GBK); a character rebuilt from a dropped byte may be "
                            "wrong, so check the words and figures quoted from them against the source",
                            f"{Path(file).name}第{'、'.join(map(str, hit[:8]))}{'等' if len(hit) > 8 else ''}行由乱码修复而来，"
                            "个别字可能有误，请对照原文核对引用的文字和数字。"))
        for file, lines in self.unrepaired.items():
            shown = ", ".join(map(str, lines[:8])) + (", …" if len(lines) > 8 else "")
            out.append((f"{Path(file).name}: {len(lines)} line{'s' if len(lines) != 1 else ''} ({shown}) are mojibake that "
                        "could not be repaired (bytes were lost when the file was saved, \"�\" in their place) and are left "
                        "out of the draft: get the file again from where it was written, in UTF-8",
                        f"{Path(file).name}第{'、'.join(map(str, lines[:8]))}{'等' if len(lines) > 8 else ''}行是无法修复的乱码"
                        "（保存时已丢失字节），本稿未引用，请从原处重新获取该文件。"))
        return out


def _article_is_on_topic(lines: list[str]) -> bool:
    text = "".join(lines)
    return bool(text) and len(DOMAIN_WORDS.findall(text)) / len(text) >= MIN_DOMAIN_DENSITY


def is_service_matter(s: Sentence) -> bool:
    """Whether a sentence is about the service reviewed and not about a matter such as family
    planning (``NOT_SERVICE_WORDS``) that a unit's report also covers."""
    return not NOT_SERVICE_WORDS.search(s.text)


def _classify(units: list[Unit], classifier: SectionClassifier | None) -> list[tuple[str, float]]:
    """Section of each sentence unit, with the classifier's probability of that section for the
    sentence alone: its reading of each sentence weighed by the section of its heading and pooled
    with the rest of its paragraph, the article read as a sequence; without a classifier, cue rules (probability 0)."""
    if classifier is None:
        return [
            (section_of_sentence(u.text, u.section, any(m.kind == "target" for m in extract_metrics(u.text))), 0.0)
            for u in units
        ]
    if not units:
        return []
    probs = classifier.predict_proba([u.text for u in units], [u.heading for u in units])
    classes = [str(c) for c in classifier.model.classes_]
    ahead = looks_ahead([u.text for u in units], [u.line for u in units])
    weighed = np.array([
        weigh_by_tense(weigh_by_heading(p, classes, u.section, u.inherited, u.item), classes, u.text, u.section, forward)
        for p, u, forward in zip(probs, units, ahead)
    ])
    weighed = pool_paragraphs(weighed, [u.line for u in units])
    starts = [0] + [i for i, u in enumerate(units) if u.starts_part and i > 0] + [len(units)]
    sections = [
        section
        for a, b in zip(starts, starts[1:])
        for section in order_sections(weighed[a:b], classes, classifier.transitions, classifier.start)
    ]
    return [(section, float(p[classes.index(section)])) for section, p in zip(sections, probs)]


def _heading_sections(units: list[Unit], sections: list[str]) -> dict[int, str]:
    """The section of each heading's source line: its own or inherited one, else the most common
    content section of the first paragraph it stands over (the one that says what it is about)."""
    out: dict[int, str] = {}
    for i, unit in enumerate(units):
        if not unit.style or unit.line in out:
            continue
        if unit.section:
            out[unit.line] = unit.section
            continue
        if CLOSING_HEADING.search(unit.text):
            out[unit.line] = "other"
            continue
        below: Counter = Counter()
        first_line = None  # the line of the first sentence below that has a section
        for other, section in zip(units[i + 1 :], sections[i + 1 :]):
            if other.style or (first_line is not None and other.line != first_line):
                break
            if section != "other":
                first_line = other.line
                below[section] += 1
        out[unit.line] = below.most_common(1)[0][0] if below else "other"
    return out


def _is_report(article: Article, classifier: SectionClassifier | None, title: str) -> bool:
    texts = [line.text for line in article.lines]
    if classifier is not None and classifier.articles is not None:
        return bool(classifier.report_probability([texts], [title or None])[0] >= REPORT_THRESHOLD)
    return _article_is_on_topic(texts)


def _line_section(counts: Counter) -> str:
    """The most common section of a line's sentences; on a tie a content section before "other"
    (the line is quoted under it), then the first met."""
    top = max(counts.values())
    tied = [section for section, n in counts.items() if n == top]
    return next((section for section in tied if section != "other"), tied[0])


def label_lines(path: str | Path) -> dict[int, str]:
    """The section of every source line that is quoted or is a heading (the most common section
    of its sentences, ``_line_section``; a heading's, the section it opens); lines of articles left out as
    off-topic, and lines not quoted, are absent."""
    classifier = SectionClassifier.load()
    out: dict[int, str] = {}
    for article, units, title in read_article_units(path):
        if not _is_report(article, classifier, title):
            continue
        sentences = [u for u in units if not u.style]
        predicted = iter(section for section, _p in _classify(sentences, classifier))
        sections = [None if u.style else next(predicted) for u in units]
        by_line: dict[int, Counter] = defaultdict(Counter)
        for unit, section in zip(units, sections):
            if not unit.style:
                by_line[unit.line][section] += 1
        out.update({line: _line_section(counts) for line, counts in by_line.items()})
        out.update(_heading_sections(units, sections))
    return out


NOT_A_REPORT = "not a work report"


def collect_sentences(
    path: str | Path, repaired: dict[str, list[int]] | None = None, unrepaired: dict[str, list[int]] | None = None
) -> tuple[list[Sentence], list[tuple[str, str, str]]]:
    """Sentences of a report with section and source line; and the articles left out.

    An article that is not written as a work report (``genre``) is left out whole. Every sentence
    is read by the section classifier (cue rules without it) and weighed by the section of the
    heading it stands under (``sections``). Figures under a plans heading count as targets; elsewhere
    a target word says so (a sentence the classifier reads as a plan, with no such word, may be a
    month's figures set out as bullets). Lines that are mojibake which could not be repaired are
    left out (they go to ``unrepaired``, by file): quoted, they would be garbage, and their figures
    garbage's figures."""
    label = str(path)
    classifier = SectionClassifier.load()
    sentences: list[Sentence] = []
    dropped: list[tuple[str, str, str]] = []
    damaged: dict[str, list[int]] = {}
    for article, units, title in read_article_units(path, repaired, damaged):
        if damaged.get(label):
            units = [u for u in units if u.line not in set(damaged[label])]
        body = [u for u in units if not u.style]
        if not body:
            continue
        if not _is_report(article, classifier, title):
            dropped.append((label, title or "(untitled)", NOT_A_REPORT))
            continue
        clause_before = None  # the last figure of a sentence that ends in a semicolon, on the same line
        header = None  # the columns of a text table being read ("指标名称 本季度 上季度 变动")
        for unit, (section, confidence) in zip(body, _classify(body, classifier)):
            kind = "target" if unit.section == "plans" else "actual"
            carried = clause_before[1] if clause_before and clause_before[0] == unit.line else None
            row = table_row_metrics(unit.text, header, kind) if header else None
            header = table_header(unit.text) or (header if row is not None else None)
            metrics = row if row is not None else extract_metrics(unit.text, default_kind=kind, carried=carried)
            ends_clause = unit.text.rstrip().endswith(("；", ";")) and metrics
            clause_before = (unit.line, metrics[-1]) if ends_clause else None
            sentences.append(
                Sentence(unit.text, section, label, unit.line, article.title, confidence=confidence, metrics=metrics,
                         title=unit.period or title, heading=unit.heading, article_title=title, headings=unit.headings)
            )
    if unrepaired is not None and damaged.get(label):
        unrepaired[label] = damaged[label]
    return sentences, dropped


REPORT_SUFFIXES = (".txt", ".md", ".docx")  # what a folder of reports is read for


_OPENING_YEAR = re.compile(r"^\s*((?:19|20)\d\d)\s*年(?:度|全年)?\s*[，,以来]")


def _opening_other_years(sentences: list[Sentence], titles: dict[tuple[str, str], str], year: int | None) -> list[tuple[str, str, int]]:
    """The articles whose title names no year and whose first sentence opens with a year other
    than ``year`` ("2023年，我部…"): (file, title, that year)."""
    if not year:
        return []
    first: dict[tuple[str, str], Sentence] = {}
    for s in sentences:
        if s.text.strip() != titles.get((s.file, s.article), "").strip():  # the title line is no sentence of the text
            first.setdefault((s.file, s.article), s)
    out = []
    for key, s in first.items():
        title = titles.get(key, "")
        text = arabic_years(s.text)
        m = _OPENING_YEAR.match(text)
        # or it opens with the title of a report on a period of another year ("…2012年上半年工作总结…")
        opened = [int(y) for y in re.findall(r"((?:19|20)\d\d)年", opening_title(text))]
        opening = int(m.group(1)) if m else (opened[0] if opened else None)
        if opening and opening != year and not summary_years(title) and not re.search(r"(?:19|20)\d\d", title):
            out.append((key[0], title, opening))
    return out


def other_year_articles(titles: dict[tuple[str, str], str], year: int | None) -> dict[tuple[str, str], list[int]]:
    """The articles (keys of ``titles``) whose title sums up other years than ``year``, with those years."""
    return {key: years for key, title in titles.items() if year and (years := summary_years(title)) and year not in years}


def article_titles(sentences: list[Sentence]) -> dict[tuple[str, str], str]:
    """(file, article) -> the article's title; an untitled article's is its first line, if short."""
    titles: dict[tuple[str, str], str] = {}
    for s in sentences:
        if (s.file, s.article) not in titles:
            titles[s.file, s.article] = s.article_title or s.title
    return titles


def _most_summed_years(sentences: list[Sentence]) -> list[int]:
    """The years that the most articles' titles say they sum up (``summary_years``), one vote per
    article, in order: more than one when they tie; none when no title names a year."""
    counts = Counter(year for title in article_titles(sentences).values() for year in summary_years(title))
    return sorted(year for year, n in counts.items() if n == max(counts.values()))


def year_from_titles(sentences: list[Sentence]) -> int | None:
    """The year the most articles' titles say they sum up, one vote per article; of years named
    equally often, the latest (a year-end review is of the year just ended; ``draft_review``
    warns of the tie); None when no title names a year."""
    top = _most_summed_years(sentences)
    return top[-1] if top else None


# written into every draft (a comment atop the Markdown, the DOCX's comments property), so that a
# draft saved next to the reports is never read back as one of them
DRAFT_MARK = "feedback_nlp review draft"


def is_draft(path: Path) -> bool:
    """Whether ``path`` is a review drafted by this package (Markdown or DOCX)."""
    try:
        if path.suffix.lower() == ".docx":
            with zipfile.ZipFile(path) as book:
                return DRAFT_MARK.encode() in book.read("docProps/core.xml")
        with open(path, "rb") as fh:
            return DRAFT_MARK.encode() in fh.read(200)
    except (OSError, KeyError, zipfile.BadZipFile):
        return False  # unreadable files are reported when they are read as reports


def report_files(
    reports: str | Path | list[str | Path], skipped: list[Path] | None = None, drafts: list[Path] | None = None
) -> list[Path]:
    """The report files named: files as given, and the .txt, .md and .docx files inside folders
    (in natural order, "2月" before "10月", with subfolders); the other files found in folders are
    added to ``skipped``, and reviews drafted by this package (an earlier run's output) to
    ``drafts``, when those are given. One path may be given alone."""
    items = named_paths(reports, "reports")
    found: list[Path] = []
    others: list[Path] = []
    for item in items:
        if item.is_dir():
            for p in visible_files(item):
                (found if p.suffix.lower() in REPORT_SUFFIXES else others).append(p)
        else:
            found.append(item)
    if skipped is not None:
        skipped.extend(others)
    files = [p for p in found if not is_draft(p)]
    if drafts is not None:
        drafts.extend(p for p in found if p not in files)
    if not files:
        only = " (only reviews drafted by feedback-nlp review)" if found else ""
        old = [p.name for p in others if p.suffix.lower() in (".doc", ".wps")]
        if old:
            only += f"; {', '.join(old[:3])}{', …' if len(old) > 3 else ''} {'is an old Word file' if len(old) == 1 else 'are old Word files'}: save as .docx to include"
        raise InputError(f"no report files in {', '.join(map(str, items))}{only}; pass .txt, .md or .docx files")
    return files


def draft_review(
    reports: str | Path | list[str | Path],
    year: int | None = None,
    org: str | None = None,
    feedback: dict | None = None,
    chats: str | Path | None = None,
    keep_other_years: bool = False,
) -> Review:
    """Draft a review from report files or folders (``report_files``). The customer-feedback
    section comes from ``chats``, classified messages (the output of ``feedback-nlp classify -o``),
    of the review's year (messages dated in other years are left out and counted), or from
    ``feedback``, their analysis (``feedback.analyse_chats``), taken as it is; None leaves it out. Without
    ``year``, the year most report titles sum up, the latest of a tie (``year_from_titles``).

    Articles whose title sums up another year than the review's ("企业服务中心09年工作总结" in a
    2012 review) are left out, unless ``keep_other_years`` or unless no other article would be
    left; the ones kept are named in ``Review.warnings``."""
    if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
        raise TypeError(f"year={year!r}: pass the year as an int, e.g. 2023")
    if year is not None and not 1900 <= year <= 2100:
        raise ValueError(f"year={year}: give the year in four digits, e.g. 2025")
    if chats is not None:
        from .feedback import check_chats

        check_chats(chats)  # a wrong file is refused before the reports are read
    sentences: list[Sentence] = []
    dropped: list[tuple[str, str, str]] = []
    repaired: dict[str, list[int]] = {}
    unrepaired: dict[str, list[int]] = {}
    unreadable: list[tuple[str, str]] = []
    files = report_files(reports)
    for path in files:
        try:
            found, left_out = collect_sentences(path, repaired, unrepaired)
        except InputError as error:  # an image named .txt among a year of reports: the others still count
            if len(files) == 1:
                raise
            unreadable.append((str(path), str(error).removeprefix(f"{path}: ")))
            continue
        sentences.extend(found)
        dropped.extend(left_out)
    if unreadable and len(unreadable) == len(files):
        raise InputError(f"none of the {len(files)} reports could be read; the first: {unreadable[0][0]}: {unreadable[0][1]}")
    years_tied: list[int] = []
    if year is None:
        top = _most_summed_years(sentences)
        year, years_tied = (top[-1] if top else None), (top if len(top) > 1 else [])
    if chats is not None:
        from .feedback import analyse_chats

        feedback = analyse_chats(chats, year=year)  # of the review's year, once that is known
    titles = article_titles(sentences)
    other_years = other_year_articles(titles, year)
    years_left_out: list[int] = []
    if other_years and not keep_other_years and len(other_years) < len(titles):
        years_left_out = sorted({y for years in other_years.values() for y in years})
        sentences = [s for s in sentences if (s.file, s.article) not in other_years]
        dropped += [(file, titles[file, article] or "(untitled)", f"sums up {', '.join(map(str, years))}, not {year}")
                    for (file, article), years in other_years.items()]
        titles = {key: title for key, title in titles.items() if key not in other_years}
    opening_other = _opening_other_years(sentences, titles, year)
    service = [s for s in sentences if is_service_matter(s)]  # family-planning figures are no service matter
    sections = select_sections(service)
    metrics: list[tuple[Metric, Sentence]] = []
    seen = set()
    year_summary = any(sums_up_a_year(title) for title in {s.title for s in sentences})
    # every sentence of the articles kept: figures are key whatever the section; the value a change
    # started from ("由去年的45秒缩短至28秒") stays in its sentence. A figure restated in its file
    # (in a table, say) is listed once, as first stated; the same value in another file (another
    # month's report) is another fact. Beside a year's summary, next month's targets are left out;
    # so are figures of matters other than the service (``NOT_SERVICE_WORDS``)
    stated: dict[tuple, list[str]] = {}  # (file, value, unit, kind, period) -> the names it was listed under
    for s in service:
        for m in dedupe_metrics(s.metrics):
            fact = (s.file, *m.key()[:3], m.period)
            if m.kind == "baseline" or not names_something(m.subject) or fact in seen:
                continue
            if m.kind == "target" and year_summary and short_horizon(s.text, s.title):
                continue
            # the same value restated under another name in the file ("全年共接待业主来电19742次" and
            # a table's 合计 row under 来电量): one fact, where the names share a word
            names = stated.setdefault((s.file, m.value, m.unit, m.kind, m.period), [])
            if any(restates(m, name) for name in names):
                continue
            names.append(m.subject)
            seen.add(fact)
            metrics.append((m, s))
    # one metric's figures side by side, in the order of the periods reported on (本月接待来电 of
    # each month's report, then the year's)
    metrics.sort(key=lambda item: report_period(named_period(item[0].period, item[1].title) if item[0].period else item[1].title)[1])
    return Review(year, org, sections, group_by_metric(metrics), dropped, feedback, titles, repaired, years_left_out, unreadable,
                  years_tied, unrepaired, opening_other)
