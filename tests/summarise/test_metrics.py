import pytest

from feedback_nlp.normalise import normalise_text, read_text
from feedback_nlp.summarise import dedupe_metrics, extract_metrics
from feedback_nlp.summarise.metrics import names_something
from feedback_nlp.tokenise import split_sentences
from tests.conftest import seed_path


@pytest.mark.parametrize(
    "sentence, value, unit, subject, kind",
    [
        ("截至2012年12月31日客服中心接待业务4803次，平均每天16起。", 4803, "次", "客服中心接待业务", "actual"),
        ("其中：来电、来访 3300 次；维修接报发送派工单1480次。", 3300, "次", "来电、来访", "actual"),
        ("本年度我部共接到投诉33起，其中24起为房产证问题", 33, "起", "接到投诉", "actual"),
        ("本年度我部共接到投诉33起，其中24起为房产证问题", 24, "起", "房产证问题", "actual"),
        ("B栋公寓物业费收缴率为93.81%，同比-26.95%", 93.81, "%", "B栋公寓物业费收缴率", "actual"),
        ("B栋公寓物业费收缴率为93.81%，同比-26.95%", -26.95, "%", "B栋公寓物业费收缴率同比", "actual"),
        ("客户综合满意率不低于90%；服务综合及时率不低于90%；", 90, "%", "客户综合满意率", "target"),
        ("2013年计划完成日常报修3505次", 3505, "次", "日常报修", "target"),
        ("绿化面积29848.47㎡", 29848.47, "㎡", "绿化面积", "actual"),
        ("全年共接待客户1 200次，同比增长5%。", 1200, "次", "接待客户", "actual"),  # thousands set apart by a space
        ("全年计划受理报修1000件，实际受理1200件", 1000, "件", "受理报修", "target"),
        ("全年计划受理报修1000件，实际受理1200件", 1200, "件", "实际受理", "actual"),  # 实际: what was reached
        ("客户满意度目标98%，实际完成95%", 95, "%", "实际完成", "actual"),
        ("回访工作完成计划的105%", 105, "%", "回访工作完成计划的", "actual"),  # a share of the plan reached
        ("全年共接待客户1\u2009200次", 1200, "次", "接待客户", "actual"),
        ("共计向客户发放各类通知37份，约4885件", 4885, "件", "向客户发放各类通知", "actual"),
        ("交房套数最多的一次（590余套）", 590, "套", "交房套数", "actual"),
        ("合同利用外资1800万美元", 1800, "万美元", "合同利用外资", "actual"),
        ("2012年度客服部8名员工", 8, "名", "客服部员工", "actual"),
        ("20xx年度客服部8名员工", 8, "名", "客服部员工", "actual"),  # template pages hide the year
        ("20__年全年出差人数15人次", 15, "人次", "出差人数", "actual"),
        # a change: where it started (baseline) and the value reached, both of the subject before 由/从
        ("平均首次响应时长由去年的45秒缩短至28秒。", 45, "秒", "平均首次响应时长", "baseline"),
        ("平均首次响应时长由去年的45秒缩短至28秒。", 28, "秒", "平均首次响应时长", "actual"),
        ("质检覆盖率从10%提升到100%。", 100, "%", "质检覆盖率", "actual"),
        ("2024年目标：满意度从90%提升到95%。", 95, "%", "满意度", "target"),
        # a target cue further on speaks of another figure; one before the figure, or in its clause, of this one
        ("全年客户满意度为93.5%，未完成年初制定的95%目标。", 93.5, "%", "客户满意度", "actual"),
        ("2013年工作目标：客户满意率不低于90%，投诉处理及时率100%。", 100, "%", "投诉处理及时率", "target"),
        ("满意率达到95%的目标", 95, "%", "满意率", "target"),
        # a subject ending in 的 is completed by the noun after the figure; 完成了/实现了 are not part of it
        ("全年客户满意度为93.5%，未完成年初制定的95%目标。", 95, "%", "未完成年初制定的目标", "target"),
        ("完成了年初制定的95%的目标", 95, "%", "年初制定的目标", "target"),
        ("实现了销售收入200万元", 200, "万元", "销售收入", "actual"),
        ("了解客户需求12次", 12, "次", "了解客户需求", "actual"),
        # a plan's completion rate is a result; a plan followed is no target
        ("全年工单计划完成率为102%，客户满意率为95%。", 102, "%", "工单计划完成率", "actual"),
        ("6、年度计划完成率为102%。", 102, "%", "计划完成率", "actual"),
        ("按照年初工作计划，全年共完成维修1200单，客户满意率为95%。", 95, "%", "客户满意率", "actual"),
        ("目标达成率为98%。", 98, "%", "目标达成率", "actual"),
        ("根据计划，明年满意率提高到97%。", 97, "%", "明年满意率", "target"),
        # the level a change reached is of the subject before the change
        ("投诉量同比下降15.6%至320件。", 320, "件", "投诉量", "actual"),
        ("客户满意率提升3.2个百分点至96.5%。", 96.5, "%", "客户满意率", "actual"),
        ("首次响应时间缩短至2小时。", 2, "小时", "首次响应时间", "actual"),
        ("我部门全年共受理投诉120件。", 120, "件", "受理投诉", "actual"),
        ("要求维修人员30分钟内到达现场。", 30, "分钟", "要求维修人员", "actual"),
        # a minus sign of a typeset table (U+2212) or an en dash is a sign
        ("投诉量同比增长−20.9%。", -20.9, "%", "投诉量同比增长", "actual"),
        ("人工接通率同比–1.2个百分点", -1.2, "个百分点", "人工接通率同比", "actual"),
        # counts with 余 or 多 after the scale
        ("全年接待3.5万余人次，受理1.2万多件", 3.5, "万人次", "接待", "actual"),
        ("全年接待3.5万余人次，受理1.2万多件", 1.2, "万件", "受理", "actual"),
        ("走访8千余户", 8, "千户", "走访", "actual"),
    ],
)
def test_metrics_value_unit_subject_kind(sentence, value, unit, subject, kind):
    found = [m for m in extract_metrics(sentence) if m.value == value and m.unit == unit]
    assert found, [(m.value, m.unit) for m in extract_metrics(sentence)]
    assert found[0].subject == subject and found[0].kind == kind
    assert sentence[found[0].start : found[0].end] == found[0].text


