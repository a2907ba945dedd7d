"""Speed of the classifier: model load time, single-process prediction throughput on 40-character
messages in batches and one message a call, where the time goes, next to SnowNLP's sentiment on the
same messages.

    python scripts/bench_classify.py [--model DIR] [--messages 20000] [--repeat 3]

Messages are cut from the corpora's test splits (real review lines and written messages) and
padded or trimmed to 40 characters. Prints figures; checks nothing.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time

from feedback_nlp.models.corpus import CORPORA_DIR, read_jsonl
from feedback_nlp.pipeline import FeedbackClassifier


def messages(n: int, length: int = 40) -> list[str]:
    texts = [r["text"] for name in ("causes", "sentiment") for r in read_jsonl(CORPORA_DIR / name / "test.jsonl")]
    out, i = [], 0
    while len(out) < n:
        text = texts[i % len(texts)]
        while len(text) < length:
            i += 1
            text += "，" + texts[i % len(texts)]
        out.append(text[:length])
        i += 1
    return out


def stages(clf, msgs: list[str], total: float) -> None:
    """Where a prediction's time goes, for a backend with n-gram features: reading the text
    (normalise, tokenise, negation marks) and looking its n-grams up, each timed on its own, and
    the rest of ``total`` (the seconds ``predict`` without evidence took: models, contrast clauses,
    result records), with the garbage collector paused, as ``predict`` pauses it."""
    featurizer = getattr(clf, "featurizer", None)
    if featurizer is None:
        return
    timings = {}
    gc.disable()  # as predict pauses it for each batch
    start = time.perf_counter()
    analyses = featurizer.analyse(msgs)
    timings["read text (normalise, tokenise, negation)"] = time.perf_counter() - start
    start = time.perf_counter()
    featurizer.transform(msgs, analyses=analyses)
    timings["n-gram features"] = time.perf_counter() - start
    gc.enable()
    timings["models, contrast clauses, result records"] = max(total - sum(timings.values()), 0.0)
    for stage, seconds in timings.items():
        print(f"  {stage}: {seconds / len(msgs) * 1e6:,.1f} µs a message ({seconds / total:.0%})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=None, help="model directory (default: the shipped model)")
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each predict timed; the best is reported, "
                        "as timeit does, since a busy machine only ever slows a run down (default: %(default)s)")
    args = parser.parse_args()

    start = time.perf_counter()
    clf = FeedbackClassifier.load(args.model)
    load_s = time.perf_counter() - start
    msgs = messages(args.messages)
    clf.predict(msgs[:200])  # warm-up: tokeniser and OpenCC set-up
    print(f"model load: {load_s:.2f} s")
    print(f"{len(msgs):,} messages of {len(msgs[0])} characters, one process")
    seconds = {}
    for explain in (False, True):
        runs = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            clf.predict(msgs, explain=explain)
            runs.append(time.perf_counter() - start)
        seconds[explain] = min(runs)
        rates = sorted(len(msgs) / s for s in runs)
        print(f"predict (explain={explain}): {rates[-1]:,.0f} messages/s at best of {len(runs)} runs "
              f"(slowest {rates[0]:,.0f})")
    stages(clf, msgs, seconds[False])
    # a service that classifies each message as it comes pays the fixed costs of a call every time
    single = msgs[:2000]
    for explain in (False, True):
        start = time.perf_counter()
        for m in single:
            clf.predict_one(m, explain=explain)
        each = (time.perf_counter() - start) / len(single)
        print(f"predict_one (explain={explain}), one message a call: {each * 1e3:.2f} ms a message ({1 / each:,.0f}/s)")
    try:
        from snownlp import SnowNLP
    except ImportError:
        print("snownlp not installed: no baseline")
        return 0
    sample = msgs[:2000]
    start = time.perf_counter()
    for m in sample:
        SnowNLP(m).sentiments
    elapsed = time.perf_counter() - start
    print(f"SnowNLP sentiment: {len(sample) / elapsed:,.0f} messages/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
