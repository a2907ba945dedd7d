import pytest

from feedback_nlp.summarise.ranking import bare_figures, rank
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
