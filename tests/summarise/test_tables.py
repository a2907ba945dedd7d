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
    assert table_header("指标 2025年 目标 完成率") is None  # no column of an earlier period
