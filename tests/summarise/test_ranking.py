import pytest

from feedback_nlp.summarise.ranking import bare_figures, figure_period, rank, report_period, short_horizon
from feedback_nlp.summarise.review import Sentence


def test_review_rank_limits_orders_and_skips_repeats():
    texts = [
        "客服中心全年接待业务4803次。",
        "客服中心全年接待业务4803次！",
        "物业费收缴率为93.81%。",
        "员工培训覆盖全部岗位。",
        "小区绿化养护工作按计划完成。",
    ]
    sentences = [Sentence(t, "achievements", "r.txt", i + 1, "") for i, t in enumerate(texts)]
    picked = rank(sentences, limit=3)
    assert len(picked) == 3
    assert [s.line for s in picked] == sorted(s.line for s in picked)
    assert not ({1, 2} <= {s.line for s in picked})


def test_review_rank_keeps_a_near_repeat_that_states_another_figure():
    # next year's target beside this year's in the same words: two figures, both kept
    from feedback_nlp.summarise.metrics import extract_metrics

    texts = ["全年投诉率控制在1.5%以内，客户满意度达到95%。", "全年投诉率控制在1%以内，客户满意度达到96%。",
             "全年投诉率控制在1.5%以内，客户满意度达到95%！"]
    sentences = [Sentence(t, "plans", "r.txt", i + 1, "", metrics=extract_metrics(t, "target")) for i, t in enumerate(texts)]
    assert {s.line for s in rank(sentences, limit=3)} in ({1, 2}, {2, 3})  # the third restates the first's figures


def test_rank_prefers_sentences_that_state_their_section_over_list_lead_ins():
    def sentence(text, line):
        return Sentence(text, "problems", "r.txt", line, "a")

    # no shared character pairs, so centrality is equal and the priors decide
    first, second = sentence("下列几点值得注意", 1), sentence("楼道照明存在问题", 2)
    assert [s.line for s in rank([first, second], 1, section="problems")] == [2]
    assert [s.line for s in rank([sentence("下列几点值得注意", 1), sentence("楼道照明存在问题", 2)], 1)] == [1]
    lead_in, statement = sentence("本年度发生下列情况：", 1), sentence("本年度发生下列情况。", 1)
    rank([lead_in], 1, section="problems")
    rank([statement], 1, section="problems")
    assert lead_in.score < statement.score


def test_review_rank_skips_template_variants_of_one_sentence():
    texts = [
        "成为xx公司的售后服务的客服人员以来，我努力工作，完成了全年的售后客服工作任务。",
        "成为xx电器公司的售后服务的技术人员以来，我努力工作，完成了全年任务。",
        "成为公司的售后服务的客服人员以来，我努力工作，完成了全年的所有任务。",
        "今年客服中心共受理投诉33起，办结率100%。",
    ]
    sentences = [Sentence(t, "overview", "r.txt", i + 1, "") for i, t in enumerate(texts)]
    picked = {s.line for s in rank(sentences, limit=4)}
    assert 4 in picked and len(picked & {1, 2, 3}) == 1


@pytest.mark.parametrize(
    "text, bare",
    [
        ("· 接通率：94.0%", True),
        ("人工接通率 96.1% 95.3% +0.8个百分点", True),
        ("全年受理投诉52起，较上年减少11起。", False),
        ("管理总面积为：29848.47㎡，其中样板区19998.00㎡", False),
        ("1. 完成2号楼4层坐席扩容，新增坐席30席", False),
    ],
)
def test_ranking_lines_of_bare_figures_are_left_to_the_table(text, bare):
    assert bare_figures(text) is bare


@pytest.mark.parametrize(
    "text, heading, title, period",
    [
        # under the plans heading of a year's summary that names no year: next year's
        ("1、客户满意度提高到95%以上。", "三、下一步工作计划", "2025年度客服中心工作总结", "2026年"),
        ("2、每季度进行1次集中培训或现场培训。", "20__年工作计划及安排", "2021售后服务年度工作总结范文", "2022年"),
        # the year named wins; a long-term plan, half a year or a month's plans are not next year's
        ("客户满意度提高到95%以上。", "三、2027年工作计划", "2025年度客服中心工作总结", "2027年"),
        ("争取服务满意率稳定在95%以上。", "四、长期打算", "客服中心2025年度工作总结", "2025年度"),
        ("力争物业费收缴率达到90%。", "二、下半年工作计划", "2025年度客服中心工作总结", "2025年度"),
        # next month's or next quarter's targets in a month's or a quarter's report are that period's
        ("力争满意率达到93.5%。", "二、下月工作计划", "2025年3月客服月报", "2025年4月"),
        ("下月维修及时率力争达到98%以上。", "三、工作计划", "2025年12月工作报告", "2026年1月"),
        ("下季度满意率力争96%。", "", "2025年第三季度工作报告", "2025年第四季度"),
        # a target under a heading that is no plan keeps its report's period
        ("完成了年初制定的95%的目标。", "一、主要工作", "2025年度客服中心工作总结", "2025年度"),
    ],
)
def test_ranking_target_period_under_a_plans_heading(text, heading, title, period):
    assert figure_period("target", text, heading, title) == period


@pytest.mark.parametrize(
    "text, short",
    [
        ("下半年力争物业费收缴率达到90%，完成全部坐席的业务培训。", True),
        ("下个半年完成全部坐席的业务培训。", True),
        ("下季度力争物业费收缴率达到90%。", True),
        ("明年下半年完成坐席扩容。", False),
        ("2026年力争物业费收缴率达到90%。", False),
        # a month or quarter named in a year-end report's plans is a dated step of next year's plan
        ("3月底前完成客服系统升级，接通率达到95%。", False),
        ("第一季度完成坐席扩容。", False),
        ("下个月完成坐席扩容。", True),
    ],
)
def test_ranking_a_plan_for_the_second_half_is_not_a_plan_for_next_year(text, short):
    assert short_horizon(text, "2025年度客服中心工作总结") is short


@pytest.mark.parametrize(
    "title, period",
    [
        ("2023年3月工作总结", "2023年3月"),
        ("2023年1-11月客服工作总结", "2023年1-11月"),  # a total of months, not November's
        ("2023年1月至11月工作总结", "2023年1-11月"),
        ("2024年前三季度工作总结", "2024年前三季度"),
        ("2023年第三季度总结", "2023年第三季度"),
        ("2023年度工作总结", "2023年度"),
    ],
)
def test_ranking_report_period_of_a_span_of_months_is_the_span(title, period):
    assert report_period(title)[0] == period


def test_ranking_a_table_row_with_blank_cells_is_bare_figures():
    assert bare_figures("线上报修占比 42.5% — —") and bare_figures("业主满意率 95.8% 94.2%")
    assert not bare_figures("全年满意率95.8%，较上年提高1.6个百分点。")
