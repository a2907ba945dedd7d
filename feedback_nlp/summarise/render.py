"""Writing a drafted review as Markdown, JSON (every sentence with its source) or DOCX (real
headings and tables, editable in Word).

Only titles and sentences that state computed statistics are generated; quoted sentences carry
their file and line.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from ..config import load_taxonomy
from ..errors import InputError
from .metrics import SHOWN_QUALIFIERS, Metric
from .ranking import figure_period
from .review import DRAFT_MARK, TITLES, Review, Sentence


@functools.lru_cache(maxsize=1)
def _cause_names() -> dict[str, str]:
    return {c.id: c.name_zh for c in load_taxonomy().causes}


SENTIMENT_NAMES = {"neg": "负面", "neu": "中性", "pos": "正面"}
# a section with no sentence says so, rather than standing empty under its heading
EMPTY_SECTION = "（报告中没有找到属于本节的句子。）"


def _cause_name(cause: str, fb: dict) -> str:
    """A cause's name as the model that classified the chats gives it, else the taxonomy's, else its id."""
    return fb.get("cause_names", {}).get(cause) or _cause_names().get(cause, cause)


def _where(s: Sentence) -> str:
    """Where a quote comes from, as its reader finds it: a text file's line ("总结.txt:12"); a
    Word file's paragraph, table rows counted as paragraphs ("总结.docx 第12段"), since Word shows
    no line numbers."""
    name = Path(s.file).name
    return f"{name} 第{s.line}段" if name.lower().endswith(".docx") else f"{name}:{s.line}"


def example_where(example: dict) -> str:
    """Where an example message is in the classified chats: its export's file and line, and its
    session ("export_2023.csv:15，会话S20230007")."""
    place = f"{Path(example['file']).name}:{example['line']}" if example.get("file") and example.get("line") else \
        Path(example.get("file") or "").name
    session = f"会话{example['session']}" if example.get("session") else ""
    return "，".join(part for part in (place, session) if part)


NOTES_HEADING = "待核对："


def _title(review: Review) -> str:
    year = f"{review.year}年度" if review.year else "年度"
    return f"{review.org or ''}{year}客户服务工作总结（初稿）"


def _as_item(text: str) -> str:
    """A quoted sentence as an item of the draft's list: without the list mark it had in its
    source ("- 投诉：25件" in a Markdown report), which would show as a list in a list."""
    return re.sub(r"^\s*(?:[-*+•·●▪]\s+)+", "", text)


FIGURE_COLUMNS = ("指标", "数值", "类型", "来源")
PERIOD_COLUMN = "期间"  # the period a figure is of: its report's, or the year a target aims at


def _period(m: Metric, s: Sentence) -> str:
    return figure_period(m.kind, s.text, s.heading, s.title, m.period, s.headings)


_BARE_NUMBER = re.compile(r"^[-+]?[\d,]+(?:\.\d+)?$")


def _figure_rows(review: Review) -> tuple[list[str], list[list[str]]]:
    """The key-figures table: its column names and rows. A column of the period each figure is
    of (``figure_period``: "2025年3月", "2025年度", "2026年" for a target set for it) is added when
    any says one, so that a month's or a quarter's figure is not taken for the year's, nor next
    year's target for this year's."""
    periods = [_period(m, s) for m, s in review.metrics]
    with_period = any(periods)
    rows = []
    for (m, s), period in zip(review.metrics, periods):
        value = m.text.replace(" ", "")  # as written: "10余份", "80%以上", "1至5个百分点"
        if _BARE_NUMBER.match(value):
            value += m.unit  # a Word table's "320" under "投诉件数（件）"
        shown = m.qualifier if m.qualifier in SHOWN_QUALIFIERS else ""
        row = [m.subject, shown + value, "目标" if m.kind == "target" else "实际", _where(s)]
        rows.append(row[:2] + [period or "—"] + row[2:] if with_period else row)
    columns = list(FIGURE_COLUMNS[:2]) + [PERIOD_COLUMN] + list(FIGURE_COLUMNS[2:]) if with_period else list(FIGURE_COLUMNS)
    return columns, rows


def _feedback_sentences(fb: dict) -> list[str]:
    """Generated sentences: each states numbers computed from the classified messages; where there
    are none of the review's year, that alone (0 of 0 is no share, and "投诉0条" no finding)."""
    if not fb.get("customer_messages"):
        year = f"{fb['year']}年的" if fb.get("year") else ""
        return [f"所附客户对话中没有{year}已分类客户消息，本节无数据。"]
    unclassified = fb.get("customer_unclassified") or 0
    aside = f"（另有{unclassified}条客户消息未能分类，如图片、表情或只有标点，不计入）" if unclassified else ""
    out = [
        f"共分析客户消息{fb['customer_messages']}条{aside}，其中投诉或负面反馈{fb['complaints']}条，占{fb['complaint_share']:.1%}。"
    ]
    total = sum(fb["by_cause"].values())
    if total:
        top = "；".join(f"{_cause_name(c, fb)}{n}次（占{n / total:.1%}）" for c, n in fb["by_cause"].items())  # every cause
        out.append(f"投诉原因分布（一条消息可提及多个原因，共提及{total}次）：{top}。")
    sent = fb["sentiment"]
    if sent:
        total = sum(sent.values())
        order = [k for k in SENTIMENT_NAMES if k in sent] + sorted(k for k in sent if k not in SENTIMENT_NAMES)
        parts = [f"{SENTIMENT_NAMES.get(k, k)}{sent[k]}条（{sent[k] / total:.1%}）" for k in order]
        out.append("情感分布：" + "，".join(parts) + "。")
    if fb.get("sessions") is not None:  # None: the chats have no session column
        out.append(f"共{fb['sessions']}个会话，其中情绪恶化{fb['escalated_sessions']}个，客服答复后再次投诉{fb['complained_again_sessions']}个。")
    return out