@pytest.mark.parametrize(
    "sentence",
    ["2012年8月31日开会", "第3期培训", "请拨打0571-88886666", "一、工作概况", "等了3个月", "售后客服工作总结例文5篇",
     "下面是整理的“年终工作总结模板（精选7篇）”，仅供参考。", "2012年度服务中心年终工作总结2013年计划 国际化标准5篇"],
)
def test_metrics_dates_and_numbers_that_are_not_figures(sentence):
    assert [m for m in extract_metrics(sentence) if m.unit not in ("个月",)] == []


def test_metrics_written_texts_still_count():
    assert [(m.value, m.unit) for m in extract_metrics("全年上报工作总结3篇，撰写信息12篇")] == [(3, "篇"), (12, "篇")]


def test_metrics_dedupe_keeps_first():
    ms = extract_metrics("接待业务4803次。") + extract_metrics("接待业务4803次，")
    assert len(dedupe_metrics(ms)) == 1


def test_metrics_seed_004_key_figures():
    text = normalise_text(read_text(seed_path("004")).text).text
    metrics = dedupe_metrics([m for s in split_sentences(text) for m in extract_metrics(s.text)])
    def has(value, unit, subject, kind):
        return any(m.value == value and m.unit == unit and subject in m.subject and m.kind == kind for m in metrics)

    assert has(4803, "次", "接待业务", "actual")
    assert has(33, "起", "接到投诉", "actual")
    assert has(90, "%", "客户综合满意率", "target")


