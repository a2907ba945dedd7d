"""Mechanics of review drafting: traceable sentences, figures, ranking. Section quality and the
removal of off-topic articles are measured separately once the section classifier is trained."""

import json
from pathlib import Path

import pytest

from feedback_nlp.normalise import normalise_text
from feedback_nlp.summarise.render import to_dict, to_markdown
from feedback_nlp.summarise.review import NOT_A_REPORT, Sentence, draft_review, label_lines
from tests.conftest import seed_path


def test_review_sentences_are_quoted_from_their_source_line():
    path = seed_path("004")
    review = draft_review([path], year=2012)
    raw_lines = path.read_text(encoding="utf-8").split("\n")
    quoted = [s for sentences in review.sections.values() for s in sentences]
    assert quoted
    for s in quoted:
        assert s.file == str(path)
        assert s.text in normalise_text(raw_lines[s.line - 1]).text


def test_review_key_figures_of_seed_004():
    review = draft_review([seed_path("004")], year=2012)

    def has(value, unit, subject, kind):
        return any(m.value == value and m.unit == unit and subject in m.subject and m.kind == kind for m, _s in review.metrics)

    assert has(4803, "次", "接待业务", "actual")
    assert has(3505, "起", "日常报修", "actual")
    assert has(33, "起", "接到投诉", "actual")
    assert has(90, "%", "客户综合满意率", "target")
    for metric, sentence in review.metrics:
        assert metric.text in sentence.text


def test_review_year_from_titles_prefers_the_year_summed_up():
    from feedback_nlp.summarise.review import year_from_titles
    from feedback_nlp.summarise.units import title_of

    def s(article, text="正文"):  # the first sentence of its article, whose title it is unless titled
        return Sentence(text, "other", "a.txt", 1, article, title=title_of(article, text))

    assert year_from_titles([s("2012年度服务中心年终工作总结2013年计划")]) == 2012
    assert year_from_titles([s("", "2023年度客服中心工作总结"), s("", "全年接待来电18426个。")]) == 2023
    assert year_from_titles([s("2013年工作计划")]) is None  # a plan's year is not the year reviewed
    assert year_from_titles([s("2021年工作总结"), s("2022年工作总结")]) == 2022  # a tie: the latest (draft_review warns)
    two_files = [s("2021年工作总结"), Sentence("正文", "other", "b.txt", 1, "2021年工作总结", title="2021年工作总结"), s("2022年工作总结")]
    assert year_from_titles(two_files) == 2021  # one vote per article, even under the same title
    assert year_from_titles([s("", "本文" * 30 + "2020年工作总结")]) is None  # a long first line is no title
    assert year_from_titles([s("企业服务中心09年工作总结和计划")]) == 2009  # two digits: this century
    assert year_from_titles([s("1.2021售后服务年度工作总结范文")]) == 2021  # four digits, 年度 later on
    assert year_from_titles([s("ISO9001年度总结")]) is None and year_from_titles([s("第1028号工作总结")]) is None


def test_review_leaves_out_an_article_that_sums_up_another_year():
    review = draft_review([seed_path("004")])
    assert review.year == 2012
    title = "企业服务中心09年工作总结和计划"
    assert (str(seed_path("004")), title, "sums up 2009, not 2012") in review.dropped_articles
    quoted = [s for sents in review.sections.values() for s in sents] + [s for _m, s in review.metrics]
    assert quoted and not [s for s in quoted if s.article == title]
    assert not [m for m, _s in review.metrics if m.value == 57.99]  # the town's industrial output of 2009
    assert not [w for w in review.warnings if "sums up" in w]
    assert to_dict(review)["articles_left_out"][-1] == {"file": str(seed_path("004")), "title": title, "reason": "sums up 2009, not 2012"}
    # kept on request, and then named as a warning
    kept = draft_review([seed_path("004")], keep_other_years=True)
    assert [s for sents in kept.sections.values() for s in sents if s.article == title]
    warned = [w for w in kept.warnings if "sums up" in w]
    assert len(warned) == 1 and title in warned[0] and "2009, not 2012" in warned[0]
    # with --year 2009 the page's 2012 articles are the other years' ones; one without a year stays
    other = draft_review([seed_path("004")], year=2009)
    assert {why for _f, _t, why in other.dropped_articles} == {NOT_A_REPORT, "sums up 2012, not 2009"}
    assert set(other.titles.values()) == {title, "后勤服务中心工作总结计划"}
    # whose body opens with "机关后勤服务中心2012年上半年工作总结": a half year's, not quoted beside a year's summary
    assert {s.article for sents in other.sections.values() for s in sents} == {title}


