"""Which sentences a review quotes: central ones (TextRank over sentence similarity) plus
priors for figures, position, cue words and the classifier's confidence, without near-repeats
(MMR), within per-section limits; in a year of reports, the year-end summary first.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from .sections import SECTIONS, SENTENCE_CUES, section_of_heading
from .similarity import NEAR_REPEAT, overlap_matrix, similarity_matrix
from .structure import arabic_years, summary_years
from .tables import table_header

if TYPE_CHECKING:
    from .review import Sentence

LIMITS = {"overview": 4, "achievements": 10, "problems": 6, "plans": 8}
CONFIDENCE_WEIGHT = 0.5  # ranking: how much a sentence that plainly reads as its section counts
LEAD_IN_PENALTY = 1.0  # ranking: a line ending in a colon only introduces what follows
WHOLE_YEAR_WEIGHT = 1.0  # ranking: a sentence of an article that sums up a whole year, beside monthly ones
SHORT_HORIZON_PENALTY = 1.0  # ranking: a plan for next month only, in the plans for next year
MAX_CANDIDATES = 300  # sentences per section that TextRank compares pairwise


def _prior(s: Sentence) -> float:
    """Cheap score used to bound the candidates: figures and a readable length."""
    return bool(s.metrics) + (15 <= len(s.text) <= 120)


def _cue_prior(s: Sentence, section: str | None) -> float:
    """How plainly a sentence says what its section is about: its section's cue words, at most two."""
    cues = SENTENCE_CUES.get(section or "")
    return min(len(cues.findall(s.text)), 2) / 2 if cues else 0.0


# a line that only states figures: "· 接通率：94.0%", a table row "人工接通率 96.1% 95.3% +0.8个百分点"
_NAME_AND_FIGURE = re.compile(r"^[·•●▪◆■\-*\s]*[^\d：:，。；]{1,16}[：:]\s*[-+]?\d[^，。；]{0,16}$")
# figures set apart by spaces, or a figure beside a blank table cell ("线上报修占比 42.5% — —")
_FIGURES_APART = re.compile(r"\d\S*\s+(?:[-+]?\d|—(?:\s|$))")


def bare_figures(text: str) -> bool:
    """Whether a line states figures and nothing else ("接通率：94.0%", a row of a table set out as
    text): the key-figures table holds them, and quoted as a sentence they tell a reader nothing."""
    return bool(_NAME_AND_FIGURE.match(text) or (_FIGURES_APART.search(text) and not re.search(r"[，。；！？]", text)))


def _candidates(sentences: list[Sentence]) -> list[Sentence]:
    """At most ``MAX_CANDIDATES`` sentences, the best by a cheap prior (earliest first on ties),
    in source order, so drafting from thousands of reports stays fast; lines of bare figures are
    not quoted, nor the header lines of tables."""
    sentences = [s for s in sentences if not bare_figures(s.text) and not table_header(s.text)]
    if len(sentences) <= MAX_CANDIDATES:
        return sentences
    keep = sorted(range(len(sentences)), key=lambda i: (-_prior(sentences[i]), i))[:MAX_CANDIDATES]
    return [sentences[i] for i in sorted(keep)]


# a year of reports often holds monthly ones and a year-end summary: the summary speaks for the year
_PART_OF_A_YEAR = re.compile(r"\d{1,2}\s*月|[一二三四五六七八九十]+月|季度|半年|(?<![A-Za-z])[Qq][1-4](?!\d)")
# a plan for next month, week, quarter or half ("下月满意率力争回升至96%", "下半年力争…") is not a plan for next year
# a month or a quarter named in a year-end report's plans ("3月底前完成系统升级", "第一季度完成坐席
#扩容") is a dated step of next year's plan, not a short horizon: only these words are
_SHORT_HORIZON = re.compile(r"下个?月|下周|下季度|下个?半年|本月")
# ... unless it speaks of a year as a whole ("2026年第一季度" is a quarter; "年度培训计划" in a
# quarter's plan is this year's)
_NEXT_YEAR = re.compile(r"明年|来年|下一?年|新的一年|新一年|(19|20)\d\d年(?!度?第?[一二三四1-4]季度|\d{1,2}月|[一二三四五六七八九十]+月)")


def part_of_a_year(title: str) -> bool:
    """Whether an article's title is of a month, a quarter or a half year ("5月份工作报告")."""
    return bool(_PART_OF_A_YEAR.search(title))