@pytest.mark.parametrize(
    "sentence, figures",
    [
        # each figure of a list takes the words since the figure before it
        ("组织起草文件10余份、总站情况15期、函20份和各类事务性文书20余份",
         [("组织起草文件", "10余份"), ("总站情况", "15期"), ("函", "20份"), ("各类事务性文书", "20余份")]),
        # after a colon the subject is the words before it; within brackets, the words since the last figure
        ("管理总面积为：29848.47㎡（样板区19998.00㎡公寓9850.47㎡）",
         [("管理总面积", "29848.47㎡"), ("样板区", "19998.00㎡"), ("公寓", "9850.47㎡")]),
        # "…有N台" names its subject after the figure; bounds and ranges stay with the figure
        ("每月至少有2台以上大修发动机车辆，1台以上大修变速箱车辆", [("大修发动机车辆", "2台以上"), ("大修变速箱车辆", "1台以上")]),
        ("满意率提高1至5个百分点", [("满意率提高", "1至5个百分点")]),
        ("1、服务满意率80%以上。", [("服务满意率", "80%以上")]),
        ("上半年度客服部8名员工", [("客服部员工", "8名")]),
        # numbered items sharing one unit are not a count: "1,2,3期" names phases
        ("现1,2,3期物业费用收取的日期分为四个阶段", []),
    ],
)
def test_metrics_subjects_in_lists_brackets_and_ranges(sentence, figures):
    assert [(m.subject, m.text) for m in extract_metrics(sentence)] == figures


@pytest.mark.parametrize(
    "sentence, figures",
    [
        # the thing counted follows the count; a short lead-in stays with it, a long one is dropped
        ("每季度进行1次集中培训或现场培训。", [("每季度进行集中培训", "1次")]),
        ("由于新的一年即将接到4个新项目的维护任务", [("新项目", "4个")]),
        ("在晚高峰增设10个坐席", [("在晚高峰增设坐席", "10个")]),
        ("对小区12部电梯实行一梯一档管理", [("对小区电梯", "12部")]),
        # not a thing counted: a duration, a rate, a preposition
        ("平均开办时间0.8个工作日", [("平均开办时间", "0.8个工作日")]),
        ("共接待各类投诉371起完结率", [("接待各类投诉", "371起")]),
        ("其余25件按规定转区级部门办理", [("其余", "25件")]),
        # a share, a change or a rate is of the thing the figure before it names
        ("已缴纳物业费业主6247户，占总体的75%", [("已缴纳物业费业主", "6247户"), ("已缴纳物业费业主占总体", "75%")]),
        ("全镇1-10月份实现工业产值57.99亿元，与去年同期增长（下同）24.2%",
         [("工业产值", "57.99亿元"), ("工业产值增长", "24.2%")]),
        ("客服中心接待业务4803次，平均每天16起", [("客服中心接待业务", "4803次"), ("客服中心接待业务平均每天", "16起")]),
        ("物业费收缴率93.8%，较去年提高2.6个百分点", [("物业费收缴率", "93.8%"), ("物业费收缴率提高", "2.6个百分点")]),
        ("春节期间共接待来电986次，较上月减少20.1%", [("春节期间共接待来电", "986次"), ("春节期间共接待来电减少", "20.1%")]),
        # a verb or an adverb alone: of the figure before
        ("报修341件，完成335件，维修完成率98.1%，首次达到98%",
         [("报修", "341件"), ("报修完成", "335件"), ("维修完成率", "98.1%"), ("维修完成率", "98%")]),
        ("满意率95.6%，未达到96%的目标", [("满意率", "95.6%"), ("满意率", "96%")]),
        ("年度收缴率95.6%，超额完成95%的年度目标", [("收缴率", "95.6%"), ("收缴率", "95%")]),
        # a duration in a rate's name is not a figure; scores in 分 are
        ("投诉24小时内回复率力争达到100%", [("投诉24小时内回复率", "100%")]),
        ("年度业主满意度调查综合得分91.2分", [("业主满意度调查综合得分", "91.2分")]),
        ("下设2分公司，占3分之1", []),
        # an open bracket joins its words to those before it; 美金 is listed as 美元
        ("续签了投保协议——第三方责任险（保费共3000元，三店同保）", [("第三方责任险保费", "3000元")]),
        ("目前完成合同利用外资1965万美金", [("合同利用外资", "1965万美金")]),
        # 及时 is a word, not a joiner; 单元 is not a count of 单
        ("上半年前台共受理报修1100多件，及时率达到了98%", [("前台共受理报修", "1100多件"), ("及时率", "98%")]),
        ("如5号楼2单元一户全年报修漏水达4次", [("如5号楼2单元一户全年报修漏水", "4次")]),
        # a subject never starts with the particle 的 (but 的士 is a word)
        ("全年共计120余户的入户走访", [("入户走访", "120余户")]),
        ("的士司机投诉5起", [("的士司机投诉", "5起")]),
    ],
)
def test_metrics_subjects_of_counts_shares_and_changes(sentence, figures):
    assert [(m.subject, m.text) for m in extract_metrics(sentence)] == figures