def test_review_keeps_other_years_when_nothing_else_would_be_left(tmp_path):
    report = tmp_path / "r.txt"
    report.write_text("2021年客服中心工作总结\n一、工作概况\n全年共受理客户来电12000次，满意率达到96%。\n", encoding="utf-8")
    review = draft_review([report], year=2022)
    assert any(review.sections.values())
    assert not review.dropped_articles
    assert [w for w in review.warnings if "sums up 2021, not 2022" in w]


def test_review_api_takes_one_path_a_folder_and_classified_chats(tmp_path, tiny_model_dir):
    from feedback_nlp import draft_review
    from feedback_nlp.batch import classify_files
    from feedback_nlp.errors import InputError
    from tests.test_batch import make_export

    folder = tmp_path / "reports" / "2023"
    folder.mkdir(parents=True)
    report = folder / "summary.txt"
    report.write_text("2023年工作总结\n一、主要工作完成情况\n全年共受理客户投诉52起，处理及时率为96.2%。\n"
                      "二、存在的问题\n部分坐席业务知识不熟练，高峰时段排队时间过长。\n", encoding="utf-8")
    (folder / "notes.png").write_bytes(b"\x89PNG\r\n")  # not a report: not read
    one = draft_review(str(report))  # one path, not a list of its characters
    assert one.sections["problems"] and one.sections["problems"][0].line == 5
    assert draft_review(tmp_path / "reports").sections == one.sections
    make_export(tmp_path / "chats.jsonl", n_sessions=6)
    classify_files([tmp_path / "chats.jsonl"], tmp_path / "classified.jsonl", model=tiny_model_dir)
    with_chats = draft_review(report, chats=tmp_path / "classified.jsonl")
    assert with_chats.feedback["customer_messages"] == 12
    # the draft saves itself by suffix, and its dict is what the JSON output holds
    with_chats.save(tmp_path / "out" / "review.json")
    saved = json.loads((tmp_path / "out" / "review.json").read_text(encoding="utf-8"))
    assert saved == json.loads(json.dumps(with_chats.to_dict(), ensure_ascii=False))
    assert saved["sections"]["problems"][0]["line"] == 5 and saved["customer_feedback"]["customer_messages"] == 12
    with_chats.save(str(tmp_path / "out" / "review.md"))
    assert (tmp_path / "out" / "review.md").read_text(encoding="utf-8") == with_chats.to_markdown()
    with pytest.raises(InputError, match=r"review.txt: name the review .md"):
        with_chats.save(tmp_path / "out" / "review.txt")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no report files"):
        draft_review(tmp_path / "empty")


def test_review_api_says_what_is_wrong_with_the_paths(tmp_path):
    from feedback_nlp.errors import InputError, InputNotFoundError

    with pytest.raises(InputError, match="no reports given"):
        draft_review(None)
    with pytest.raises(InputError, match="an empty path"):
        draft_review("")
    with pytest.raises(InputNotFoundError, match="nope.txt: no such file or folder"):
        draft_review([tmp_path / "nope.txt"])


def test_review_warns_about_quotes_from_lines_repaired_from_mojibake():
    sample = Path(__file__).resolve().parents[2] / "corpora" / "samples" / "text" / "annual_summary_mojibake.txt"
    review = draft_review([sample])
    assert review.repaired[str(sample)]
    warned = [w for w in review.warnings if "repaired from mojibake" in w]
    assert len(warned) == 1 and warned[0].startswith("annual_summary_mojibake.txt: ") and "(3, " in warned[0]
    with pytest.raises(TypeError, match="as an int"):
        draft_review([sample], year="2023")


def test_review_key_figures_leave_out_where_a_change_started(tmp_path):
    report = tmp_path / "r.txt"
    report.write_text("2023年客服部年度工作总结\n一、主要成绩\n平均首次响应时长由去年的45秒缩短至28秒，全年客户满意度为93.5%。\n",
                      encoding="utf-8")
    figures = {(m.value, m.unit, m.subject, m.kind) for m, _s in draft_review([report]).metrics}
    assert figures == {(28.0, "秒", "平均首次响应时长", "actual"), (93.5, "%", "客户满意度", "actual")}