def _month_sentence(months: dict[str, int]) -> str:
    """Complaints per month, with the busiest month."""
    peak = max(months, key=lambda m: months[m])
    listed = "，".join(f"{m} {n}条" for m, n in months.items())
    return f"每月投诉数：{listed}；最多为{peak}（{months[peak]}条）。"


def to_dict(review: Review) -> dict:
    return {
        "title": _title(review),
        "year": review.year,
        "org": review.org,
        "sections": {
            name: [{"text": s.text, "file": s.file, "line": s.line, "article": s.article, "score": round(s.score, 4)} for s in sentences]
            for name, sentences in review.sections.items()
        },
        "key_figures": [
            {"subject": m.subject, "value": m.value, "unit": m.unit, "kind": m.kind, "qualifier": m.qualifier,
             "text": m.text, "period": _period(m, s), "sentence": s.text, "file": s.file, "line": s.line}
            for m, s in review.metrics
        ],
        "customer_feedback": review.feedback,
        "articles_left_out": [{"file": f, "title": t, "reason": why} for f, t, why in review.dropped_articles],
        "warnings": review.warnings,
        "notes": review.notes,
    }


def _md_cell(text: str) -> str:
    """A Markdown table cell: a "|" in the text would end the cell."""
    return text.replace("|", r"\|")


def to_markdown(review: Review) -> str:
    lines = [f"<!-- {DRAFT_MARK} -->", f"# {_title(review)}", ""]
    if review.notes:  # what to check before the draft goes further, where the reader cannot miss it
        lines += [f"> **{NOTES_HEADING}**", ">"] + [f"> - {note}" for note in review.notes] + [""]
    for name in ("overview", "achievements", "feedback", "problems", "plans"):
        lines += [f"## {TITLES[name]}", ""]
        if name == "feedback":
            if review.feedback is None:
                lines += ["（未提供客户对话分类结果：使用 --chats 加入。）", ""]
                continue
            lines += [f"- {s}" for s in _feedback_sentences(review.feedback)]
            if review.feedback["by_month"]:  # the DOCX shows the trend as a chart and a table
                lines.append(f"- {_month_sentence(review.feedback['by_month'])}")
            lines.append("")
            for cause, examples in review.feedback["examples"].items():
                lines.append(f"**{_cause_name(cause, review.feedback)}** 典型反馈：")
                for e in examples:
                    where = example_where(e)
                    lines += [f"> {e['text']}" + (f" <sub>[{where}]</sub>" if where else ""), ">"]
                lines[-1] = ""
            continue
        for s in review.sections.get(name, []):
            lines.append(f"- {_as_item(s.text)} <sub>[{_where(s)}]</sub>")
        if not review.sections.get(name):
            lines.append(EMPTY_SECTION)
        if name == "achievements" and review.metrics:
            columns, rows = _figure_rows(review)
            lines += ["", f"| {' | '.join(columns)} |", "|" + "---|" * len(columns)]
            lines += [f"| {' | '.join(map(_md_cell, row))} |" for row in rows]
        lines.append("")
    return "\n".join(lines)


# fonts with Chinese glyphs that Windows, macOS and Linux desktops commonly have, tried in order
CJK_FONT_FAMILIES = (
    "Microsoft YaHei", "SimHei", "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", "Noto Sans SC",
    "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Heiti SC", "SimSun", "AR PL UMing CN",
)
Y_LABEL = ("投诉数", "complaints")  # with a Chinese font, and without one