def test_metrics_usd_written_as_meijin_is_listed_as_usd():
    [m] = extract_metrics("实际到账外资190万美金")
    assert (m.value, m.unit, m.text) == (190, "万美元", "190万美金")


def test_metrics_family_planning_is_not_a_plan():
    # "计划生育" is a field of work, not a plan: its counts are actual
    assert [m.kind for m in extract_metrics("计划生育管理工作基本情况：我单位总人口为663人")] == ["actual"]
    assert [m.kind for m in extract_metrics("计划明年完成报修3505次")] == ["target"]


def test_metrics_figure_at_the_end_of_a_sentence():
    assert [m.text for m in extract_metrics("各类事务性文书20余份")] == ["20余份"]
    assert [m.text for m in extract_metrics("等了3个月")] == ["3个月"]


def test_metrics_range_with_the_unit_twice_is_one_figure():
    [m] = extract_metrics("投诉率降低10%-15%")
    assert (m.subject, m.text, m.value) == ("投诉率降低", "10%-15%", 15)
    assert [m.value for m in extract_metrics("收缴率93.81%，同比-26.95%")] == [93.81, -26.95]


@pytest.mark.parametrize(
    "subject, named",
    [("客服中心接待业务", True), ("函", True), ("来", False), ("通过", False), ("可以说", False), ("另", False), ("", False), ("x", False)],
)
def test_metrics_key_figure_subjects_name_something(subject, named):
    assert names_something(subject) is named


def test_metrics_durations_of_the_writer_are_not_key_figures(tmp_path):
    from feedback_nlp.summarise.review import draft_review

    path = tmp_path / "report.txt"
    path.write_text("2023年度工作总结\n2个月来，我熟悉了售后流程。全年共受理客户投诉58起，回访率达到96%。\n", encoding="utf-8")
    review = draft_review(path)
    # "2个月来": "来" names nothing, so the duration is not listed
    assert [(m.subject, m.text) for m, _s in review.metrics] == [("受理客户投诉", "58起"), ("回访率", "96%")]


def test_metrics_share_after_a_semicolon_takes_the_subject_of_the_clause_before(tmp_path):
    from feedback_nlp.summarise.review import collect_sentences

    (tmp_path / "r.txt").write_text(
        "2024年度物业服务工作总结\n一、工作概况\n本年度新交付入住面积9850.47㎡；占所管理可售面积的82.39%。\n"
        "全年收缴物业费312万元。占总收入的60%。\n", encoding="utf-8")
    sentences, _ = collect_sentences(tmp_path / "r.txt")
    subjects = {m.value: m.subject for s in sentences for m in s.metrics}
    assert subjects[82.39] == "新交付入住面积占所管理可售面积"
    assert subjects[60] == "占总收入的"  # after a full stop the share is not carried over


