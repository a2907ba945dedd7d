from feedback_nlp.summarise.tables import table_header, table_row_metrics


def test_tables_a_text_table_with_last_periods_column(tmp_path):
    from feedback_nlp.summarise.review import collect_sentences

    (tmp_path / "q4.txt").write_text(
        "2025年第四季度客服工作报告\n一、本季度核心指标\n指标名称        本季度      上季度      变动\n"
        "人工接通率      96.1%       95.3%       +0.8个百分点\n平均等待时长    25秒        27秒        -2秒\n\n"
        "二、工作亮点\n人工接通率96.1%，满意度98.6%。\n", encoding="utf-8")
    sentences, _ = collect_sentences(tmp_path / "q4.txt")
    rows = [(m.subject, m.value, m.kind) for s in sentences for m in s.metrics]
    assert rows[:6] == [("人工接通率", 96.1, "actual"), ("人工接通率", 95.3, "baseline"), ("人工接通率变动", 0.8, "actual"),
                        ("平均等待时长", 25.0, "actual"), ("平均等待时长", 27.0, "baseline"), ("平均等待时长变动", -2.0, "actual")]
    assert ("满意度", 98.6, "actual") in rows  # the table ended; sentences after it are read as before


def test_tables_a_word_table_with_year_columns_and_units_in_the_names():
    header = table_header("指标 2025年 2024年 同比")
    assert header == ["指标", "2025年", "2024年", "同比"]
    rows = {
        "报修受理数量（件） 12486 11529 +8.3%": [(12486, "件", "报修受理数量", "actual"), (11529, "件", "报修受理数量", "baseline"),
                                         (8.3, "%", "报修受理数量同比", "actual")],
        "物业费收缴率 92.35% 93.10% -0.75个百分点": [(92.35, "%", "物业费收缴率", "actual"), (93.1, "%", "物业费收缴率", "baseline"),
                                            (-0.75, "个百分点", "物业费收缴率同比", "actual")],
        "满意度（分） 91.2 89.5 +1.7": [(91.2, "分", "满意度", "actual"), (89.5, "分", "满意度", "baseline"), (1.7, "分", "满意度同比", "actual")],
    }
    for row, expected in rows.items():
        assert [(m.value, m.unit, m.subject, m.kind) for m in table_row_metrics(row, header)] == expected
    assert table_header("工作 重点 措施") is None  # no column of an earlier period, no target, no periods


def test_tables_target_actual_and_share_columns():
    header = table_header("指标 年度目标 实际完成 完成率")
    assert header == ["指标", "年度目标", "实际完成", "完成率"]
    found = table_row_metrics("来电接听量 12000次 13560次 113%", header)
    assert [(m.subject, m.value, m.unit, m.kind) for m in found] == [
        ("来电接听量", 12000, "次", "target"), ("来电接听量", 13560, "次", "actual"), ("来电接听量完成率", 113, "%", "actual")]
    # a bare count under a name that says it counts; the spans are the cells'
    row = "投诉量 300 318 106%"
    found = table_row_metrics(row, header)
    assert [(m.subject, m.value, m.unit, m.kind) for m in found][:2] == [("投诉量", 300, "", "target"), ("投诉量", 318, "", "actual")]
    assert [row[m.start : m.end] for m in found] == ["300", "318", "106%"]
    assert table_row_metrics("客户满意度 90分 92.5分", header) is None  # a cell short: not a row


def test_tables_a_table_of_one_row_a_month():
    header = table_header("月份 来电量（次） 投诉件数 满意率")
    assert header is not None
    rows = {
        "3月 1210 15 95.5%": [("来电量", 1210, "次", "3月"), ("投诉件数", 15, "", "3月"), ("满意率", 95.5, "%", "3月")],
        "十二月 980 9 97%": [("来电量", 980, "次", "十二月"), ("投诉件数", 9, "", "十二月"), ("满意率", 97, "%", "十二月")],
        "2024年12月 900 8 96%": [("来电量", 900, "次", "2024年12月"), ("投诉件数", 8, "", "2024年12月"), ("满意率", 96, "%", "2024年12月")],
        "合计 13560 160 96.2%": [("来电量", 13560, "次", ""), ("投诉件数", 160, "", ""), ("满意率", 96.2, "%", "")],
        "月均 1130 13 96.2%": [("月均来电量", 1130, "次", ""), ("月均投诉件数", 13, "", ""), ("月均满意率", 96.2, "%", "")],
    }
    for row, expected in rows.items():
        found = table_row_metrics(row, header)
        assert [(m.subject, m.value, m.unit, m.period) for m in found] == expected
        assert all(m.kind == "actual" for m in found)
    assert table_row_metrics("备注 以上 数据 来自系统", header) is None


def test_tables_month_rows_in_a_review_keep_their_months(tmp_path):
    from feedback_nlp.summarise import draft_review

    (tmp_path / "r.txt").write_text(
        "2025年客服中心年度工作总结\n一、年度指标完成情况\n指标 年度目标 实际完成 完成率\n来电接听量 12000次 13560次 113%\n\n"
        "二、每月情况\n月份 来电量（次） 满意率\n1月 1100 96%\n2月 980 96%\n合计 2080 96%\n\n"
        "三、主要成绩\n全年接通率保持在95%以上，投诉处理及时率明显提升。\n", encoding="utf-8")
    review = draft_review(tmp_path / "r.txt")
    table = review.to_dict()["key_figures"]
    rows = [(f["subject"], f["value"], f["kind"], f["period"]) for f in table]
    assert ("来电接听量", 12000, "target", "2025年度") in rows
    assert ("来电接听量", 13560, "actual", "2025年度") in rows
    assert ("来电接听量完成率", 113, "actual", "2025年度") in rows
    # one value in two months is two facts; the months come before the year's total
    assert [r for r in rows if r[0] == "满意率"] == [("满意率", 96, "actual", "2025年1月"), ("满意率", 96, "actual", "2025年2月"),
                                                 ("满意率", 96, "actual", "2025年度")]
    quoted = [s.text for sentences in review.sections.values() for s in sentences]
    assert not any(text.startswith(("指标 ", "月份 ")) for text in quoted)  # header lines are not quoted


def test_tables_headers_that_name_a_year_with_a_word_and_long_column_names():
    header = table_header("指标 2025年目标 实际完成 完成率")
    found = table_row_metrics("业主满意率 95% 95.8% 100.8%", header)
    assert [(m.subject, m.value, m.kind) for m in found] == [("业主满意率", 95, "target"), ("业主满意率", 95.8, "actual"),
                                                              ("业主满意率完成率", 100.8, "actual")]
    header = table_header("指标 2025年上半年 2024年上半年 同比")
    found = table_row_metrics("业主满意率 95.3% 94.1% +1.2个百分点", header)
    assert [(m.subject, m.value, m.kind) for m in found] == [("业主满意率", 95.3, "actual"), ("业主满意率", 94.1, "baseline"),
                                                              ("业主满意率同比", 1.2, "actual")]
    header = table_header("月份 来电量（次） 投诉量（件） 投诉处理及时率（%）")
    found = table_row_metrics("1月 1600 25 100", header)
    assert [(m.subject, m.value, m.unit, m.period) for m in found] == [("来电量", 1600, "次", "1月"), ("投诉量", 25, "件", "1月"),
                                                                        ("投诉处理及时率", 100, "%", "1月")]
