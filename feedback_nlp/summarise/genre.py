"""Whether an article is a work report (or plan) at all, from how it is written rather than what
it is about.

Scraped pages put year-end summaries beside articles on the same subject that are not reports:
service standards, etiquette guides, complaint-handling handouts, study tips, internship diaries.
Topic words cannot tell them apart (a KPI guide says 客户, 服务 and 投诉 as often as a report), so
the features are genre cues, each the share of the article's sentences that use it: a report
speaks for an organisation ("我部", "本中心") about a period ("本年度", "上半年", "2012年"), states
what was done and counted ("完成了", "共接待…次", "同比"), and looks ahead or at its shortcomings;
a guide advises a reader ("应当", "不要", "如果", "你"), defines ("是指", "所谓"), cites, or
addresses students. ``article_features`` turns an article's sentences into these numbers; the
weights are learnt by ``scripts/train_sections.py`` from the written reports and the written
non-reports in ``corpora/reports`` and shipped with the section classifier.
"""

from __future__ import annotations

import math
import re

import numpy as np

GENRE_CUES: dict[str, re.Pattern] = {
    "period": re.compile(
        r"本年度|今年|全年|一年来|半年来|年初|年底|年末|上半年|下半年|本月|上月|本季度|[一二三四]季度|"
        r"(?:19|20)\d\d年|\d{2}年(?:度|以来|初|底)|\d{1,2}月份?|截至|截止"
    ),
    "speaker": re.compile(
        r"我们|我(?:部|司|公司|中心|单位|站|镇|局|行|处|科|组|所|店|厅|院|部门|分公司|网点|班组)|"
        r"本(?:部门|部|中心|公司|单位|网点|店|所|院|科室)|全体(?:员工|职工|人员|同事)"
    ),
    "self": re.compile(r"本人|我(?!们)"),
    "job": re.compile(r"岗位|本职|领导|同事|部门|单位|科室|班组|员工|职工"),
    "done": re.compile(
        r"完成了|开展了|取得了|实现了|组织了|进行了|建立了|落实了|完成|办结|"
        r"共(?:计)?(?:接待|受理|处理|完成|办理|接到|收到|发放|签约)|累计|同比|环比|较去年|比去年|较上年|较上月"
    ),
    "figure": re.compile(r"\d+(?:\.\d+)?\s*(?:%|％|次|起|件|户|人次|人|万元|元|个|项|单|套|㎡|平方米)"),
    "ahead": re.compile(r"明年|下一年|下年度|下半年|下月|下季度|力争|争取|目标|将(?:继续|进一步|加强|完善|建立|开展)"),
    "lack": re.compile(r"存在|不足|差距|有待|不够|薄弱"),
    "advice": re.compile(r"应该|应当|不要|不得|必须|切记|千万|如果|假如|若是|例如|比如|你|您|大家"),
    "define": re.compile(r"是指|指的是|所谓|定义|称为|研究|学者|认为|理论|模型|法则|意味着"),
    "study": re.compile(r"学生|老师|教师|课堂|考试|复习|课程|同学|心得|体会|感想|实习"),
    "rules": re.compile(r"第[一二三四五六七八九十]+条|本(?:办法|规定|制度|标准|规范)|适用于|负责解释|起施行"),
}
# a title that calls the article a work summary, report or plan; not one about writing them, nor a
# student's internship or training report
TITLE_REPORT = re.compile(
    r"总结|小结|述职|汇报|工作报告|服务报告|工作计划|工作打算|工作思路|工作要点|月报|季报|年报"
    r"|(?:\d|年度?|月份?|季度?|[Qq][1-4]|半年)报告"  # a report on a period: "2025Q3报告", "3月份报告"
)
TITLE_NOT_REPORT = re.compile(r"如何|怎样|怎么|要诀|技巧|误区|写作|写法|实习|实训|心得|体会|感想|读后|学习")
FEATURES = tuple(GENRE_CUES) + ("log_sentences", "report_title")
_SPLIT = re.compile(r"(?<=[。！？!?；;])|\n")


def is_report_title(title: str) -> bool:
    return bool(TITLE_REPORT.search(title)) and not TITLE_NOT_REPORT.search(title)


def article_features(texts: list[str], title: str | None = None) -> np.ndarray:
    """Genre features of one article from its lines (headings included) and its title (by
    default its first line)."""
    if title is None:
        title = texts[0] if texts else ""
    sentences = [s.strip() for t in texts for s in _SPLIT.split(t) if len(s.strip()) >= 4]
    n = max(len(sentences), 1)
    shares = [sum(1 for s in sentences if pattern.search(s)) / n for pattern in GENRE_CUES.values()]
    return np.array(shares + [math.log1p(len(sentences)) / 5.0, float(is_report_title(title[:60]))])


def feature_matrix(articles: list[list[str]], titles: list[str | None] | None = None) -> np.ndarray:
    titles = titles or [None] * len(articles)
    return np.vstack([article_features(a, t) for a, t in zip(articles, titles)]) if articles else np.zeros((0, len(FEATURES)))
