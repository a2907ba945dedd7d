"""The review command end to end: Markdown, JSON with sources, DOCX with headings and tables, and
the customer-feedback section computed from classified messages."""

import json

import pytest

from typer.testing import CliRunner

from feedback_nlp.batch import classify_files
from feedback_nlp.cli import app
from feedback_nlp.summarise.feedback import analyse_chats
from tests.conftest import seed_path
from tests.test_batch import make_export

runner = CliRunner()


def test_render_review_formats(tmp_path, tiny_model_dir):
    make_export(tmp_path / "chats.jsonl", n_sessions=12)
    classified = tmp_path / "classified.jsonl"
    classify_files([tmp_path / "chats.jsonl"], classified, model=tiny_model_dir)
    report = seed_path("004")
    for name in ("review.md", "review.json", "review.docx"):
        out = tmp_path / name
        result = runner.invoke(app, ["review", str(report), "--chats", str(classified), "--year", "2012", "-o", str(out)])
        assert result.exit_code == 0, result.stderr
    md = (tmp_path / "review.md").read_text(encoding="utf-8")
    for title in ("一、工作概况", "二、主要成绩与关键指标", "三、客户反馈分析", "四、存在的问题与不足", "五、下一年度工作计划与目标"):
        assert title in md
    assert "4803次" in md and "[004_" in md
    data = json.loads((tmp_path / "review.json").read_text(encoding="utf-8"))
    assert all({"text", "file", "line"} <= set(s) for sents in data["sections"].values() for s in sents)
    # the chats are of 2023, the review of 2012: none of them counts, and the draft says why
    assert data["customer_feedback"]["customer_messages"] == 0 and data["customer_feedback"]["outside_year"] == 36
    assert any("none of the messages in the classified chats is dated in 2012, the year of the review (36 are of other years)" in w
               for w in data["warnings"])
    assert not any("hold no customer messages" in w for w in data["warnings"])  # they hold 36, of 2023
    (tmp_path / "2023.txt").write_text("2023年客服中心工作总结\n一、工作概况\n全年共受理客户来电12000次。\n", encoding="utf-8")
    result = runner.invoke(app, ["review", str(tmp_path / "2023.txt"), "--chats", str(classified), "-o", str(tmp_path / "r.json")])
    assert result.exit_code == 0, result.stderr
    fb = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["customer_feedback"]
    assert fb["customer_messages"] == 24 and fb["year"] == 2023 and fb["outside_year"] == 0
    from docx import Document

    doc = Document(str(tmp_path / "review.docx"))
    assert any(p.style.name.startswith("Heading 1") for p in doc.paragraphs)
    assert len(doc.tables) >= 1


def test_render_feedback_analysis_numbers(tmp_path, tiny_model_dir):
    make_export(tmp_path / "chats.jsonl", n_sessions=10)
    classified = tmp_path / "classified.jsonl"
    classify_files([tmp_path / "chats.jsonl"], classified, model=tiny_model_dir)
    fb = analyse_chats(classified)
    assert fb["customer_messages"] == 20 and fb["sessions"] == 10
    assert fb["complaints"] <= fb["customer_messages"]
    assert sum(fb["by_month"].values()) == fb["complaints"]
    for texts in fb["examples"].values():
        assert all("13812345" not in t for t in texts)  # phone numbers are masked in examples
    from feedback_nlp.summarise.render import _feedback_sentences

    causes = _feedback_sentences({**fb, "by_cause": {c: 9 - i for i, c in enumerate(
        ["attitude", "response_time", "competence", "logistics", "price_billing", "environment", "sales_pressure"])}})[1]
    assert "推销骚扰3次" in causes and "环境卫生4次" in causes  # every cause, not the first five


def test_render_review_without_reports_says_so(tmp_path):
    result = runner.invoke(app, ["review", str(tmp_path), "-o", str(tmp_path / "r.md")])
    assert result.exit_code == 2 and "no report files" in result.stderr


