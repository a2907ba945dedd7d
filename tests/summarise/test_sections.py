"""Section assignment: the heading tree, heading evidence against a sentence's own, the order of
sections, the article genre model, and what drafting makes of the real seed pages."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from feedback_nlp.models.corpus import CORPORA_DIR
from feedback_nlp.normalise import normalise_text, read_text
from feedback_nlp.summarise.classifier import SectionClassifier
from feedback_nlp.summarise.genre import FEATURES, article_features, is_report_title
from feedback_nlp.summarise.review import NOT_A_REPORT, _line_section, collect_sentences, draft_review
from feedback_nlp.summarise.sections import (
    CONTENT,
    REPORT_OPENING,
    LEAD_IN_STYLE,
    HeadingContext,
    is_plain_heading,
    lead_in,
    order_sections,
    pool_paragraphs,
    section_of_heading,
    looks_ahead,
    weigh_by_heading,
    weigh_by_tense,
)
from feedback_nlp.summarise.structure import split_articles
from feedback_nlp.summarise.units import article_units
from tests.conftest import SEEDS, load_script, seed_path

CLASSES = ["overview", "achievements", "problems", "plans", "other"]
LABELS = Path(__file__).resolve().parents[1] / "data" / "seed_sections.jsonl"


@pytest.mark.parametrize(
    "heading, section",
    [
        ("三、存在的问题", "problems"),
        ("※ 2013年工作思路", "plans"),
        ("【工作概况】", "overview"),
        ("二、主要工作成绩", "achievements"),
        ("四、工程返修整改", None),  # names no section: inherits or lets its sentences decide
        ("（一）物业费收缴", None),
        ("五、改进措施", "plans"),  # measures to be taken
        ("三、存在的不足和改进措施", "problems"),
        ("一、查件和问题件处理", None),  # handling customers' problems is work done, not a shortcoming
        ("二、找准客户的问题", None),
        ("6.认真完成领导安排其他任务", None),  # assigned by the leadership, not planned
        ("三、2013年工作安排", "plans"),
        ("二、半年工作重点及落实情况", None),  # looks back at the priorities and how they went
        ("上半年工作重点及完成情况", "achievements"),
        ("四、下半年工作重点", "plans"),
        ("一、年度目标任务完成情况", "achievements"),  # how the targets were met: results
        ("二、年度计划执行情况", "achievements"),
        ("指标 年度目标 实际完成 完成率", None),  # a table's header line names no plans
        ("三、2025年工作目标", "plans"),
    ],
)
def test_sections_heading_names_its_section(heading, section):
    assert section_of_heading(heading) == section


def test_sections_nested_heading_inherits_parent_section():
    context = HeadingContext()
    assert context.open("symbol", "※2012年主要工作完成情况") == "achievements"
    assert context.open("cn", "四、工程返修整改") == "achievements"
    assert context.open("symbol", "※ 2013年工作思路") == "plans"  # same style: closes the first
    assert context.open("cn", "一、物业费收缴") == "plans"
    assert context.open("paren_cn", "（一）存在的不足") == "problems"  # names its own
    assert context.open("cn", "二、设备维护") == "plans"  # back under the plan heading
    assert context.open("plain", "2010年工作打算") == "plans" and len(context.stack) == 1


@pytest.mark.parametrize(
    "text, expected",
    [("2010年工作打算", True), ("2012年度工作总结", True), ("收费明细表", False), ("今年的计划，完成得很好。", False)],
)
def test_sections_plain_heading(text, expected):
    assert is_plain_heading(text) is expected


def test_sections_paragraph_pools_the_evidence_of_its_sentences():
    probs = np.array([
        [0.1, 0.45, 0.35, 0.05, 0.05],  # weakly achievements, alone it would stay so
        [0.05, 0.1, 0.8, 0.025, 0.025],  # plainly problems, in the same paragraph
        [0.05, 0.1, 0.8, 0.025, 0.025],
        [0.1, 0.45, 0.35, 0.05, 0.05],  # the same words in a paragraph of their own
    ])
    pooled = pool_paragraphs(probs, [7, 7, 7, 9])
    assert np.allclose(pooled.sum(axis=1), 1.0)
    assert CLASSES[pooled[0].argmax()] == "problems" and CLASSES[pooled[1].argmax()] == "problems"
    assert np.allclose(pooled[3], probs[3])  # a paragraph of one sentence is left as it is
    assert np.allclose(pool_paragraphs(probs, [7, 7, 7, 9], weight=0.0), probs)


def test_sections_heading_weighs_content_but_not_other():
    probs = np.array([0.1, 0.5, 0.1, 0.2, 0.1])
    weighed = weigh_by_heading(probs, CLASSES, "plans")
    assert CLASSES[int(weighed.argmax())] == "plans"
    assert weighed[-1] == pytest.approx(0.1) and weighed.sum() == pytest.approx(1.0)
    strong = np.array([0.0, 0.01, 0.98, 0.01, 0.0])  # content that clearly says otherwise wins
    assert CLASSES[int(weigh_by_heading(strong, CLASSES, "achievements").argmax())] == "problems"
    assert weigh_by_heading(probs, CLASSES, None) is probs
    # a section the heading only inherits from its parent counts less than one it names
    fair = np.array([0.0, 0.12, 0.85, 0.03, 0.0])
    assert CLASSES[int(weigh_by_heading(fair, CLASSES, "achievements").argmax())] == "achievements"
    assert CLASSES[int(weigh_by_heading(fair, CLASSES, "achievements", inherited=True).argmax())] == "problems"
    # a numbered item under the heading is its content: "other" is discounted like an unnamed section
    advice = np.array([0.05, 0.05, 0.05, 0.15, 0.7])  # "1、售后服务工作要得到公司领导的足够重视和支持；"
    assert CLASSES[int(weigh_by_heading(advice, CLASSES, "plans").argmax())] == "other"
    item = weigh_by_heading(advice, CLASSES, "plans", item=True)
    assert CLASSES[int(item.argmax())] == "plans" and item.sum() == pytest.approx(1.0)
    assert weigh_by_heading(advice, CLASSES, None, item=True)[-1] == pytest.approx(0.7 / 0.9575)  # no heading
    # an item is one piece of the work, not the overview of the period, whatever heading it stands under
    whole = np.array([0.6, 0.35, 0.0, 0.0, 0.05])  # "1、在领导及同事的配合下，建立、健全了售后网络体系"
    assert CLASSES[int(weigh_by_heading(whole, CLASSES, None).argmax())] == "overview"
    assert CLASSES[int(weigh_by_heading(whole, CLASSES, None, item=True).argmax())] == "achievements"
    assert CLASSES[int(weigh_by_heading(whole, CLASSES, "overview", item=True).argmax())] == "overview"
    greeting = np.array([0.0, 0.0, 0.0, 0.01, 0.99])  # plainly not content, even as an item
    assert CLASSES[int(weigh_by_heading(greeting, CLASSES, "plans", item=True).argmax())] == "other"


@pytest.mark.parametrize(
    "text, section, ahead, expected",
    [
        # a year's summary, no plans heading: what was done is no plan, though it reads like one
        ("三、协助主任完成全站财务管理工作，做到腿勤、口勤，使票据及时报销，账目清楚。", None, None, "achievements"),
        ("二、规范文秘工作，提高质量和效率。", None, None, "achievements"),
        ("售后服务部每一位员工，都齐心协力做好每一项客户服务工作。", "achievements", None, "achievements"),
        # words that look ahead, a plans or problems heading, or a run of plans keep the plan
        ("明年将规范文秘工作，提高质量和效率。", None, None, "plans"),
        ("规范文秘工作，提高质量和效率。", "plans", None, "plans"),
        ("组织导诊人员学习常见病的就诊知识；", "problems", None, "plans"),
        ("组织导诊人员学习常见病的就诊知识；", None, True, "plans"),
        # a measure taken about the problems listed is not a problem
        ("针对以上问题，我公司进行了分析汇总，并成立催费小组催缴。", None, None, "achievements"),
        ("针对以上问题，我们将成立催费小组。", None, None, "plans"),
    ],
)
def test_sections_tense_weighs_plans_and_answers_to_problems(text, section, ahead, expected):
    probs = {
        "achievements": np.array([0.01, 0.2, 0.05, 0.72, 0.02]),
        "plans": np.array([0.01, 0.2, 0.05, 0.72, 0.02]),
    }[expected]
    if text.startswith("针对"):
        probs = np.array([0.01, 0.2, 0.5, 0.27, 0.02])
    weighed = weigh_by_tense(probs, CLASSES, text, section, ahead)
    assert CLASSES[int(weighed.argmax())] == expected and weighed.sum() == pytest.approx(1.0)


def test_sections_a_run_of_plans_in_a_paragraph_looks_ahead_until_it_tells_what_was_done():
    texts = ["下一步，我们将合理安排班次；", "组织导诊人员学习常见病的就诊知识；", "建立患者意见反馈机制。", "规范文秘工作。",
             "明年要加强培训，已完成方案。", "组织学习。"]
    assert looks_ahead(texts, [7, 7, 7, 8, 9, 9]) == [True, True, True, False, True, False]


def test_sections_closing_words_end_the_section_they_stand_in():
    context = HeadingContext()
    assert context.open("cn", "三、存在的不足") == "problems"
    assert context.open("cn", "四、结束语") is None and not context.inherited


def test_sections_line_takes_content_section_on_a_tie():
    assert _line_section(Counter({"other": 1, "overview": 1})) == "overview"
    assert _line_section(Counter({"other": 2, "overview": 1})) == "other"
    assert _line_section(Counter({"plans": 1, "problems": 1})) == "plans"


def test_sections_context_marks_inherited_sections_and_closes_for_a_new_report():
    context = HeadingContext()
    assert context.open("cn", "一、2012年主要工作完成情况") == "achievements" and not context.inherited
    assert context.open("arabic", "1、工程返修整改") == "achievements" and context.inherited
    context.close_all()
    assert context.section is None and context.text == ""


@pytest.mark.parametrize(
    "line, clause",
    [
        ("回顾这一年，主要有以下三点收获：", "主要有以下三点收获"),
        ("虽然完成了任务，但也存在一些不足：", "但也存在一些不足"),
        ("明年的工作打算如下", "明年的工作打算如下"),
        ("2014年目标：", "2014年目标"),
        ("现将全年工作总结如下：", None),  # opens the whole report, not one section
        ("主要做了以下工作：", None),  # names no section
        ("投诉处理流程---〉质量反馈---〉从以下几个方面谈谈：", None),  # the clause is after the arrow
        ("存在的不足主要是人手不够。", None),  # not a lead-in
    ],
)
def test_sections_lead_in_names_the_section_of_the_list_it_announces(line, clause):
    assert lead_in(line) == clause


def test_sections_list_restarting_after_a_lead_in_belongs_to_it():
    context = HeadingContext()
    context.open("cn", "一、存在的问题")
    context.open("arabic", "1、设备问题")
    context.open("arabic", "2、客户回访")  # the previous report's headings are never closed
    assert context.section == "problems"
    context.open(LEAD_IN_STYLE, lead_in("回顾这一年，主要有以下三点收获："), weak=True)
    assert context.section == "achievements" and context.inherited
    # "一、" starts the announced list: it nests under the lead-in, the old headings are closed
    assert context.open("cn", "一、多向老师傅请教") == "achievements" and context.inherited
    assert context.open("cn", "二、学会换位思考") == "achievements"
    assert [entry[0] for entry in context.stack] == [LEAD_IN_STYLE, "cn"]
    assert context.open("plain", "2014年工作计划") == "plans" and len(context.stack) == 1


def test_sections_lead_in_inside_a_heading_of_its_section_keeps_the_heading_strength():
    context = HeadingContext()
    context.open("cn", "五、工作中存在的不足")
    context.open(LEAD_IN_STYLE, lead_in("但也看到了自己的不足："), weak=True)
    assert context.section == "problems" and not context.inherited
    # a numbered item that does not start at one is the next of the open list: it closes the
    # lead-in standing inside the previous item
    context = HeadingContext()
    context.open("cn", "一、存在的问题")
    context.open(LEAD_IN_STYLE, lead_in("主要有以下收获："), weak=True)
    assert context.open("cn", "二、客户回访") is None and len(context.stack) == 1


def test_sections_unnamed_parts_before_the_shortcomings_are_work_done():
    text = "\n".join([
        "售后服务部年终总结",
        "一、努力做好各项工作",
        "作为售后服务部，主要负责设备的售后维护、调试及培训。",
        "（一）设备调试",
        "全年调试设备120台。",
        "二、干中学、学中干",
        "每一位员工都发扬不怕吃苦的精神。",
        "三、不足之处",
        "人员不足，有些维护不及时。",
        "四、改进措施",
        "1、定期组织售后人员培训。",
    ])
    (article,) = split_articles(text)
    units = {u.text: u for u in article_units(article, list(range(1, 12)))}
    for line in ("一、努力做好各项工作", "作为售后服务部，主要负责设备的售后维护、调试及培训。", "全年调试设备120台。", "二、干中学、学中干"):
        assert (units[line].section, units[line].inherited) == ("achievements", True), line
    assert units["人员不足，有些维护不及时。"].section == "problems" and not units["人员不足，有些维护不及时。"].inherited
    assert units["1、定期组织售后人员培训。"].section == "plans" and units["1、定期组织售后人员培训。"].item
    assert not units["人员不足，有些维护不及时。"].item
    # a line announcing a list of the section it names belongs to that section, as its content
    (article,) = split_articles("\n".join(["四、其他", "根据公司的要求，售后服务工作目标量化如下：", "1、客户满意度达到95%。"]))
    lead = article_units(article, [1, 2, 3])[1]
    assert (lead.section, lead.inherited, lead.item) == ("plans", True, True)
    (article,) = split_articles("\n".join(["四、其他", "现将一年来的工作总结如下：", "1、接待客户300人次。"]))
    assert not article_units(article, [1, 2, 3])[1].item  # a bare transition names no section
    # without a part on shortcomings after them, unnamed parts say nothing of their section
    (article,) = split_articles("\n".join(["一、努力做好各项工作", "负责设备的售后维护。", "二、明年计划", "定期组织培训。"]))
    assert article_units(article, [1, 2, 3, 4])[1].section is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("现将一年来的工作情况总结如下：", True),
        ("现就这一年的工作总结下。", True),
        ("下面就把这一年的工作做一个简单的总结。", True),
        ("售后客服年终工作总结范文", False),
        ("认真总结经验教训，提高服务水平。", False),
    ],
)
def test_sections_report_opening(text, expected):
    assert bool(REPORT_OPENING.search(text)) is expected


def test_sections_order_smooths_weak_sentences_and_keeps_other():
    stay = np.full((4, 4), 0.02) + np.eye(4) * 0.92
    probs = np.array(
        [
            [0.05, 0.85, 0.05, 0.04, 0.01],
            [0.02, 0.40, 0.03, 0.50, 0.05],  # weak plan reading between two achievements
            [0.05, 0.85, 0.05, 0.04, 0.01],
            [0.01, 0.01, 0.01, 0.01, 0.96],  # a signature stays "other"
        ]
    )
    assert order_sections(probs, CLASSES, None) == ["achievements", "plans", "achievements", "other"]
    assert order_sections(probs, CLASSES, stay) == ["achievements", "achievements", "achievements", "other"]
    assert len(CONTENT) == 4


def test_sections_genre_features_tell_reports_from_guides():
    report = ["客服中心2023年工作总结", "今年我部共受理客户来电12000次，同比增长8%。", "全年完成回访3000户。"]
    guide = ["如何接待情绪激动的客户", "如果客户很生气，你应该先倾听，不要打断。", "所谓共情，是指站在对方的角度想问题。"]
    r, g = article_features(report), article_features(guide)
    assert r.shape == (len(FEATURES),)
    names = list(FEATURES)
    assert r[names.index("figure")] > g[names.index("figure")]
    assert g[names.index("advice")] > r[names.index("advice")]
    assert is_report_title("2012年度服务中心年终工作总结") and not is_report_title("写好年终总结的几个要诀")
    # a report named by its period alone is one; an investigation or an internship report is not a work report
    assert is_report_title("2025Q3报告") and is_report_title("3月份报告")
    assert not is_report_title("市场调查报告") and not is_report_title("实习报告")


def test_sections_classifier_overfits_and_round_trips(tmp_path):
    texts = ["全年接待来电5000次。", "人手不足，响应偏慢。", "明年力争满意率达到95%。", "中心共有员工20人。", "特此报告。"]
    labels = ["achievements", "problems", "plans", "overview", "other"]
    model = SectionClassifier.train(texts * 3, [""] * 15, labels * 3, C=100.0)
    model.learn_order([labels])
    model.train_articles([texts, ["如果客户生气，你要耐心倾听，不要争辩。"]], [True, False])
    assert model.predict(texts, [""] * 5) == labels
    model.save(tmp_path / "m")
    loaded = SectionClassifier.load(tmp_path / "m")
    assert loaded.predict(texts, [""] * 5) == labels
    assert np.allclose(loaded.report_probability([texts]), model.report_probability([texts]))
    assert loaded.transitions.shape == (4, 4) and loaded.start.sum() == pytest.approx(1.0, abs=1e-3)


def test_sections_article_model_refuses_other_features(tmp_path):
    import json

    from feedback_nlp.models.base import ModelError

    texts = ["全年接待来电5000次。", "人手不足。", "明年力争达到95%。", "中心共有员工20人。", "特此报告。"]
    model = SectionClassifier.train(texts, [""] * 5, CLASSES)
    model.train_articles([["今年完成了任务。"], ["你要注意倾听。"]], [True, False])
    model.save(tmp_path / "m")
    meta_path = tmp_path / "m" / "metadata.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["article_features"] = ["period"]
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelError, match="retrain"):
        SectionClassifier.load(tmp_path / "m")


# ---- the real seed pages (../shared/seeds) ----------------------------------------------------


def _article_lines(prefix: str) -> list[tuple[str, range]]:
    """(title, source lines) of each article of a seed page, in order."""
    path = seed_path(prefix)
    norm = normalise_text(read_text(path).text)
    out = []
    for article in split_articles(norm.text):
        lines = [norm.line_map[line.number - 1] for line in article.lines] or [article.start_line]
        out.append((article.title, range(min(lines), max(lines) + 1)))
    return out


def _titled(prefix: str) -> list[tuple[str, range]]:
    return [(t, r) for t, r in _article_lines(prefix) if t]


def test_sections_seed_004_key_figures():
    review = draft_review([seed_path("004")], year=2012)
    figures = {(m.value, m.unit) for m, _s in review.metrics}
    assert {(4803, "次"), (3505, "起"), (33, "起")} <= figures
    subjects = {m.value: m.subject for m, _s in review.metrics if m.kind == "actual"}
    assert "接待业务" in subjects[4803] and "日常报修" in subjects[3505]


def test_sections_seed_004_problems_and_plans():
    sentences, _dropped = collect_sentences(seed_path("004"))
    # the walls that leak and the intercom that cannot be used after hand-over (a list of repair
    # types that mentions leaks and door systems is an achievement, not these)
    leaks = [s for s in sentences if "墙体" in s.text and ("渗水" in s.text or "漏水" in s.text)]
    intercom = [s for s in sentences if ("对讲" in s.text or "门禁" in s.text) and "无法" in s.text]
    assert leaks and intercom
    assert all(s.section == "problems" for s in leaks + intercom)
    targets = [s for s in sentences if "不低于90%" in s.text]
    assert targets and all(s.section == "plans" for s in targets)
    assert all(m.kind == "target" for s in targets for m in s.metrics)
    review = draft_review([seed_path("004")], year=2012)
    assert any(m.value == 90 and m.unit == "%" and m.kind == "target" for m, _s in review.metrics)
    # the drafted review quotes them: the problems section, and the targets under plans
    assert {s.text for s in leaks} & {s.text for s in review.sections["problems"]}
    assert any("不低于90%" in s.text for s in review.sections["plans"])


def test_sections_seed_004_leaves_out_standards_and_etiquette_articles():
    articles = _titled("004")
    assert len(articles) == 5
    standards, etiquette = articles[2], articles[4]
    review = draft_review([seed_path("004")], year=2012, keep_other_years=True)
    quoted = [s for sents in review.sections.values() for s in sents] + [s for _m, s in review.metrics]
    assert quoted
    for title, lines in (standards, etiquette):
        assert not [s for s in quoted if s.line in lines or s.article == title]
        assert (str(seed_path("004")), title, NOT_A_REPORT) in review.dropped_articles
    kept = {s.article for s in quoted}
    assert {articles[0][0], articles[1][0], articles[3][0]} <= kept  # the three reports stay


def test_sections_seed_001_unrelated_articles_contribute_nothing():
    articles = _titled("001")
    assert len(articles) == 7
    summary = articles[2]  # the office's year-end summary; the rest are tips, essays, internships
    review = draft_review([seed_path("001")])
    quoted = [s for sents in review.sections.values() for s in sents] + [s for _m, s in review.metrics]
    assert quoted and all(s.line in summary[1] for s in quoted)
    assert len(review.dropped_articles) >= 6


def test_sections_eval_on_labelled_seed_lines_keeps_its_floor():
    if not SEEDS.is_dir():
        pytest.skip(f"labelled seed pages not found in {SEEDS} (outside the repository)")
    module = load_script("eval_review")
    result = module.evaluate()
    assert result["lines"] == 698
    assert result["micro_f1"] >= 0.78
    # a second annotation of 324 of the lines agrees with the labels far more than drafting does
    second = module.agreement(result["line_sections"], result["gold_sections"])
    assert second["lines"] == 324 and second["agreement"] >= 0.9 and second["model"] < second["agreement"]
    assert result["figure_recall"] >= 0.90 and result["figure_precision"] >= 0.90
    assert result["kind_correct"] >= 104
    assert result["subject_f1"] >= 0.84  # subjects were labelled by a second annotator; 0.753 before the count/share rules


def _char_grams(text: str, n: int = 4) -> set[str]:
    text = re.sub(r"[\s，。,.、：:；;！!？?“”\"（）()]", "", text)
    return {text[i : i + n] for i in range(len(text) - n + 1)}


def test_sections_training_reports_copy_no_labelled_seed_text():
    """The written training reports share stock phrases with real reports ("现将…总结如下"),
    but no sentence of them may be a copy of a line of the labelled seed pages."""
    labelled = sorted({json.loads(line)["seed"] for line in LABELS.read_text(encoding="utf-8").splitlines()})
    seed_grams: set[str] = set()
    for prefix in labelled:
        for line in read_text(seed_path(prefix)).text.splitlines():
            seed_grams |= _char_grams(line)
    copies = []
    for path in sorted((CORPORA_DIR / "reports").rglob("*.jsonl")):
        for row in map(json.loads, path.read_text(encoding="utf-8").splitlines()):
            grams = _char_grams(row["text"])
            if len(grams) >= 12 and len(grams & seed_grams) / len(grams) >= 0.8:
                copies.append((path.name, row["doc"], row["line"], row["text"]))
    assert not copies