@pytest.mark.parametrize(
    "sentence, expected",
    [
        # last year's value is what the change is measured from, not this year's result
        ("全年业主满意率为92.7%，较去年的90.3%提高2.4个百分点，但未完成93%的年度目标。",
         [(92.7, "业主满意率", "actual"), (90.3, "业主满意率", "baseline"), (2.4, "业主满意率提高", "actual"),
          (93.0, "业主满意率", "target")]),
        # the thing counted follows the count: not 12 more water-tank cleanings
        ("完成二次供水水箱清洗4次，完成12部电梯的大修改造。", [(4.0, "二次供水水箱清洗", "actual"), (12.0, "电梯的大修改造", "actual")]),
        # building numbers are not a count of buildings
        ("12栋、15栋高层住户反映水压低。", []),
        ("3栋业主反映漏水。", []),
        ("全年完成3栋外墙翻新。", [(3.0, "外墙翻新", "actual")]),
        # 内 bounds the time; what is done in it follows
        ("确保48小时内闭环。", [(48.0, "闭环", "target")]),
    ],
)
def test_metrics_comparisons_counted_things_building_numbers_and_time_limits(sentence, expected):
    assert [(m.value, m.subject, m.kind) for m in extract_metrics(sentence)] == expected


@pytest.mark.parametrize(
    "sentence, expected",
    [
        # counted in ten thousands, and counters of calls and transactions
        ("全年共受理客户来电54.9万通，较2024年的49.2万通增长11.6%。",
         [(54.9, "万通", "受理客户来电", "actual"), (49.2, "万通", "受理客户来电", "baseline"), (11.6, "%", "受理客户来电增长", "actual")]),
        ("交易4.3万笔，服务3.2万人次。", [(4.3, "万笔", "交易", "actual"), (3.2, "万人次", "服务", "actual")]),
        # a change from a year named by its number
        ("人工接通率由2024年的90.1%提升至94.8%。", [(90.1, "%", "人工接通率", "baseline"), (94.8, "%", "人工接通率", "actual")]),
        # both comparisons in one line keep their word; a quarter compared with
        ("来电总量13.1万通，环比增长4.0%，同比增长9.8%。",
         [(13.1, "万通", "来电总量", "actual"), (4.0, "%", "来电总量环比增长", "actual"), (9.8, "%", "来电总量同比增长", "actual")]),
        ("投诉量278件，较二季度减少48件。", [(278.0, "件", "投诉量", "actual"), (48.0, "件", "投诉量减少", "actual")]),
        # bullets, list words and a target in brackets are not part of the name
        ("· 接通率：92.0%（目标92%）", [(92.0, "%", "接通率", "actual"), (92.0, "%", "接通率", "target")]),
        ("二是信用卡类投诉占全部投诉的38%", [(38.0, "%", "信用卡类投诉占全部投诉", "actual")]),
        ("确保投诉处理时限控制在2个工作日以内", [(2.0, "个工作日", "投诉处理时限", "target")]),
        # the verb that brings the figure is not part of its name; next month's figure is a target
        ("接通率低于90.5%的月度目标", [(90.5, "%", "接通率", "target")]),
        ("配件库存周转天数降至38天", [(38.0, "天", "配件库存周转天数", "actual")]),
        ("下月接通率恢复至92%以上", [(92.0, "%", "下月接通率", "target")]),
        ("新增3个网点接入统一工单平台", [(3.0, "个", "新增网点", "actual")]),
        # a share whose whole is named in the clause before, which holds no figure
        ("存在的问题：一是老旧小区水压不足投诉较多，占全部投诉的33%；", [(33.0, "%", "老旧小区水压不足投诉占全部投诉", "actual")]),
        # or only names a kind of matter, or says it ranks first
        ("服务态度问题，占投诉总量的20%。", [(20.0, "%", "服务态度问题占投诉总量", "actual")]),
        ("物流问题占比最高，达到35%。", [(35.0, "%", "物流问题占比", "actual")]),
        # a share is named without a dangling 的, and a bare 占 as a share
        ("其中服务态度问题占投诉总量的20%。", [(20.0, "%", "服务态度问题占投诉总量", "actual")]),
        ("服务态度类占20%，维修类占35%。", [(20.0, "%", "服务态度类占比", "actual"), (35.0, "%", "维修类占比", "actual")]),
        # 同比 and 环比 keep their word, also alone before a signed change in brackets
        ("受理报修3105件，同比增加6.1%，报修及时率97.3%；", [(3105.0, "件", "受理报修", "actual"), (6.1, "%", "受理报修同比增加", "actual"),
                                                  (97.3, "%", "报修及时率", "actual")]),
        ("共受理报修3380件（同比+9.5%）", [(3380.0, "件", "受理报修", "actual"), (9.5, "%", "受理报修同比", "actual")]),
        # a share named in the clause before wins over the figure before that
        ("投诉共72件，较二季度减少12件，其中水压不足投诉较多，占本季度投诉的33%。",
         [(72.0, "件", "投诉", "actual"), (12.0, "件", "投诉减少", "actual"), (33.0, "%", "水压不足投诉占本季度投诉", "actual")]),
        # a score takes what was tested from the clause before; a list mark "4．" before digits
        ("12月份组织了年度第三方满意度测评，得分91.2分。", [(91.2, "分", "第三方满意度测评得分", "actual")]),
        ("4．400热线接听来电13200通", [(13200.0, "通", "400热线接听来电", "actual")]),
        # rank words are not part of what is counted
        ("也是历年来交房数量最多的一次(590余套）。", [(590.0, "套", "交房数量", "actual")]),
    ],
)
def test_metrics_scales_counters_named_years_comparisons_and_list_marks(sentence, expected):
    assert [(m.value, m.unit, m.subject, m.kind) for m in extract_metrics(sentence)] == expected