def _review_with_months():
    from feedback_nlp.summarise.review import Review

    feedback = {"customer_messages": 10, "complaints": 4, "complaint_share": 0.4, "by_cause": {}, "sentiment": {},
                "sessions": 5, "escalated_sessions": 0, "complained_again_sessions": 0, "examples": {},
                "by_month": {"2024-01": 1, "2024-02": 3}}
    return Review(2024, None, {}, [], [], feedback)


def test_render_markdown_states_monthly_counts_and_sentiment_in_words():
    from feedback_nlp.summarise.render import to_markdown

    review = _review_with_months()
    review.feedback["sentiment"] = {"pos": 2, "neg": 6, "neu": 2}
    md = to_markdown(review)
    assert "每月投诉数：2024-01 1条，2024-02 3条；最多为2024-02（3条）。" in md
    assert "情感分布：负面6条（60.0%），中性2条（20.0%），正面2条（20.0%）。" in md


def test_render_review_warns_when_the_feedback_is_from_another_year(tmp_path):
    from feedback_nlp.summarise.render import to_dict

    review = _review_with_months()
    assert review.warnings == []
    review.year = 2023
    assert review.warnings == [
        "4 of 4 dated complaints in the customer feedback (2024-01 to 2024-02) are not from 2023, the year of the "
        "review: check --year, or pass chats of that year"
    ]
    assert to_dict(review)["warnings"] == review.warnings
    review.year = None  # no year: nothing to compare with
    assert review.warnings == []


def test_render_docx_trend_chart_with_matplotlib(tmp_path):
    import pytest

    pytest.importorskip("matplotlib")
    from docx import Document

    from feedback_nlp.summarise.render import to_docx

    to_docx(_review_with_months(), tmp_path / "r.docx")
    doc = Document(str(tmp_path / "r.docx"))
    assert len(doc.inline_shapes) == 1 and len(doc.tables) == 1  # the chart, and the counts to edit or copy
    assert [c.text for c in doc.tables[0].rows[2].cells] == ["2024-02", "3"]
    assert any("趋势" in p.text for p in doc.paragraphs)


def test_render_docx_trend_table_without_matplotlib(tmp_path, monkeypatch):
    import sys

    from docx import Document

    from feedback_nlp.summarise.render import to_docx

    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # import fails as if not installed
    to_docx(_review_with_months(), tmp_path / "r.docx")
    doc = Document(str(tmp_path / "r.docx"))
    assert len(doc.inline_shapes) == 0 and len(doc.tables) == 1
    assert [c.text for c in doc.tables[0].rows[2].cells] == ["2024-02", "3"]
    assert any("matplotlib" in p.text for p in doc.paragraphs)