def sums_up_a_year(title: str) -> bool:
    """Whether an article's title sums up a whole year ("2024年度工作总结"), not a month or quarter of it."""
    return bool(summary_years(title)) and not part_of_a_year(title)


_THIS_MONTH = re.compile(r"本月|当月|上月|本周|本季度")


def month_bound(s: Sentence) -> bool:
    """Whether a sentence of a month's or a quarter's report speaks of "本月": quoted in a review of
    the year, a reader cannot tell which month it means, and may take it for the year's."""
    return bool(_THIS_MONTH.search(s.text) and part_of_a_year(s.title))


_CHINESE_NUMBERS = {c: i for i, c in enumerate("一二三四五六七八九十", 1)} | {"十一": 11, "十二": 12}
_MONTH = re.compile(r"(?<!\d)(\d{1,2})\s*月|(十[一二]|[一二三四五六七八九十])月")
_MONTHS = re.compile(r"(?<!\d)(\d{1,2})\s*(?:月份?)?\s*(?:-|—|–|~|～|至|到)\s*(\d{1,2})\s*月")
_FIRST_QUARTERS = re.compile(r"前([二三2-3])(?:个)?季度")
_QUARTER = re.compile(r"第?([一二三四1-4])季度|(?<![A-Za-z])[Qq]([1-4])(?!\d)")
_HALF = re.compile(r"([上下])半年")