@pytest.mark.parametrize(
    ("sentence", "kinds"),
    [
        # a target said to be missed: the figures after it are results
        ("物业费收缴率为92.35%，未达到95%的年度目标，比去年下降0.75个百分点。", ["actual", "target", "actual"]),
        ("收缴率未完成年度目标，部分业主拒缴物业费，二期欠费户达到241户。", ["actual"]),
        # how much of a target was reached is a result, unless it is aimed for
        ("购物卡销售额达到386万元，完成年度目标的61%。", ["actual", "actual"]),
        ("力争完成年度目标的105%。", ["target"]),
        ("下一步：7月底前完成车库防水维修；三季度累计收缴率达到75%。", ["target"]),
        ("2026年目标：满意率95%，投诉下降10%。", ["target", "target"]),
    ],
)
def test_metrics_targets_met_or_missed_and_next_steps(sentence, kinds):
    assert [m.kind for m in extract_metrics(sentence)] == kinds


@pytest.mark.parametrize(
    "sentence, expected",
    [
        # the figure after a change is the level reached, of the thing that changed
        ("满意度比上年提高2个百分点，达到93%。", [(2.0, "满意度比上年提高", "actual"), (93.0, "满意度", "actual")]),
        ("投诉量同比下降15.6%，降至320件。", [(15.6, "投诉量同比下降", "actual"), (320.0, "投诉量", "actual")]),
        # 未 before 达到 is no part of the name, and a change after a missed target does not say 未下降
        ("全年投诉处理及时率未达到95%的目标，比去年下降0.75个百分点。",
         [(95.0, "投诉处理及时率", "target"), (0.75, "投诉处理及时率下降", "actual")]),
    ],
)
def test_metrics_a_figure_after_a_change_is_named_for_what_changed(sentence, expected):
    assert [(m.value, m.subject, m.kind) for m in extract_metrics(sentence)] == expected