def test_render_review_of_a_word_report_with_an_empty_section(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("2023年客服中心工作总结", level=1)
    document.add_paragraph("一、主要工作")
    document.add_paragraph("全年接待来电12000次，客户满意率达到95%。")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "工单按时办结", "3505件"
    document.add_paragraph("二、存在的问题")
    document.add_paragraph("部分员工业务不熟练，高峰时段回复不及时。")
    document.add_paragraph("三、明年计划")
    document.add_paragraph("力争客户满意率不低于97%。")
    report = tmp_path / "report.docx"
    document.save(report)
    out = tmp_path / "review.md"
    result = runner.invoke(app, ["review", str(report), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert "1 report ->" in result.stderr and "year 2023, from the report titles" in result.stderr
    md = out.read_text(encoding="utf-8")
    mark, title = md.splitlines()[:2]
    assert title.startswith("# 2023年度客户服务工作总结") and "review draft" in mark  # the mark is an HTML comment
    assert "[report.docx 第3段]" in md and "| 工单按时办结 | 3505件 | 2023年度 | 实际 |" in md and "| 客户满意率 | 不低于97% | 2024年 | 目标 |" in md  # under "明年计划": next year's target
    problems = md.split("## 四、存在的问题与不足")[1].split("## 五")[0]
    assert "回复不及时" in problems
    # no sentence is an overview: the section says so instead of standing empty
    overview = md.split("## 一、工作概况")[1].split("## 二")[0]
    assert "没有找到属于本节的句子" in overview


def test_review_command_lists_articles_of_another_year_it_leaves_out(tmp_path):
    (tmp_path / "a.txt").write_text(
        "2022年客服中心工作总结\n一、工作概况\n全年共受理客户来电12000次，满意率达到96%。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(
        "2021年客服中心工作总结\n一、工作概况\n全年共受理客户来电9000次，满意率达到93%。\n", encoding="utf-8")
    out = tmp_path / "r.md"
    result = runner.invoke(app, ["review", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--year", "2022", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert "left out (sums up 2021, not 2022): b.txt: 2021年客服中心工作总结" in result.stderr
    assert "drafted from" not in result.stderr  # one article a file: nothing to check
    assert "--keep-other-years" in result.stderr
    assert "12000次" in out.read_text(encoding="utf-8") and "9000次" not in out.read_text(encoding="utf-8")
    result = runner.invoke(app, ["review", str(tmp_path), "--year", "2022", "--keep-other-years", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert "left out" not in result.stderr and "sums up 2021, not 2022" in result.stderr  # kept, with a warning
    assert "9000次" in out.read_text(encoding="utf-8")



def test_review_command_lists_the_articles_of_a_page_it_drafts_from(tmp_path):
    result = runner.invoke(app, ["review", str(seed_path("004")), "-o", str(tmp_path / "r.md")])
    assert result.exit_code == 0, result.stderr
    line = next(x for x in result.stderr.splitlines() if "drafted from" in x)
    assert "drafted from 3 of its articles" in line and "后勤服务中心工作总结计划" in line


def test_render_key_figures_say_the_period_their_report_covers_in_time_order(tmp_path):
    from feedback_nlp import draft_review
    from feedback_nlp.summarise.render import to_dict, to_markdown

    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "11月工作小结.txt").write_text("一、本月工作\n本月受理报修1002件，及时率98.4%。\n", encoding="utf-8")
    (folder / "2025年3月客服月报.txt").write_text("一、本月工作\n本月受理报修890件，及时率97.0%。\n", encoding="utf-8")
    (folder / "2025Q3报告.txt").write_text("一、本季度工作\n本季度受理报修2950件。\n", encoding="utf-8")
    (folder / "2025年度工作总结.txt").write_text("客服中心2025年度工作总结\n一、全年工作\n全年受理报修12486件，及时率97.6%。\n",
                                            encoding="utf-8")
    review = draft_review(folder, year=2025)
    periods = [(f["period"], f["value"]) for f in to_dict(review)["key_figures"] if f["unit"] == "件"]
    assert periods == [("2025年3月", 890), ("2025年第三季度", 2950), ("11月", 1002), ("2025年度", 12486)]
    md = to_markdown(review)
    assert "| 指标 | 数值 | 期间 | 类型 | 来源 |" in md and "| 受理报修 | 12486件 | 2025年度 | 实际 |" in md


def test_review_dates_a_target_by_the_year_it_aims_at(tmp_path):
    from feedback_nlp import draft_review
    from feedback_nlp.summarise.render import to_dict

    report = tmp_path / "客服中心2025年度工作总结.txt"
    report.write_text(
        "客服中心2025年度工作总结\n一、全年工作\n全年受理报修12486件，客户满意率96.2%。\n"
        "二、明年工作计划\n1、加强培训，提高一次解决率。2026年目标：\n客户综合满意率不低于97%；\n"
        "三、努力方向\n力争新的一年报修及时率达到99%。\n四、长期打算\n争取服务满意率稳定在95%以上。\n",
        encoding="utf-8",
    )
    figures = {(f["value"], f["kind"]): f["period"] for f in to_dict(draft_review(report))["key_figures"]}
    assert figures[(12486, "actual")] == "2025年度"
    # the year named by the lead-in the target stands under; next year counted from the year summed up
    assert figures[(97, "target")] == "2026年"
    assert figures[(99, "target")] == "2026年"
    # a target that names no year keeps the period of its report
    assert figures[(95, "target")] == "2025年度"


def test_review_command_with_nothing_to_draft_writes_nothing_and_exits_2(tmp_path):
    folder = tmp_path / "notices"
    folder.mkdir()
    (folder / "通知.txt").write_text("关于2026年元旦放假及值班安排的通知\n各位同事：\n根据国家规定，元旦放假1天，请各部门安排好值班。\n"
                                    "特此通知。\n", encoding="utf-8")
    out = tmp_path / "r.md"
    result = runner.invoke(app, ["review", str(folder), "-o", str(out)])
    assert result.exit_code == 2 and not out.exists()
    assert "left out (not a work report): 通知.txt" in result.stderr and "nothing to draft" in result.stderr


def test_review_command_names_old_word_files_in_a_folder(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "2025年度工作总结.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    out = tmp_path / "r.md"
    result = runner.invoke(app, ["review", str(folder), "-o", str(out)])
    assert result.exit_code == 2 and "2025年度工作总结.doc is an old Word file: save as .docx" in result.stderr
    (folder / "3月.txt").write_text("客服中心2025年3月工作简报\n本月受理报修890件，及时率97.0%。\n", encoding="utf-8")
    result = runner.invoke(app, ["review", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert "warning: skipped 1 old Office file that cannot be read: 2025年度工作总结.doc; save as .docx" in result.stderr


def test_review_year_must_have_four_digits(tmp_path):
    from feedback_nlp import draft_review

    report = tmp_path / "r.txt"
    report.write_text("2025年客服中心工作总结\n一、工作概况\n全年共受理客户来电12000次。\n", encoding="utf-8")
    result = runner.invoke(app, ["review", str(report), "--year", "25", "-o", str(tmp_path / "r.md")])
    assert result.exit_code == 2 and "--year" in result.output + result.stderr
    with pytest.raises(ValueError, match="four digits"):
        draft_review(report, year=25)


def test_render_quotes_a_bulleted_line_without_its_bullet(tmp_path):
    from feedback_nlp import draft_review
    from feedback_nlp.summarise.render import to_markdown

    (tmp_path / "7月.md").write_text("# 2025年7月份工作简报\n\n- 本月报修：1210件\n- 报修及时率：98.3%\n- 投诉：25件，其中水压问题12件\n"
                                    "- 接通率：93.6%\n\n本月高温，二次供水压力不足问题突出，已联系供水公司协调。\n", encoding="utf-8")
    md = to_markdown(draft_review(tmp_path / "7月.md", year=2025))
    assert "- 投诉：25件，其中水压问题12件" in md and "- - " not in md


def test_render_chart_labels_in_chinese_only_with_a_font_that_draws_it(monkeypatch):
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    from feedback_nlp.summarise import render

    # matplotlib's own DejaVu Sans has no Chinese glyphs: named as if it were a Chinese font, it is
    # still not taken, and the chart keeps its English label instead of empty boxes
    dejavu = font_manager.findfont("DejaVu Sans")
    monkeypatch.setattr(render, "CJK_FONT_FAMILIES", ("DejaVu Sans",))
    render.chinese_font.cache_clear()
    try:
        assert render.chinese_font() is None
        assert render._draws(FT2Font, dejavu, "complaints") and not render._draws(FT2Font, dejavu, render.Y_LABEL[0])
        assert not render._draws(FT2Font, "/no/such/font.ttf", "投诉数")
        assert render.trend_chart_png({"2025-01": 3, "2025-02": 5})[:4] == b"\x89PNG"
    finally:
        render.chinese_font.cache_clear()


def test_render_key_figures_escape_bars_and_show_the_unit_of_a_word_tables_bare_number(tmp_path):
    import docx

    from feedback_nlp import draft_review
    from feedback_nlp.summarise.metrics import Metric
    from feedback_nlp.summarise.render import to_dict, to_markdown
    from feedback_nlp.summarise.review import Review, Sentence

    document = docx.Document()
    document.add_paragraph("2024年度客服中心工作总结")
    document.add_paragraph("一、主要指标")
    table = document.add_table(rows=2, cols=4)
    for cell, text in zip(table.rows[0].cells + table.rows[1].cells,
                          ["指标", "2024年", "2023年", "同比", "投诉件数（件）", "320", "410", "-22%"]):
        cell.text = text
    report = tmp_path / "t2024.docx"
    document.save(report)
    review = draft_review(report)
    [figure] = [f for f in to_dict(review)["key_figures"] if f["value"] == 320]
    assert (figure["subject"], figure["unit"]) == ("投诉件数", "件")
    assert "| 投诉件数 | 320件 |" in to_markdown(review)  # the unit, as in the JSON
    review.save(tmp_path / "r.docx")
    rows = [[cell.text for cell in row.cells] for row in docx.Document(tmp_path / "r.docx").tables[0].rows]
    assert ["投诉件数", "320件"] in [row[:2] for row in rows]
    # a "|" in a cell would end it in Markdown
    sentence = Sentence("受理报修|投诉3105件", "achievements", "r.txt", 3, "a", title="2025年度工作总结")
    metric = Metric(3105, "件", "受理报修|投诉", "actual", "3105件")
    md = to_markdown(Review(2025, None, {}, [(metric, sentence)], []))
    assert "| 受理报修\\|投诉 | 3105件 | 2025年度 | 实际 | r.txt:3 |" in md.splitlines()


def test_review_command_with_nothing_to_draft_names_the_files(tmp_path):
    out = tmp_path / "r.md"
    (tmp_path / "blank.txt").write_text("   \n\n", encoding="utf-8")
    result = runner.invoke(app, ["review", str(tmp_path / "blank.txt"), "-o", str(out)])
    assert result.exit_code == 2 and not out.exists()
    assert "no work report content in 1 file (blank.txt); nothing written" in result.stderr
    folder = tmp_path / "blanks"
    folder.mkdir()
    for name in "abcde":
        (folder / f"{name}.txt").write_text("   \n\n", encoding="utf-8")
    result = runner.invoke(app, ["review", str(folder), "-o", str(out)])
    assert result.exit_code == 2 and "in 5 files (a.txt, b.txt, c.txt and 2 more);" in result.stderr


def test_render_a_figure_of_a_month_or_of_last_year_in_a_years_summary_says_so(tmp_path):
    from feedback_nlp import draft_review
    from feedback_nlp.summarise.render import to_dict

    report = tmp_path / "r.txt"
    report.write_text("客服中心2025年度工作总结\n一、全年工作\n1月份接待来电1100次，12月份接待来电1350次。\n"
                      "全年接待来电13560次，去年全年接待来电12000次。\n上半年客户满意率95.1%。\n", encoding="utf-8")
    figures = [(f["subject"], f["value"], f["period"]) for f in to_dict(draft_review(report))["key_figures"]]
    assert figures == [("接待来电", 1100, "2025年1月"), ("接待来电", 1350, "2025年12月"), ("接待来电", 13560, "2025年度"),
                       ("接待来电", 12000, "2024年度"), ("客户满意率", 95.1, "2025年上半年")]


def test_render_targets_under_a_plans_heading_and_its_sub_headings_are_next_years(tmp_path):
    from feedback_nlp import draft_review
    from feedback_nlp.summarise.render import to_dict

    (tmp_path / "a.txt").write_text(
        "客服中心2025年度工作总结\n一、工作概况\n全年业主满意率95.8%，投诉处理及时率99.1%。\n"
        "二、2026年重点工作\n1、业主满意率达到96%以上。\n三、2026年工作计划\n（一）提升服务品质\n投诉处理及时率保持100%。\n",
        encoding="utf-8")
    figures = [(f["subject"], f["value"], f["kind"], f["period"]) for f in to_dict(draft_review(tmp_path / "a.txt"))["key_figures"]]
    assert ("业主满意率", 95.8, "actual", "2025年度") in figures
    assert ("业主满意率", 96, "target", "2026年") in figures  # 重点工作 names the plans
    assert ("投诉处理及时率", 100, "target", "2026年") in figures  # the year of the heading above the sub-heading


def test_render_chats_with_no_messages_of_the_year_give_no_zero_figures():
    from feedback_nlp.summarise.render import _feedback_sentences

    fb = {"customer_messages": 0, "complaints": 0, "complaint_share": 0.0, "by_cause": {}, "sentiment": {}, "sessions": 0,
          "escalated_sessions": 0, "complained_again_sessions": 0, "year": 2012, "outside_year": 1525}
    assert _feedback_sentences(fb) == ["所附客户对话中没有2012年的已分类客户消息，本节无数据。"]