def test_review_quotes_a_passage_restated_under_two_sections_once():
    from feedback_nlp.summarise.ranking import select_sections

    passage = "客户往往有操作不当的情况，并不都如客户反映的质量不行，这时需要我们耐心讲解使用方法"
    sentences = [
        Sentence(passage + "。", "achievements", "a.txt", 3, ""),
        Sentence("全年上门维修设备320台次，回访客户1200户。", "achievements", "a.txt", 4, ""),
        Sentence("保持良好心态，" + passage + "，避免客户对产品失去信任。", "problems", "a.txt", 9, ""),
        Sentence("部分维修人员技术不熟练，返修率偏高。", "problems", "a.txt", 10, ""),
    ]
    chosen = select_sections(sentences)
    assert [s.line for s in chosen["achievements"]] == [3, 4]
    assert [s.line for s in chosen["problems"]] == [10]


def test_review_names_a_left_out_article_without_a_marker_by_its_first_line():
    review = draft_review([seed_path("003")])
    assert [(t, why) for _f, t, why in review.dropped_articles] == [("客户服务与管理 课程（客户服务与管理 课程考核单）", NOT_A_REPORT)]


def _monthly_reports(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for month in (3, 4):
        (folder / f"2024年{month}月工作总结.txt").write_text(
            f"客服中心2024年{month}月工作总结\n一、本月工作完成情况\n本月接待来电{1000 + month}次，客户满意率96.8%。\n"
            "二、存在问题\n高峰时段回复不及时，个别业主投诉。\n", encoding="utf-8")
    (folder / "说明.txt").write_text("客服中心工作总结\n一、工作情况\n本月完成日常报修120件，回访率达到90%。\n", encoding="utf-8")


def test_review_key_figures_of_different_reports_with_the_same_value_are_both_listed(tmp_path):
    _monthly_reports(tmp_path / "reports")
    review = draft_review(tmp_path / "reports", year=2024)
    same = [Path(s.file).name for m, s in review.metrics if m.value == 96.8]
    assert same == ["2024年3月工作总结.txt", "2024年4月工作总结.txt"]


def test_review_year_no_title_sums_up_is_named_in_the_warnings_and_in_the_draft(tmp_path):
    _monthly_reports(tmp_path / "reports")
    review = draft_review(tmp_path / "reports", year=2019)
    assert {why for _f, _t, why in review.dropped_articles} == {"sums up 2024, not 2019"}
    [warning] = [w for w in review.warnings if "no report title sums up 2019" in w]
    assert "the draft draws only on the 1 whose titles name no year" in warning
    [note] = [n for n in review.notes if "2019" in n]
    assert "没有一篇报告的标题是2019年的总结" in note
    assert note in to_markdown(review).split("## ")[0]  # above the first section
    assert not draft_review(tmp_path / "reports", year=2024).notes


def test_review_chats_without_customer_messages_are_named(tmp_path):
    _monthly_reports(tmp_path / "reports")
    empty = tmp_path / "classified.jsonl"
    empty.write_text("", encoding="utf-8")
    review = draft_review(tmp_path / "reports", chats=empty)
    assert [w for w in review.warnings if "hold no customer messages" in w]
    assert "所附客户对话分类结果中没有客户消息" in to_markdown(review)


def test_review_docx_opens_with_the_points_to_check(tmp_path):
    from docx import Document

    from feedback_nlp.summarise.render import write_review

    _monthly_reports(tmp_path / "reports")
    write_review(draft_review(tmp_path / "reports", year=2019), tmp_path / "review.docx")
    paragraphs = [p.text for p in Document(str(tmp_path / "review.docx")).paragraphs]
    assert paragraphs[1] == "待核对：" and "没有一篇报告的标题是2019年的总结" in paragraphs[2]


def test_review_goes_on_without_a_report_that_cannot_be_read(tmp_path):
    from feedback_nlp.errors import InputError

    _monthly_reports(tmp_path / "reports")
    (tmp_path / "reports" / "2024年6月补充.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    review = draft_review(tmp_path / "reports", year=2024)
    assert [Path(f).name for f, _why in review.unreadable] == ["2024年6月补充.txt"]
    assert any("2024年6月补充.txt could not be read" in w and "PNG" in w for w in review.warnings)
    assert "2024年6月补充.txt无法读取" in to_markdown(review)
    assert review.sections["achievements"]  # the other reports are drafted
    with pytest.raises(InputError, match="PNG"):  # alone, it is an error
        draft_review(tmp_path / "reports" / "2024年6月补充.txt")


def test_review_key_figures_of_one_metric_stand_together_month_by_month(tmp_path):
    _monthly_reports(tmp_path / "reports")
    (tmp_path / "reports" / "2024年度工作总结.txt").write_text(
        "客服中心2024年度工作总结\n一、全年工作完成情况\n全年共接待来电16891次。\n", encoding="utf-8")
    review = draft_review(tmp_path / "reports", year=2024)
    rows = [(m.subject, m.value, Path(s.file).name) for m, s in review.metrics]
    calls = [i for i, (subject, _v, _f) in enumerate(rows) if subject.endswith("接待来电")]
    assert [rows[i][1] for i in calls] == [1003, 1004, 16891]  # March, April, then the year
    assert calls == list(range(calls[0], calls[0] + 3))  # side by side, not after each month's other figures


def _reports_beside_a_year_summary(folder: Path, parts: dict[str, str], summary: tuple[str, str]) -> None:
    """Reports of parts of a year (file name -> text) and the year's summary (file name, text)."""
    folder.mkdir()
    for name, text in [*parts.items(), summary]:
        (folder / name).write_text(text, encoding="utf-8")


def test_review_beside_a_year_summary_leaves_out_this_months_sentences_and_next_months_targets(tmp_path):
    months = {f"2024年{month}月工作总结.txt": (
        f"客服中心{month}月工作总结\n一、本月工作完成情况\n本月服务中心共接待来电{1000 + month}次，本月共受理业主投诉{10 + month}起。\n"
        "二、下月工作计划\n下月力争满意率达到93.5%。\n") for month in (3, 4)}
    _reports_beside_a_year_summary(tmp_path / "reports", months, ("2024年度工作总结.txt", (
        "客服中心2024年度工作总结\n一、全年工作完成情况\n服务中心全年共接待来电16891次，全年受理投诉258起。\n"
        "二、2025年工作计划\n2025年力争业主满意率达到95%。\n")))
    review = draft_review(tmp_path / "reports", year=2024)
    quoted = [s.text for name in ("overview", "achievements") for s in review.sections[name]]
    assert quoted and not any("本月" in text for text in quoted)  # which month would a reader think?
    rows = [(m.subject, m.value, m.kind) for m, _s in review.metrics]
    assert ("满意率", 93.5, "target") not in rows and ("业主满意率", 95.0, "target") in rows
    complaints = [value for subject, value, _k in rows if subject.endswith("投诉")]
    assert complaints == [13, 14, 258]
    assert [i for i, row in enumerate(rows) if row[1] in (13, 14, 258)] == [3, 4, 5]  # one metric, side by side


def test_review_beside_a_year_summary_quotes_no_quarters_achievements_or_next_quarters_plans(tmp_path):
    quarters = {f"2025年{q}季度客服工作报告.txt": (
        f"2025年{q}季度客服工作报告\n一、工作完成情况\n人工接通率由89.5%提升至93.2%，来电总量13.1万通。\n"
        "二、下季度计划\n完成年度培训计划。\n力争2026年第一季度人工接通率不低于96%。\n") for q in ("第三", "第四")}
    _reports_beside_a_year_summary(tmp_path / "reports", quarters, ("2025年度客服工作总结.txt", (
        "2025年度客服工作总结\n一、全年工作完成情况\n全年共受理客户来电54.9万通，人工接通率94.8%。\n"
        "二、2026年工作计划\n2026年力争人工接通率不低于96%。\n")))
    review = draft_review(tmp_path / "reports", year=2025)
    for name in ("achievements", "plans"):
        assert {Path(s.file).name for s in review.sections[name]} == {"2025年度客服工作总结.txt"}, name


def test_review_of_monthly_reports_alone_says_it_has_no_figures_for_the_whole_year(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    for month in (3, 4):
        (folder / f"{month}月.txt").write_text(f"客服中心2024年{month}月工作简报\n· 接通率：9{month}.0%\n", encoding="utf-8")
    review = draft_review(folder, year=2024)
    assert any("没有全年总结" in note for note in review.notes)
    (folder / "全年.txt").write_text("客服中心2024年度工作总结\n全年接通率93.5%。\n", encoding="utf-8")
    assert not any("没有全年总结" in note for note in draft_review(folder, year=2024).notes)


def test_review_of_monthly_reports_and_a_year_end_summary_plans_from_the_summary(tmp_path):
    folder = tmp_path / "reports"
    _monthly_reports(folder)
    for month in (3, 4):  # each month's report plans the next month
        with open(folder / f"2024年{month}月工作总结.txt", "a", encoding="utf-8") as fh:
            fh.write("三、下月工作计划\n加强夜间值班管理，力争报修响应时间控制在15分钟以内。\n")
    (folder / "2024年度工作总结.txt").write_text(
        "客服中心2024年度工作总结\n一、全年工作完成情况\n全年共接待来电16891次，业主满意率由年初的96.5%提升至98.2%。\n"
        "二、存在的问题\n电梯设备老化，全年电梯相关投诉占比较高。\n"
        "三、2025年工作计划\n物业费收缴率力争达到96%。\n推进3号楼、8号楼电梯更新改造。\n", encoding="utf-8")
    review = draft_review(folder, year=2024)
    assert [Path(s.file).name for s in review.sections["plans"]] == ["2024年度工作总结.txt"] * 2
    assert "2024年度工作总结.txt" in {Path(s.file).name for s in review.sections["achievements"]}
    # with monthly reports alone, their plans are all there is
    (folder / "2024年度工作总结.txt").unlink()
    assert draft_review(folder, year=2024).sections["plans"]


def test_review_reads_the_period_from_the_file_name_when_the_text_has_no_title(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    body = "一、工作概况\n全年共受理客户来电{calls}次，满意率达到{rate}%。\n二、存在的问题\n高峰时段排队时间过长。\n"
    (folder / "2025年度客服工作总结.txt").write_text(body.format(calls=52000, rate=96), encoding="utf-8")
    (folder / "2024年度工作总结.txt").write_text(body.format(calls=48000, rate=93), encoding="utf-8")
    (folder / "2025Q3报告.txt").write_text("一、本季度工作\n本季度受理来电13100次。\n", encoding="utf-8")
    review = draft_review(folder)
    assert review.year == 2025  # two files sum up 2025 (the year summary and a quarter), one 2024
    name = str(folder / "2024年度工作总结.txt")
    assert (name, "2024年度工作总结", "sums up 2024, not 2025") in review.dropped_articles
    assert 48000 not in {m.value for m, _s in review.metrics}
    # the quarter's report is part of the year: its figures are not quoted as the year's achievements
    assert {Path(s.file).name for s in review.sections["achievements"]} == {"2025年度客服工作总结.txt"}
    # a file with a title of its own keeps it
    (folder / "2024年度工作总结.txt").write_text("2025年度维修班组工作总结\n" + body.format(calls=1, rate=90), encoding="utf-8")
    assert not draft_review(folder).dropped_articles


def test_review_titles_that_sum_up_two_years_equally_draft_the_latest_and_say_so(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    for year, calls in ((2024, 48000), (2025, 52000)):
        (folder / f"{year}年度工作总结.txt").write_text(
            f"客服中心{year}年度工作总结\n一、工作概况\n全年共受理客户来电{calls}次，满意率达到95%。\n", encoding="utf-8")
    review = draft_review(folder)
    assert review.year == 2025 and review.years_tied == [2024, 2025]
    assert 48000 not in {m.value for m, _s in review.metrics}
    assert [w for w in review.warnings if "as many report titles sum up 2024 as 2025" in w]
    assert [n for n in review.notes if "2024、2025年的总结一样多" in n]
    assert not draft_review(folder, year=2024).years_tied  # a year given: no tie to speak of


def test_review_a_page_of_two_reports_carries_no_heading_from_one_into_the_next(tmp_path):
    path = tmp_path / "售后服务年终总结范文.txt"
    path.write_text(
        "一、全年工作情况\n"
        "全年共完成设备安装120台，回访客户300户。\n"
        "二、下一年工作计划\n"
        "一）工作目标\n"
        "保修期内客户回访率达到95%。\n"
        "二）具体措施\n"
        "每季度进行1次集中培训。\n"
        "一、立足本职，爱岗敬业\n"
        "这一年我认真完成了领导安排的各项任务，受理客户咨询2000多次。\n"
        "二、微笑服务\n"
        "全年没有一次客户投诉，得到了客户的表扬。\n",
        encoding="utf-8",
    )
    sections = label_lines(path)
    # "一）" nests under "二、下一年工作计划" like "（一）", so both targets stay plans
    assert sections[5] == "plans" and sections[7] == "plans"
    # "一、" after "二、" starts a new report: its headings do not inherit the previous report's
    # plans, and its work is not read as plans
    assert sections[8] != "plans" and sections[10] != "plans"
    assert sections[9] in ("overview", "achievements") and sections[11] == "achievements"


def test_review_a_long_numbered_item_naming_a_section_word_opens_no_heading(tmp_path):
    path = tmp_path / "2025年度售后服务工作总结.txt"
    path.write_text(
        "三、2026年工作计划及安排。\n"
        "1、每季度进行1次集中培训或现场培训。\n"
        "2、持续对我公司产品的改进提出建议和要求。\n"
        "3、每个月对保修期内的维修服务进行统计和分析。\n",
        encoding="utf-8",
    )
    sections = label_lines(path)
    # a short numbered line is a heading even with a full stop; the long item that holds
    # "改进" stays a plan under it and does not open a problems heading over the next item
    assert sections[1] == "plans"
    assert sections[3] == "plans" and sections[4] == "plans"


def test_review_plans_for_the_second_half_are_not_next_years_and_plans_under_a_yearless_heading_are(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "2025年度客服工作总结.txt").write_text(
        "2025年度客服中心工作总结\n一、工作概况\n2025年客服中心全年共接待来电46000次，客户满意度达到92.1%。\n"
        "二、存在的问题\n高峰时段接通率偏低。\n三、下一步工作计划\n1、客户满意度提高到95%以上。\n2、每季度开展1次服务技能培训。\n",
        encoding="utf-8")
    (folder / "客服部工作总结.txt").write_text(
        "客服部工作总结\n一、工作情况\n今年以来客服部共回访业主500户，受理报修320件。\n"
        "二、下半年工作计划\n下半年力争物业费收缴率达到90%，完成全部坐席的业务培训。\n", encoding="utf-8")
    review = draft_review(folder, year=2025)
    assert not any("下半年" in s.text for s in review.sections["plans"])
    periods = {(f["value"], f["kind"]): f["period"] for f in to_dict(review)["key_figures"]}
    assert periods[(95, "target")] == "2026年" and periods[(1, "target")] == "2026年"
    assert (90, "target") not in periods  # the second half's target, beside the year's summary


def test_review_past_work_of_a_years_summary_is_no_plan_and_a_measure_taken_no_problem(tmp_path):
    # a personal year's summary with no plans heading: numbered items tell what was done
    # ("协助主任完成…", "完成…工作", "进行了…"), a measure taken follows the problems it answers
    (tmp_path / "办公室工作总结.txt").write_text(
        "办公室工作总结\n"
        "一年来，在站领导的关怀下，我恪尽职守，全身心地投入到工作中，现将一年以来的工作作以汇报：\n"
        "一、规范文秘工作，提高质量和效率。\n"
        "二、完成公文处理工作，突出规范性，公文运转准确、及时、有序。组织起草各类报告、请示等文件10余份。\n"
        "三、协助主任完成全站财务管理工作，与结算中心建立良好的工作关系，做到腿勤、口勤，使票据及时报销，账目清楚。\n"
        "四、完成全站党风廉政建设的具体工作。\n"
        "五、物业费收缴\n"
        "业主欠费原因主要为：\n"
        "1、前期遗留的维修问题一直未得到解决。\n"
        "2、业主长期在外地工作，联系不上。\n"
        "针对以上问题，我站积极应对，对业主拒交物业费的原因进行了分析汇总，并成立催费小组实施电话催缴。\n",
        encoding="utf-8",
    )
    review = draft_review(tmp_path)
    plans = [s.text for s in review.sections["plans"]]
    for done in ("一、规范文秘工作", "三、协助主任完成全站财务管理工作", "四、完成全站党风廉政建设"):
        assert not any(text.startswith(done) for text in plans), (done, plans)
    assert not any(s.text.startswith("针对以上问题") for s in review.sections["problems"])


def test_review_seed_001_files_no_past_work_as_plans_and_seed_004_no_measure_as_a_problem():
    plans = [s.text for s in draft_review(seed_path("001")).sections["plans"]]
    for done in ("三、协助主任完成全站财务管理工作", "四、完成全站党风廉政建设", "二、规范文秘工作", "同时我积极学习新知识"):
        assert not any(text.startswith(done) for text in plans), done
    plans = {s.line for s in draft_review(seed_path("002")).sections["plans"]}
    assert not plans & {204, 206, 207}  # under "一、努力做好各项工作" of a year's summary
    problems = draft_review(seed_path("004")).sections["problems"]
    assert problems and not any(s.text.startswith("针对以上问题") for s in problems)


def test_review_reads_a_markdown_report_without_its_markup_and_its_table_like_a_word_table(tmp_path):
    (tmp_path / "2025年度总结.md").write_text(
        "# 2025年度客服中心工作总结\n\n## 一、工作概况\n\n"
        "2025年，客服中心全年共接待来电**54.9万通**，一次性解决率达到93.5%，详见[月报](http://example.com/a)。\n\n"
        "## 二、主要成绩\n\n- 全年回访客户3200户，回访满意率达到*98%*。\n\n"
        "| 指标 | 2025年 | 2024年 |\n|---|---|---|\n| 接通率 | 95.1% | 93.0% |\n| 投诉件数（件） | 320 | 410 |\n\n"
        "## 三、存在的问题\n\n1. 高峰时段排队时间过长，客户投诉较多。\n\n"
        "## 四、2026年工作计划\n\n* 2026年力争客户满意度达到`96%`。\n",
        encoding="utf-8",
    )
    review = draft_review(tmp_path)
    quoted = [s for sentences in review.sections.values() for s in sentences]
    assert quoted and not [s.text for s in quoted if any(mark in s.text for mark in ("*", "|", "#", "](", "`"))]
    assert any(s.line == 5 and "54.9万通" in s.text and "详见月报" in s.text for s in quoted)  # lines keep their numbers
    rows = {(m.subject, m.value, m.unit, m.kind) for m, _s in review.metrics}
    assert ("客服中心全年共接待来电", 54.9, "万通", "actual") in rows
    assert ("接通率", 95.1, "%", "actual") in rows and ("投诉件数", 320, "件", "actual") in rows
    assert not {value for _s, value, _u, _k in rows} & {93.0, 410}  # the 2024 column is last year's
    assert ("回访满意率", 98, "%", "actual") in rows and ("客户满意度", 96, "%", "target") in rows


def test_review_a_part_year_report_inside_a_page_does_not_speak_for_the_year(tmp_path):
    # a page with a year's summary and, as a line run into its first paragraph, a half-year's
    (tmp_path / "page.txt").write_text(
        "第一篇：服务中心2012年度工作总结\n"
        "2012年，服务中心全年共接待业主来访4803次，圆满完成了全年各项服务工作。\n"
        "一、主要工作完成情况\n全年完成日常报修3505起，业主满意率达到95%。\n"
        "第二篇：后勤服务中心工作总结计划\n"
        "机关后勤服务中心2012年上半年工作总结后勤服务中心工作是机关工作的重要组成部分。"
        "2012年上半年，后勤服务中心在上级的正确领导下，尽心尽力做好后勤各项服务工作。\n"
        "一、做好机关膳食保障工作\n机关食堂共计接待客饭1438人次，保障了机关全体员工的就餐。\n"
        "二、计划生育管理工作基本情况：截止2012年8月31日，我单位总人口为663人，已婚育龄妇女为54人，出生0人。\n",
        encoding="utf-8",
    )
    review = draft_review(tmp_path, year=2012)
    quoted = [s.text for name in ("overview", "achievements") for s in review.sections[name]]
    assert quoted and not [text for text in quoted if "上半年" in text or "育龄" in text or "1438" in text]
    rows = {m.value: (m.subject, s.title) for m, s in review.metrics}
    assert 4803 in rows and 3505 in rows
    assert rows[1438][1] == "机关后勤服务中心2012年上半年工作总结"  # listed as the half year's
    assert not {663, 54, 0} & set(rows)  # family-planning statistics are no service matter
    assert "后勤服务中心工作总结计划" in review.titles.values()


def test_review_seed_004_half_year_and_family_planning_lines_do_not_speak_for_the_year():
    review = draft_review([seed_path("004")], year=2012)
    assert not [s for s in review.sections["overview"] if s.line in (106, 122)]
    rows = {(m.subject, m.value): s for m, s in review.metrics}
    assert not [key for key in rows if key[0] in ("总人口", "已婚育龄妇女", "出生")]
    assert "上半年" in rows["本次培训课时", 150].title


def test_review_a_figure_restated_in_a_table_under_another_name_is_listed_once(tmp_path):
    from feedback_nlp import draft_review
    from feedback_nlp.summarise.render import to_dict

    (tmp_path / "r.txt").write_text(
        "客服中心2025年度工作总结\n一、工作概况\n全年共接待业主来电19742次，受理投诉312件，投诉处理及时率100%，回访率100%。\n"
        "二、每月情况\n月份 来电量（次） 投诉量（件） 及时率（%）\n1月 1480 28 100\n合计 19742 312 100\n", encoding="utf-8")
    rows = [(f["subject"], f["value"], f["period"]) for f in to_dict(draft_review(tmp_path / "r.txt"))["key_figures"]]
    assert [r for r in rows if r[1] == 19742] == [("接待业主来电", 19742, "2025年度")]
    assert [r for r in rows if r[1] == 312] == [("受理投诉", 312, "2025年度")]
    # two rates of 100% are two facts unless one name holds the other
    assert ("投诉处理及时率", 100, "2025年度") in rows and ("回访率", 100, "2025年度") in rows
    assert ("及时率", 100, "2025年1月") in rows


def test_review_leaves_out_mojibake_that_cannot_be_repaired_and_says_so(tmp_path):
    from feedback_nlp import draft_review

    good = "客服中心2025年度工作总结\n一、工作概况\n全年共接待业主来电19742次，业主满意率95.8%。\n二、存在的问题\n夜间报修响应较慢。\n"
    lost = "全年受理投诉312件，投诉处理及时率100%，较去年的0.52%下降。".encode("utf-8").decode("gbk", errors="replace")
    assert "\ufffd" in lost
    (tmp_path / "r.txt").write_text(good + lost + "\n", encoding="utf-8")
    review = draft_review(tmp_path / "r.txt")
    quoted = [s.text for sentences in review.sections.values() for s in sentences] + [s.text for _m, s in review.metrics]
    assert not any("\ufffd" in text for text in quoted) and review.unrepaired == {str(tmp_path / "r.txt"): [6]}
    assert any("r.txt: 1 line (6) are mojibake that could not be repaired" in w for w in review.warnings)
    assert any("无法修复的乱码" in n for n in review.notes)
    assert 19742 in [m.value for m, _s in review.metrics]


def test_review_joins_the_lines_of_a_hard_wrapped_report_and_cites_where_each_sentence_starts(tmp_path):
    from feedback_nlp import draft_review

    text = ("客服中心2025年度工作总结\n一、工作概况\n2025年，服务中心在公司领导的正确指导下，围绕“服务提质、\n"
            "管理增效”的年度目标，扎实做好各项客户服务工作。全年共接待业\n主来电19742次，同比增长6.3%；受理报修5457件，完\n"
            "成维修5382件，维修及时率98.4%；受理投诉312件，同\n比下降15.6%，投诉处理及时率100%。\n二、存在的问题\n"
            "部分老旧楼栋管道老化，二季度漏水报修集中，维修一次解决率仅为\n86.5%，低于90%的年度目标。\n")
    (tmp_path / "r.txt").write_text(text, encoding="utf-8")
    review = draft_review(tmp_path / "r.txt")
    figures = {(m.subject, m.value): s.line for m, s in review.metrics}
    assert figures[("接待业主来电", 19742)] == 4 and figures[("维修", 5382)] == 5 and figures[("维修一次解决率", 86.5)] == 9
    quoted = {s.text: s.line for sentences in review.sections.values() for s in sentences}
    assert quoted.get("部分老旧楼栋管道老化，二季度漏水报修集中，维修一次解决率仅为86.5%，低于90%的年度目标。") == 9
    # a chat transcript's lines, each as long as the next and without a full stop, stay apart
    from feedback_nlp.summarise.structure import Line
    from feedback_nlp.summarise.units import unwrapped

    chat = [Line(f"2023-03-02 09:1{i}:22 顾客 小王: 你好，我的订单怎么还没发货呢请尽快处理一下{i}", i + 1) for i in range(6)]
    assert unwrapped(chat) == chat


def test_review_warns_of_an_article_without_a_year_in_its_title_that_opens_with_another_year(tmp_path):
    from feedback_nlp import draft_review

    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text("客服中心2025年度工作总结\n一、工作概况\n2025年，全年共接待业主来电19742次。\n", encoding="utf-8")
    (folder / "b.txt").write_text("售后部工作总结\n一、工作概况\n2023年，全年共处理售后工单4620单，客户满意率93%。\n", encoding="utf-8")
    review = draft_review(folder)
    assert any("b.txt: the article \"售后部工作总结\" names no year in its title and opens with 2023年, not 2025" in w
               for w in review.warnings)
    assert not any("a.txt" in w for w in review.warnings)
    # or opens with the title of a report on part of another year
    (folder / "b.txt").write_text("后勤服务中心工作总结\n机关后勤服务中心2012年上半年工作总结：上半年共接待客饭1438人次。\n",
                                  encoding="utf-8")
    assert any("b.txt" in w and "opens with 2012年, not 2025" in w for w in draft_review(folder).warnings)


def test_review_a_list_of_items_of_like_length_without_full_stops_is_not_hard_wrapped():
    from feedback_nlp.summarise.structure import Line
    from feedback_nlp.summarise.units import unwrapped

    items = ["全年接待客户来电12000次，同比增长5.2%", "客户满意率达到96.5%，同比提升0.7个百分点", "投诉办结率达到99.1%，较上年提高0.8个百分点",
             "平均通话时长185秒，较上年缩短16秒左右", "高峰时段接通率偏低，部分坐席业务不熟练"]
    lines = [Line(text, i + 1) for i, text in enumerate(items)]
    assert unwrapped(lines) == lines
