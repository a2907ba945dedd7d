"""Batch classification figures: messages/second with 1 and 2 workers and the peak memory (RSS)
of the whole process tree, on generated exports of 10k, 100k and 1M messages.

    python scripts/bench_batch.py [--sizes 10000 100000 1000000] [--workers 1 2]
                                  [--agent-share 0.5] [--output-format csv] [--explain]

Exports are JSON Lines of customer messages of about 40 characters cut from the corpora; with
--agent-share, that share of the rows are agent replies, which are written but not classified, so
the main process reads and writes faster than the workers classify. Each run is the real command
(`feedback-nlp classify ... -o ...`) in a subprocess; the memory of the whole process tree and of
the main process alone is sampled from /proc every 0.2 s (Linux). --explain writes the evidence
column too. Prints a table; checks nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_classify import messages  # noqa: E402


def make_export(path: Path, n: int, agent_share: float = 0.0) -> None:
    pool = messages(20000)
    every = round(1 / agent_share) if agent_share else 0
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            role = "agent" if every and i % every == 0 else "customer"
            row = {"session_id": f"s{i // 6}", "msg_id": str(i), "role": role, "content": pool[i % len(pool)]}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def tree_rss_kb(root: int) -> tuple[int, int]:
    """RSS of ``root`` and all its descendants, and of ``root`` alone (kB)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", encoding="utf-8") as fh:
                status = fh.read()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid, ppid = int(entry), int(fields.get("PPid", "0").strip())
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0])
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total, rss.get(root, 0)


def run(export: Path, out: Path, workers: int, explain: bool = False) -> tuple[float, int, int]:
    cmd = [sys.executable, "-m", "feedback_nlp", "classify", str(export), "-o", str(out), "-w", str(workers)]
    cmd += ["--explain"] * explain
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = main_peak = 0
    while proc.poll() is None:
        tree, main = tree_rss_kb(proc.pid)
        peak, main_peak = max(peak, tree), max(main_peak, main)
        time.sleep(0.2)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 3):
        raise SystemExit(f"command failed ({proc.returncode}): {proc.stderr.read().decode()[-500:]}")
    return elapsed, peak, main_peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--agent-share", type=float, default=0.0, help="share of rows that are agent replies (0 to 1)")
    parser.add_argument("--output-format", choices=["jsonl", "csv", "parquet"], default="jsonl")
    parser.add_argument("--explain", action="store_true", help="write the evidence of each message too")
    args = parser.parse_args()
    print(f"{'messages':>10}{'workers':>8}{'seconds':>9}{'msgs/s':>9}{'peak RSS MB':>13}{'main MB':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            export = Path(tmp) / f"export_{n}.jsonl"
            make_export(export, n, args.agent_share)
            rates = {}
            for w in args.workers:
                elapsed, peak, main = run(export, Path(tmp) / f"out_{n}_{w}.{args.output_format}", w, args.explain)
                rates[w] = n / elapsed
                print(f"{n:>10,}{w:>8}{elapsed:>9.1f}{n / elapsed:>9,.0f}{peak / 1024:>13,.0f}{main / 1024:>9,.0f}", flush=True)
            if 1 in rates and 2 in rates:
                print(f"{'':>10}scaling 1 -> 2 workers: {rates[2] / rates[1]:.2f}x (start-up included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