@functools.lru_cache(maxsize=1)
def chinese_font() -> str | None:
    """The file of an installed font that draws the chart's Chinese label, or None: matplotlib's own
    fonts have no Chinese glyphs, and a label drawn without them shows empty boxes."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    by_family = {entry.name: entry.fname for entry in font_manager.fontManager.ttflist}
    for family in CJK_FONT_FAMILIES:
        path = by_family.get(family)
        if path and _draws(FT2Font, path, Y_LABEL[0]):
            return path
    return None


def _draws(ft2font, path: str, text: str) -> bool:
    try:
        charmap = ft2font(path).get_charmap()
    except (OSError, RuntimeError, ValueError):
        return False
    return all(ord(ch) in charmap for ch in text)


def trend_chart_png(months: dict[str, int]) -> bytes | None:
    """The monthly complaint trend as a PNG line chart, or None when matplotlib (a dependency)
    cannot be imported, as in an install that left it out."""
    try:
        from matplotlib.figure import Figure  # no pyplot: nothing global is configured
    except ImportError:
        return None
    import io

    fig = Figure(figsize=(6, 2.6), dpi=150)
    ax = fig.add_subplot()
    labels, counts = list(months), list(months.values())
    ax.plot(range(len(labels)), counts, marker="o")
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right", fontsize=7)
    font = chinese_font()
    if font:
        from matplotlib.font_manager import FontProperties

        ax.set_ylabel(Y_LABEL[0], fontproperties=FontProperties(fname=font))
    else:
        ax.set_ylabel(Y_LABEL[1])
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def _add_month_trend(doc, months: dict[str, int]) -> None:
    """The complaint trend by month: a chart (with matplotlib) and a table of the counts, which a
    reader can edit or copy."""
    png = trend_chart_png(months)
    if png is not None:
        import io

        from docx.shared import Inches

        doc.add_paragraph("每月投诉数变化趋势：")
        doc.add_picture(io.BytesIO(png), width=Inches(6))
        doc.add_paragraph("每月投诉数：")
    else:
        doc.add_paragraph("每月投诉数（未安装 matplotlib，趋势以表格列出；安装 pip install matplotlib 可生成趋势图）：")
    table = doc.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "月份", "投诉数"
    for month, n in months.items():
        cells = table.add_row().cells
        cells[0].text, cells[1].text = month, str(n)


def to_docx(review: Review, path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.core_properties.comments = DRAFT_MARK
    doc.add_heading(_title(review), level=0)
    if review.notes:
        doc.add_paragraph(NOTES_HEADING)
        for note in review.notes:
            doc.add_paragraph(note, style="List Bullet")
    for name in ("overview", "achievements", "feedback", "problems", "plans"):
        doc.add_heading(TITLES[name], level=1)
        if name == "feedback":
            if review.feedback is None:
                doc.add_paragraph("（未提供客户对话分类结果。）")
                continue
            for s in _feedback_sentences(review.feedback):
                doc.add_paragraph(s, style="List Bullet")
            months = review.feedback["by_month"]
            if months:
                _add_month_trend(doc, months)
            for cause, examples in review.feedback["examples"].items():
                doc.add_paragraph(f"{_cause_name(cause, review.feedback)} 典型反馈：")
                for e in examples:
                    para = doc.add_paragraph(e["text"], style="Intense Quote")
                    if where := example_where(e):
                        para.add_run(f"  [{where}]").italic = True
            continue
        for s in review.sections.get(name, []):
            para = doc.add_paragraph(_as_item(s.text), style="List Bullet")
            para.add_run(f"  [{_where(s)}]").italic = True
        if not review.sections.get(name):
            doc.add_paragraph(EMPTY_SECTION)
        if name == "achievements" and review.metrics:
            columns, rows = _figure_rows(review)
            table = doc.add_table(rows=1, cols=len(columns))
            table.style = "Table Grid"
            for cell, head in zip(table.rows[0].cells, columns):
                cell.text = head
            for row in rows:
                for cell, value in zip(table.add_row().cells, row):
                    cell.text = value
    doc.save(path)


REVIEW_SUFFIXES = (".md", ".docx", ".json")


def check_review_path(path: Path) -> None:
    """Refuse an output name whose suffix says no format this module writes."""
    if path.suffix.lower() not in REVIEW_SUFFIXES:
        raise InputError(f"-o {path}: name the review .md (Markdown), .docx (Word) or .json; "
                         f"{path.suffix or 'no suffix'} is not one of them")


def write_review(review: Review, path: Path) -> None:
    """Write by suffix: .md, .json or .docx."""
    path = Path(path)
    check_review_path(path)
    suffix = path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".docx":
        to_docx(review, path)
    elif suffix == ".json":
        path.write_text(json.dumps(to_dict(review), ensure_ascii=False, indent=1), encoding="utf-8")
    else:
        path.write_text(to_markdown(review), encoding="utf-8")
