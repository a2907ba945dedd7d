"""Write the sample chat-log export corpora/samples/chats/export_2023.csv (GBK, as many tools
export it) and a plain-text transcript of five more sessions (sessions of their own: a folder of
both is classified as one year of chats, and no conversation is in it twice).

Customer turns are messages from the labelled corpora (real review lines and messages written for
this project), chosen so that every complaint cause occurs; agent turns come from the replies
below. Sessions are spread over 2023, over four channels and five product lines. Some phone
numbers and addresses are planted in customer turns so that --redact has something to mask.

    python scripts/make_chat_sample.py [--sessions 300]
"""

from __future__ import annotations

import argparse
import csv
import random
from datetime import datetime, timedelta

from feedback_nlp.config import load_taxonomy
from feedback_nlp.models.corpus import CORPORA_DIR, SPLITS, read_jsonl

OUT = CORPORA_DIR / "samples" / "chats"
CHANNELS = ["app", "web", "phone", "wechat"]
PRODUCTS = ["家电", "手机数码", "物业服务", "宽带通信", "生鲜配送"]
OPENERS = ["您好，很高兴为您服务，请问有什么可以帮您？", "亲，在的，请问有什么问题呢", "您好，这里是客服中心，请讲"]
REPLIES = [
    "亲，非常抱歉给您带来不便，这边马上帮您核实",
    "您好，已经帮您登记了，24小时内会有专人联系您",
    "亲，麻烦提供一下订单号，帮您查一下物流",
    "非常抱歉，这个问题我们已经反馈给相关部门",
    "理解您的心情，我们会尽快给您处理",
    "您好，维修师傅明天上午会上门，请保持电话畅通",
    "亲，退款已经提交，预计3到5个工作日到账",
    "感谢您的耐心等待，问题已经处理好了",
    "抱歉让您久等了，现在给您转接专员",
]
CLOSERS = ["请问还有其他可以帮您的吗？", "感谢您的反馈，祝您生活愉快", "好的，有问题随时联系我们"]
FOLLOW_UPS = ["好的，谢谢", "行吧，尽快", "上次也是这么说的，到现在都没人管", "嗯嗯，收到", "还要等多久？？", "那我等你们消息"]
TRANSCRIPT_SESSIONS = 5
PLANTED = ["我电话138 1234 5678", "地址是杭州市西湖区文三路100号3栋2单元501室", "有事打0571-88886666"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2023)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    causes = load_taxonomy().cause_ids
    pool = [r for s in SPLITS for r in read_jsonl(CORPORA_DIR / "causes" / f"{s}.jsonl") if len(r["text"]) <= 120]
    by_cause = {c: [r for r in pool if c in r["causes"]] for c in causes}
    no_cause = [r for r in pool if not r["causes"]]

    rows = []
    start = datetime(2023, 1, 1, 8, 0, 0)
    for s in range(args.sessions + TRANSCRIPT_SESSIONS):  # the export's, then the transcript's
        when = start + timedelta(days=rng.randrange(365), seconds=rng.randrange(12 * 3600))
        sid = f"S{2023_0000 + s}"
        channel, product = rng.choice(CHANNELS), rng.choice(PRODUCTS)
        cause = causes[s % len(causes)]
        first = rng.choice(by_cause[cause]) if s % 5 else rng.choice(no_cause)
        turns = [("agent", "客服" + rng.choice("李王张刘陈"), rng.choice(OPENERS))]
        text = first["text"]
        if s % 17 == 0:
            text += "，" + rng.choice(PLANTED)
        turns.append(("customer", "顾客" + str(1000 + s), text))
        turns.append(("agent", turns[0][1], rng.choice(REPLIES)))
        turns.append(("customer", "顾客" + str(1000 + s), rng.choice(FOLLOW_UPS)))
        turns.append(("agent", turns[0][1], rng.choice(CLOSERS)))
        for i, (role, speaker, content) in enumerate(turns, start=1):
            when += timedelta(seconds=rng.randrange(20, 300))
            rows.append({
                "会话ID": sid, "消息ID": f"{sid}-{i}", "时间": when.strftime("%Y-%m-%d %H:%M:%S"),
                "角色": "客服" if role == "agent" else "顾客", "发送人": speaker, "渠道": channel,
                "产品线": product, "消息内容": content,
            })
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "export_2023.csv"
    cut = 5 * args.sessions  # five turns a session
    with open(path, "w", encoding="gbk", errors="replace", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows[:cut])
    transcript = OUT / "transcript_sample.txt"
    with open(transcript, "w", encoding="utf-8") as fh:
        for sid in sorted({r["会话ID"] for r in rows[cut:]}):
            fh.write(f"会话ID: {sid}\n")
            for r in (r for r in rows[cut:] if r["会话ID"] == sid):
                fh.write(f"{r['时间']} {r['发送人']}: {r['消息内容']}\n")
            fh.write("\n")
    print(f"wrote {path} ({cut} messages, {args.sessions} sessions) and {transcript} ({TRANSCRIPT_SESSIONS} sessions)")


if __name__ == "__main__":
    main()
