"""Section and key-figure quality of review drafting on the labelled seed lines.

    python scripts/eval_review.py

tests/data/seed_sections.jsonl labels lines of real reports kept outside the repository
(../shared/seeds; line numbers only) with their section and key figures. A line's predicted
section is the one drafting gives it (``review.label_lines``: the most common section of its
sentences; a heading's, the section it opens; a line of an article judged off-topic, or not
quoted at all, is "other"). Figures match on value and
unit; their kind (actual/target) and subject are reported separately (a subject is scored by the
characters it shares with the labelled one: F1 over character counts, 1 when equal). Prints per-section precision, recall
and F1, micro F1, and figure recall/precision; and how often a second annotator, labelling a
sample of the same lines by the guideline alone (tests/data/seed_sections_second.jsonl), agrees
with the labels (raw agreement and Cohen's kappa), with the model's agreement on that sample.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from feedback_nlp.summarise.review import collect_sentences, label_lines

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
LABELS = ROOT / "tests" / "data" / "seed_sections.jsonl"
SECOND = ROOT / "tests" / "data" / "seed_sections_second.jsonl"
SECTIONS = ("overview", "achievements", "problems", "plans", "other")


def predict(path: Path) -> tuple[dict[int, str], dict[int, list[tuple[float, str, str]]]]:
    sentences, _dropped = collect_sentences(path)
    figures: dict[int, list] = defaultdict(list)
    for s in sentences:
        figures[s.line].extend((m.value, m.unit, m.kind, m.subject) for m in s.metrics)
    return label_lines(path), figures


def read_labels(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def subject_f1(predicted: str, gold: str) -> float:
    """F1 over the characters two subjects share (counted with repeats); 1.0 when both are empty."""
    if not predicted and not gold:
        return 1.0
    shared = sum((Counter(predicted) & Counter(gold)).values())
    if not shared:
        return 0.0
    precision, recall = shared / len(predicted), shared / len(gold)
    return 2 * precision * recall / (precision + recall)


def agreement(predicted: dict[tuple[str, int], str], labels: dict[tuple[str, int], str]) -> dict:
    """Agreement of the second annotation with the labels (share and Cohen's kappa) and of the
    model's sections (``predicted``) with the labels on the same lines; both by (seed, line)."""
    second = read_labels(SECOND)
    gold = [labels[(r["seed"], r["line"])] for r in second]
    other = [r["section"] for r in second]
    n = len(second)
    observed = sum(a == b for a, b in zip(gold, other)) / n
    expected = sum(gold.count(s) * other.count(s) for s in SECTIONS) / n**2
    model = sum(predicted.get((r["seed"], r["line"]), "other") == g for r, g in zip(second, gold)) / n
    return {"lines": n, "agreement": observed, "kappa": (observed - expected) / (1 - expected), "model": model}


def evaluate() -> dict:
    """Per-section counts, micro F1 and figure scores over the labelled seed lines."""
    rows = read_labels(LABELS)
    line_sections: dict[tuple[str, int], str] = {}
    gold_sections: dict[tuple[str, int], str] = {}
    tp, fp, fn = Counter(), Counter(), Counter()
    fig_tp = fig_gold = fig_pred = kind_ok = subject_exact = 0
    subject_scores: list[float] = []
    for seed in sorted({r["seed"] for r in rows}):
        path = next(SEEDS.glob(f"{seed}_*.txt"))
        sections, figures = predict(path)
        for r in (r for r in rows if r["seed"] == seed):
            gold, pred = r["section"], sections.get(r["line"], "other")
            line_sections[(seed, r["line"])] = pred
            gold_sections[(seed, r["line"])] = gold
            if gold == pred:
                tp[gold] += 1
            else:
                fp[pred] += 1
                fn[gold] += 1
            predicted = list(figures.get(r["line"], []))
            fig_pred += len(predicted)
            for g in r["metrics"]:
                fig_gold += 1
                match = next((p for p in predicted if abs(p[0] - g["value"]) < 1e-6 and p[1] == g["unit"]), None)
                if match:
                    fig_tp += 1
                    kind_ok += match[2] == g["kind"]
                    subject_scores.append(subject_f1(match[3], g["subject"]))
                    subject_exact += match[3] == g["subject"]
                    predicted.remove(match)
    total = sum(tp.values()) + sum(fn.values())
    return {
        "tp": tp, "fp": fp, "fn": fn, "lines": total, "micro_f1": sum(tp.values()) / total,
        "figure_recall": fig_tp / fig_gold, "figure_precision": fig_tp / fig_pred if fig_pred else 0.0,
        "figures_found": fig_tp, "figures_gold": fig_gold, "figures_predicted": fig_pred, "kind_correct": kind_ok,
        "subject_f1": sum(subject_scores) / len(subject_scores) if subject_scores else 0.0, "subject_exact": subject_exact,
        "line_sections": line_sections, "gold_sections": gold_sections,
    }


def main() -> int:
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()  # --help, and no unknown options
    if not SEEDS.is_dir():
        print(f"seeds not found at {SEEDS}", file=sys.stderr)
        return 2
    result = evaluate()
    tp, fp, fn = result["tp"], result["fp"], result["fn"]
    print(f"{'section':<14}{'precision':>10}{'recall':>8}{'F1':>7}{'lines':>7}")
    for s in SECTIONS:
        p = tp[s] / (tp[s] + fp[s]) if tp[s] + fp[s] else 0.0
        r = tp[s] / (tp[s] + fn[s]) if tp[s] + fn[s] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{s:<14}{p:>10.3f}{r:>8.3f}{f:>7.3f}{tp[s] + fn[s]:>7}")
    print(f"micro F1 (= accuracy over {result['lines']} labelled lines): {result['micro_f1']:.3f}")
    print(f"figures: recall {result['figure_recall']:.3f} ({result['figures_found']}/{result['figures_gold']}), precision on "
          f"labelled lines {result['figure_precision']:.3f} ({result['figures_found']}/{result['figures_predicted']}), "
          f"kind correct {result['kind_correct']}/{result['figures_found']}")
    print(f"figure subjects: character F1 {result['subject_f1']:.3f}, exactly as labelled {result['subject_exact']}/"
          f"{result['figures_found']}")
    if SECOND.is_file():
        a = agreement(result["line_sections"], result["gold_sections"])
        print(f"second annotator on {a['lines']} of the lines: agreement {a['agreement']:.3f} (kappa {a['kappa']:.3f}); "
              f"drafting on the same lines {a['model']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