@pytest.mark.parametrize(
    "sentence, expected",
    [
        # a clause naming an earlier year than the sentence did gives that year's value: a baseline
        ("2023年完成维修1200单，2022年为1000单。", [(1200.0, "维修", "actual"), (1000.0, "维修", "baseline")]),
        # a later year is not a baseline
        ("2023年客户满意度为93%，2024年力争达到95%。", [(93.0, "客户满意度", "actual"), (95.0, "客户满意度", "target")]),
    ],
)
def test_metrics_an_earlier_years_value_is_a_baseline(sentence, expected):
    assert [(m.value, m.subject, m.kind) for m in extract_metrics(sentence)] == expected


@pytest.mark.parametrize(
    "sentence, expected",
    [
        # how long something went on, with nothing before it that names what: no subject, not listed
        ("通过近2个月的工作和积累，公司的售后都可以独立处理了", [("", "2个月")]),
        ("我们也是轮班上岗，可以说是24小时工作，避免产生怨气", [("", "24小时")]),
        # a rule's threshold is not a count of what happened
        ("对全年违纪的员工累计超过6次，我们将暂停员工的上岗资格", [("", "6次")]),
        # nor is the most a policy allows (seed 004), though a record high is
        ("生育险最多可以报1400元", [("", "1400元")]),
        ("每人每年最高可报销3000元", [("", "3000元")]),
        ("最高日接听量达到1200个", [("最高日接听量", "1200个")]),
        # a time limit, a named duration and a count that passed a mark still are figures
        ("24小时内对用户要有明确答复", [("对用户要有明确答复", "24小时")]),
        ("平均开办时间0.8个工作日", [("平均开办时间", "0.8个工作日")]),
        ("全年累计加班超过120小时，保障了节日期间的服务", [("加班", "120小时")]),
    ],
)
def test_metrics_durations_of_work_and_rule_thresholds_name_nothing(sentence, expected):
    found = extract_metrics(sentence)
    assert [(m.subject, m.text) for m in found] == expected
    assert [names_something(m.subject) for m in found] == [bool(subject) for subject, _text in expected]


def test_metrics_seed_002_durations_and_thresholds_are_not_key_figures():
    from feedback_nlp.summarise.review import draft_review

    review = draft_review([seed_path("002")])
    rows = {(m.subject, m.text) for m, _s in review.metrics}
    assert not rows & {("工作和积累", "2个月"), ("工作", "24小时"), ("对全年违纪的员工", "6次")}
    # the seed's real figures stay
    assert {("办理接房", "8483户"), ("更换下发服务质量跟踪卡", "4000余张"), ("发现处理各类员工违纪", "5823人次")} <= rows


@pytest.mark.parametrize(
    "sentence, expected",
    [
        # the part of a year, or the earlier year, a clause opens with is the figure's period
        ("1月份接待来电1100次，3月份接待来电1210次。", [("接待来电", 1100, "1月份"), ("接待来电", 1210, "3月份")]),
        ("第一季度投诉量为120件，第二季度降至98件。", [("投诉量", 120, "第一季度"), ("投诉量", 98, "第二季度")]),
        ("去年全年接待来电12000次，今年接待13560次。", [("接待来电", 12000, "去年"), ("接待", 13560, "")]),
        ("上半年满意率为95%，全年满意率96.2%。", [("满意率", 95, "上半年"), ("满意率", 96.2, "")]),
        ("2025年1-6月受理投诉120件，同比下降10%。", [("受理投诉", 120, "2025年1-6月"), ("受理投诉同比下降", 10, "2025年1-6月")]),
        ("3月份开展培训2次，参训120人次。", [("开展培训", 2, "3月份"), ("参训", 120, "3月份")]),
        # a day a total runs to is of the year so far; a month's report run into the year's is the year's
        ("截至12月底，累计接待来电13560次。", [("接待来电", 13560, "")]),
        ("12月份暨全年接待来电13560次。", [("接待来电", 13560, "")]),
        # a comparison with last year's same period names no period of its own
        ("全镇1-10月份实现工业产值57.99亿元，与去年同期增长24.2%", [("工业产值", 57.99, "1-10月份"), ("工业产值增长", 24.2, "1-10月份")]),
    ],
)
def test_metrics_the_period_a_clause_opens_with(sentence, expected):
    assert [(m.subject, m.value, m.period) for m in extract_metrics(sentence)] == expected