def _title_years(title: str) -> list[int]:
    """The years a title sums up, else the first year it names (a month's report: "2025年3月客服月报")."""
    return summary_years(title) or [int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", title)][:1]


def report_period(title: str) -> tuple[str, float]:
    """The period an article reports on, by its title, as shown beside its key figures ("2025年3月",
    "第三季度", "2025年度"; "" when the title does not say), with a rank that orders periods in
    the year: months, then their quarter, half and whole year."""
    title = arabic_years(title)
    years = _title_years(title)
    year = f"{years[0]}年" if years else ""
    if m := _MONTHS.search(title):  # "1-11月": a total of months, not the last month's
        first, last = int(m.group(1)), int(m.group(2))
        if 1 <= first < last <= 12:
            return f"{year}{first}-{last}月", last + 0.2
    if m := _FIRST_QUARTERS.search(title):
        quarters = int(_CHINESE_NUMBERS.get(m.group(1), m.group(1)))
        return f"{year}前{'一二三四'[quarters - 1]}季度", 3 * quarters + 0.55
    if m := _MONTH.search(title):
        month = int(m.group(1)) if m.group(1) else _CHINESE_NUMBERS[m.group(2)]
        if 1 <= month <= 12:
            return f"{year}{month}月", month
    if m := _QUARTER.search(title):
        quarter = int(m.group(2) or _CHINESE_NUMBERS.get(m.group(1), m.group(1)))
        return f"{year}第{'一二三四'[quarter - 1]}季度", 3 * quarter + 0.5
    if m := _HALF.search(title):
        return f"{year}{m.group(1)}半年", 6.6 if m.group(1) == "上" else 12.6
    if sums_up_a_year(title):
        return f"{years[0]}年度" if years else "全年", 12.8
    return "", 12.9


# a year a target names: "2013年目标", "13年我们将…"; not a span of years ("工作10年来", "5年内")
_YEAR_NAMED = re.compile(r"(?<![\d.])((?:19|20)\d\d|\d\d)(?=\s*年(?!来|以来|多|前|内|间|龄|级|代))")
_NEXT_YEAR_WORDS = re.compile(r"明年|来年|下一?年度?|新的一年|新一年")
# a plans heading that aims at no one year: "四、长期打算"
_LONG_TERM = re.compile(r"长期|长远|远景|今后几年|未来几年|[三五]年规划")


_EARLIER_YEAR = frozenset(("去年", "上年", "上年度", "上一年", "上一年度"))
_NAMED_YEAR = re.compile(r"((?:19|20)\d\d)年度?$")


def named_period(named: str, title: str) -> str:
    """The period a figure's clause or table row names ("1月份", "第一季度", "去年", "2024年"; see
    ``Metric.period``), as the key-figures table shows it, in the year the report's title sums
    up or names: "2025年1月", "2025年第一季度", "2024年度"."""
    years = _title_years(title)
    if named in _EARLIER_YEAR:
        return f"{years[0] - 1}年度" if years else "上年度"
    if m := _NAMED_YEAR.match(named):
        return f"{m.group(1)}年度"
    dated = named if re.match(r"(?:19|20)\d\d年", named) or not years else f"{years[0]}年{named}"
    return report_period(dated)[0] or named


_NEXT_MONTH = re.compile(r"下个?月")
_NEXT_QUARTER = re.compile(r"下一?个?季度")


def _next_period(text: str, headings: tuple[str, ...], title: str) -> str:
    """The month or quarter after the one a month's or a quarter's report covers, where a target
    is for next month ("下月维修及时率力争达到98%") or next quarter; "" otherwise."""
    period, rank = report_period(title)
    words = (text, *headings)
    year = int(m.group(1)) if (m := re.match(r"((?:19|20)\d\d)年", period)) else None
    if any(_NEXT_MONTH.search(w) for w in words) and (m := re.search(r"(\d{1,2})月$", period)):
        month = int(m.group(1))
        if month == 12:
            return f"{year + 1}年1月" if year else "1月"
        return f"{year}年{month + 1}月" if year else f"{month + 1}月"
    if any(_NEXT_QUARTER.search(w) for w in words) and (m := re.search(r"第([一二三四])季度$", period)):
        quarter = "一二三四".index(m.group(1)) + 1
        if quarter == 4:
            return f"{year + 1}年第一季度" if year else "第一季度"
        return f"{year}年第{'一二三四'[quarter]}季度" if year else f"第{'一二三四'[quarter]}季度"
    return ""


def figure_period(kind: str, text: str, heading: str, title: str, named: str = "", headings: tuple[str, ...] = ()) -> str:
    """The period a key figure is of, as the key-figures table shows it: for a target, the year
    it aims at where its sentence says so, else where the heading or lead-in it stands under does
    ("2013年目标：" over "客户综合满意率不低于90%"; "明年" and "新的一年" count from the year the
    report sums up); a target under the plans heading of a year's summary that names no year
    ("三、下一步工作计划", "三、20__年工作计划") is next year's, unless it speaks of the long term or
    of part of a year ("下半年"); otherwise the period the figure's clause or table row names
    (``named``: "1月份"; see ``named_period``), else the period the report covers (``report_period``).
    A 2012 summary's targets for 2013 are not 2012's. ``headings``: every heading the sentence stands
    under, outermost first (``heading`` is the innermost), read from the innermost out: a target
    under "三、2026年工作计划" › "（一）提升服务品质" is 2026's; the first that names a year, next year
    or the plans decides."""
    if named and kind != "target":
        return named_period(named, title)
    if kind == "target" and (following := _next_period(text, headings or (heading,), title)):
        return following
    if kind == "target":
        summed = summary_years(title)
        for words in (text, *reversed(headings or (heading,))):
            years = [int(y) if len(y) == 4 else 2000 + int(y) for y in _YEAR_NAMED.findall(words)]
            if years:
                # the year the report sums up (its title, as a heading) is the report's own period
                return report_period(title)[0] if words is not text and max(years) in summed else f"{max(years)}年"
            if summed and _NEXT_YEAR_WORDS.search(words):
                return f"{summed[0] + 1}年"
            if words is not text and section_of_heading(words) == "plans":
                if sums_up_a_year(title) and not any(_SHORT_HORIZON.search(w) or _LONG_TERM.search(w) for w in (text, words)):
                    return f"{summed[0] + 1}年"
                break
    return report_period(title)[0]


def short_horizon(text: str, title: str) -> bool:
    """Whether a plan speaks of next month or week only: it says so, or it is in a month's or a
    quarter's report, and it does not speak of a year."""
    return bool(_SHORT_HORIZON.search(text) or part_of_a_year(title)) and not _NEXT_YEAR.search(text)


def _textrank(sim: np.ndarray) -> np.ndarray:
    """TextRank centrality of each sentence of a similarity graph, scaled to average 1."""
    n = len(sim)
    weights = sim / np.maximum(sim.sum(axis=1, keepdims=True), 1e-9)
    score = np.full(n, 1.0 / n)
    for _ in range(30):
        score = 0.15 / n + 0.85 * weights.T @ score
    return score * n


def _pick(
    sentences: list[Sentence], central: np.ndarray, sim: np.ndarray, limit: int, redundancy: float, section: str | None,
    quoted: list[str] = (),
) -> list[Sentence]:
    """Score sentences by centrality plus priors and keep the best ``limit``, skipping those too
    similar to one kept (``redundancy``) or near-repeats of it (``NEAR_REPEAT``), or of a text
    already ``quoted`` in another section."""
    n = len(sentences)
    both = overlap_matrix([s.text for s in sentences] + list(quoted))
    overlap = both[:n, :n]
    repeats = (both[:n, n:] >= NEAR_REPEAT).any(axis=1)
    for i, s in enumerate(sentences):
        # a line that ends in a colon only introduces a list: it says nothing by itself
        lead_in = s.text.rstrip().endswith(("：", ":"))
        s.score = float(
            central[i]
            + 0.3 * bool(s.metrics)
            + 0.2 / (1 + i / 10)
            + 0.4 * _cue_prior(s, section)
            + CONFIDENCE_WEIGHT * s.confidence
            - LEAD_IN_PENALTY * lead_in
            + WHOLE_YEAR_WEIGHT * sums_up_a_year(s.title)
            - SHORT_HORIZON_PENALTY * (section == "plans" and short_horizon(s.text, s.title))
        )
    chosen: list[int] = []
    for i in sorted(range(len(sentences)), key=lambda k: -sentences[k].score):
        if len(chosen) >= limit:
            break
        if not repeats[i] and all(
            (sim[i, j] < redundancy and overlap[i, j] < NEAR_REPEAT) or _new_figures(sentences[i], sentences[j]) for j in chosen
        ):
            chosen.append(i)
    return [sentences[i] for i in sorted(chosen)]


def _new_figures(sentence: Sentence, kept: Sentence) -> bool:
    """Whether ``sentence`` states a figure ``kept`` does not: then it is no repeat of it, however
    alike the words ("2025年投诉率控制在1%以内" beside "2024年投诉率控制在1.5%以内")."""
    own = {(m.value, m.unit, m.period) for m in sentence.metrics}
    return bool(own - {(m.value, m.unit, m.period) for m in kept.metrics})


def rank(sentences: list[Sentence], limit: int, redundancy: float = 0.7, section: str | None = None) -> list[Sentence]:
    """Central sentences first (TextRank over ``similarity_matrix``), plus priors for figures,
    early position, the section's cue words and the classifier's confidence; near-repeats
    skipped (MMR); returned in source order."""
    sentences = _candidates(sentences)
    if not sentences:
        return []
    sim = similarity_matrix([s.text for s in sentences])
    return _pick(sentences, _textrank(sim), sim, limit, redundancy, section)


def _for_section(sentences: list[Sentence], name: str, year_summary: bool = False) -> list[Sentence]:
    """The sentences of a section; for the plans, those of next month only ("下月满意率力争回升至96%")
    are left out when others speak of a longer term, as a year-end summary's plans do. When a
    summary of the whole year is among the reports (``year_summary``), the overview and the
    achievements are its own, not a month's or a quarter's, whose figures a reader would take for
    the year's; and a problem is not quoted from a month's "本月…"."""
    members = [s for s in sentences if s.section == name]
    if name == "plans":
        longer = [s for s in members if not short_horizon(s.text, s.title)]
        return longer or members
    if not year_summary:
        return members
    if name in ("overview", "achievements"):  # the year's summary speaks for the year
        return [s for s in members if not part_of_a_year(s.title)]
    return [s for s in members if not month_bound(s)]


def select_sections(sentences: list[Sentence], redundancy: float = 0.7) -> dict[str, list[Sentence]]:
    """The sentences each quoted section of the review keeps.

    Centrality is measured against the candidates of all sections together: a problem that the
    report's achievements and plans also speak about (repairs, fees) outranks a generic "there
    are still shortcomings". Sentences are then ranked within their section."""
    year_summary = any(sums_up_a_year(title) for title in {s.title for s in sentences})
    pools = {name: _candidates(_for_section(sentences, name, year_summary)) for name in SECTIONS if name in LIMITS}
    pool = [s for members in pools.values() for s in members]
    sim = similarity_matrix([s.text for s in pool])
    central = _textrank(sim) if pool else np.zeros(0)
    out, start = {}, 0
    quoted: list[str] = []  # a passage restated under two sections is quoted under the first
    for name, members in pools.items():
        idx = np.arange(start, start + len(members))
        start += len(members)
        out[name] = _pick(members, central[idx], sim[np.ix_(idx, idx)], LIMITS[name], redundancy, name, quoted)
        quoted += [s.text for s in out[name]]
    return out
