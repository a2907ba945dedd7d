"""Memory of classifying many messages in a library call: ``predict`` (every result held at once)
against ``iter_predict`` (one batch at a time), each in a fresh process.

    python scripts/bench_memory.py [--messages 200000] [--no-explain]

Messages are the 40-character messages of bench_classify.py. Each mode runs in its own Python
process, which loads the default model, then classifies and counts the complaints without
keeping the results; the figure is the growth of the process's peak RSS (Linux ru_maxrss) over
what it held after loading. Prints figures; checks nothing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

CHILD = """
import json, resource, sys, time
sys.path.insert(0, {scripts!r})
from bench_classify import messages
from feedback_nlp import FeedbackClassifier
texts = messages({n})
clf = FeedbackClassifier.load()
clf.predict(texts[:100])
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
results = clf.{mode}(texts, explain={explain})
complaints = sum(1 for r in results if r["is_complaint"])
print(json.dumps({{"complaints": complaints, "seconds": time.perf_counter() - start,
                  "growth_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024}}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--no-explain", action="store_true", help="leave out the evidence")
    args = parser.parse_args()
    scripts = str(Path(__file__).resolve().parent)
    print(f"{'call':<14}{'messages':>10}{'seconds':>9}{'peak RSS growth MB':>20}")
    for mode in ("predict", "iter_predict"):
        code = CHILD.format(scripts=scripts, n=args.messages, mode=mode, explain=not args.no_explain)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        figures = json.loads(out.strip().splitlines()[-1])
        print(f"{mode:<14}{args.messages:>10,}{figures['seconds']:>9.1f}{figures['growth_mb']:>20,.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
