import pytest

from feedback_nlp.normalise import normalise_text, read_text
from feedback_nlp.summarise.structure import heading_level, linked_titles, opening_title, plain_markdown, split_articles
from tests.conftest import seed_path


def seed_articles(prefix):
    return split_articles(normalise_text(read_text(seed_path(prefix)).text).text)


@pytest.mark.parametrize(
    "line, level",
    [
        ("四、工程返修整改", 1),
        ("※ 2013年工作思路", 1),
        ("（一）客户服务", 2),
        ("1、加强资产管理", 3),
        ("二）工作目标", 2),  # a closing bracket alone marks the same levels
        ("1）配件管理", 3),
        ("1）新技术掌握的不够，还要加强学习。", 0),
        ("2.做好本月的水、电工作。", 0),  # a numbered sentence is a list item
        ("1、加强资产管理，按需采购、保障及时。在资产管理方面，上半年我部门着重规范了固定资产的管理", 0),
        ("截至2012年12月31日客服中心接待业务4803次", 0),
        ("1.5倍的增长", 0),
    ],
)
def test_structure_heading_levels(line, level):
    assert heading_level(line) == level


def test_structure_seed_004_five_articles():
    articles = seed_articles("004")
    titles = [a.title for a in articles if a.title]
    assert len(titles) == 5 and titles[0].startswith("2012年度服务中心年终工作总结")
    first = next(a for a in articles if a.title == titles[0])
    headings = [line.text for line in first.lines if line.heading_level == 1]
    assert "六、投诉处理" in headings and any(h.startswith("※") for h in headings)


def test_structure_seed_002_named_articles_keep_inner_lists():
    articles = [a for a in seed_articles("002") if a.title]
    lines = read_text(seed_path("002")).text.splitlines()
    named = [a.title for a in articles if lines[a.start_line - 1].lstrip().startswith("『")]
    assert len(named) == 8 and named[0].startswith("售后客服年终工作总结报告模板")
    # the template lists inside them number or count their reports: each starts an article
    titles = [a.title for a in articles]
    assert titles.count("售后服务年终总结报告") == 4 and "售后客服上半年工作总结【二】" in titles
    assert not any(t.startswith(("（", "(", "一")) for t in titles)


def test_structure_numbered_titles_start_articles_only_when_several():
    page = "1.客服部年度工作总结\n一、基本情况\n全年接待来访120人次。\n2.客服部年度工作总结\n一、基本情况\n全年接待来访98人次。"
    assert [a.title for a in split_articles(page)] == ["客服部年度工作总结", "客服部年度工作总结"]
    report = "一、上半年工作\n1、上半年工作总结\n全年接待来访120人次。\n2、下半年工作计划\n力争接待200人次。"
    assert [a.title for a in split_articles(report)] == [""]


def test_structure_seed_001_circled_articles():
    titles = [a.title for a in seed_articles("001") if a.title]
    assert len(titles) == 7 and titles[2] == "办公室培训总结"


def test_structure_text_without_markers_is_one_article():
    articles = split_articles("一、工作概况\n今年完成了很多工作。\n二、存在的问题\n人手不足。")
    assert len(articles) == 1 and [l.heading_level for l in articles[0].lines] == [1, 0, 1, 0]
    assert articles[0].lines[2].number == 3


def test_structure_a_page_that_goes_on_with_a_linked_article_is_split_there():
    page = ("某市供水集团客户服务中心2025年工作总结\n全年共受理热线来电21.7万个，来电接通率达到97.2%。\n"
            "下一篇：高中生如何高效复习？学霸分享五个学习技巧\n高中生如何高效复习？学霸分享五个学习技巧\n每天坚持复习2小时，成绩提高了30分。\n")
    links = linked_titles(page)
    assert links == ["高中生如何高效复习？学霸分享五个学习技巧"]
    body = page.replace("下一篇：高中生如何高效复习？学霸分享五个学习技巧\n", "")  # boilerplate removal drops the link
    articles = split_articles(body, links)
    assert [a.title for a in articles] == ["", "高中生如何高效复习？学霸分享五个学习技巧"]
    assert articles[1].start_line == 3 and articles[1].lines[0].text.startswith("每天坚持复习")
    # a title repaired from mojibake may differ from its link in a character
    assert len(split_articles(body.replace("学霸分享", "学霸分亨"), links)) == 2
    assert len(split_articles(body)) == 1  # without links, one article


def test_structure_markdown_markup_is_taken_off_line_by_line_and_tables_read_as_rows():
    text = (
        "# 2025年度工作总结\n## 一、工作概况 ##\n客服中心共接待来电**54.9万通**，详见[月报](http://a.cn/x)。\n"
        "- 回访满意率达到*98%*，`系统`上线。\n> 引用的话\n1. 高峰时段排队时间过长。\n* [x] 完成\n---\n"
        "| 指标 | 2025年 | 2024年 |\n|:---|---:|---|\n| 接通率 | **95.1%** | 93.0% |\n"
        "20__年全年出差人数__人/次\n<!-- 注释 -->页脚 | 版权所有"
    )
    assert plain_markdown(text).split("\n") == [
        "2025年度工作总结", "一、工作概况", "客服中心共接待来电54.9万通，详见月报。", "回访满意率达到98%，系统上线。",
        "引用的话", "1. 高峰时段排队时间过长。", "完成", "", "指标 2025年 2024年", "", "接通率 95.1% 93.0%",
        "20__年全年出差人数__人/次", "页脚 | 版权所有",
    ]


@pytest.mark.parametrize(
    "line, title",
    [
        ("机关后勤服务中心2012年上半年工作总结后勤服务中心工作是机关工作的重要组成部分", "机关后勤服务中心2012年上半年工作总结"),
        ("2025年第三季度工作汇报", "2025年第三季度工作汇报"),
        ("3月份工作总结", "3月份工作总结"),
        ("2012年度服务中心年终工作总结", "2012年度服务中心年终工作总结"),
        ("2012年上半年，后勤服务中心在上级的正确领导下", ""),
        ("在1月份的工作报告中提出", ""),
        ("截至2012年12月31日客服中心接待业务4803次", ""),
    ],
)
def test_structure_opening_title_names_the_period_a_line_opens_a_report_on(line, title):
    assert opening_title(line) == title


@pytest.mark.parametrize(
    "title, years",
    [("13年客服工作总结", [2013]), ("客服部13年工作总结", [2013]), ("客服中心成立10年工作回顾", []), ("从事客服工作15年总结", [])],
)
def test_structure_two_digits_before_nian_are_a_year_unless_they_count_years(title, years):
    from feedback_nlp.summarise.structure import summary_years

    assert summary_years(title) == years


def test_structure_a_year_in_chinese_digits_is_the_year_summed_up():
    from feedback_nlp.summarise.ranking import report_period
    from feedback_nlp.summarise.structure import summary_years

    assert summary_years("二〇二四年度客服中心工作总结") == [2024]
    assert report_period("二〇二四年三月工作报告")[0] == "2024年3月"