def test_metrics_a_scores_scale_is_no_figure():
    assert [(m.subject, m.text) for m in extract_metrics("满意度测评得分92分（满分100分）。")] == [("满意度测评得分", "92分")]
    assert [m.text for m in extract_metrics("考核总分为100分，客服部得分96.5分")] == ["96.5分"]


@pytest.mark.parametrize(
    "sentence, expected",
    [
        # a range whose ends both carry the unit is one figure, as "3-5个工作日" is
        ("客户满意率保持在92%~95%之间。", [("客户满意率", 95, "92%~95%")]),
        ("维修响应时间缩短到2天到3天。", [("维修响应时间", 3, "2天到3天")]),
        ("投诉处理时限为3-5个工作日。", [("投诉处理时限", 5, "3-5个工作日")]),
        # a change from one value to another is not a range
        ("满意率由90%到95%", [("满意率", 90, "90%"), ("满意率", 95, "95%")]),
    ],
)
def test_metrics_a_range_with_the_unit_at_both_ends_is_one_figure(sentence, expected):
    assert [(m.subject, m.value, m.text) for m in extract_metrics(sentence)] == expected


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("全年接待来电三千余次，满意率达到百分之九十五。", [("接待来电", 3000, "次", "三千余次"), ("满意率", 95, "%", "百分之九十五")]),
        ("全年受理投诉一百二十件，同比下降百分之五点五。", [("受理投诉", 120, "件", "一百二十件"), ("受理投诉同比下降", 5.5, "%", "百分之五点五")]),
        ("投资三千万元建设新中心", [("投资", 3000, "万元", "三千万元")]),
        ("全年接待群众来访三万余人次", [("接待群众来访", 3, "万人次", "三万余人次")]),
        ("二〇二四年共完成维修一千零五单", [("维修", 1005, "单", "一千零五单")]),
        # articles, adverbs, names and estimates are no figures
        ("开展了一次培训，大家十分满意。", []),
        ("双十一期间售后单积压比较多", []),
        ("面对几十台不同品牌的设备", []),
        ("就算是有一万块的月薪放在那里", []),
        ("我们有三四个人", []),
    ],
)
def test_metrics_figures_in_chinese_numerals(sentence, expected):
    found = extract_metrics(sentence)
    assert [(m.subject, m.value, m.unit, m.text) for m in found] == expected
    assert all(sentence[m.start : m.end] == m.text for m in found)  # offsets in the sentence as written


def test_metrics_fire_extinguishers_are_counted_in_ju():
    found = extract_metrics("检查灭火器326具、消火栓88处，均完好。")
    assert [(m.subject, m.value, m.unit) for m in found] == [("检查灭火器", 326, "具"), ("消火栓", 88, "处")]


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("今年以来累计接待来电12000次", [("接待来电", 12000)]),
        ("坚持一百个放心服务", []),
        ("开通二十四小时热线，全年接听来电3000次", [("接听来电", 3000)]),
        ("维修等了十天半个月", []),
    ],
)
def test_metrics_set_phrases_and_since_this_year_are_no_figures_or_names(sentence, expected):
    assert [(m.subject, m.value) for m in extract_metrics(sentence)] == expected
