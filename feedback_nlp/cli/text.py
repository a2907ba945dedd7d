"""``feedback-nlp normalise``: repair encodings, normalise, and write text, sentences or tokens."""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path
from typing import List, Optional

import typer

from ..config import Config, load_config
from ..errors import ConfigError, FeedbackNLPError, ResourceError
from ..io.inputs import visible_files
from ..normalise.encoding import read_text
from ..normalise.text import normalise_text
from ..tokenise import get_tokeniser, split_sentences
from .app import EXPORT_SUFFIXES, _count, _err, _friendly, _state, app, checked_encoding, names_folder, warn_low_confidence


def _expand(inputs: List[str]) -> List[tuple[str, str]]:
    """(source, output name) pairs: folders stand for the visible files inside them and their
    subfolders, sorted, named by their path inside the folder; '-' and files are kept as given,
    named by their file name."""
    out: List[tuple[str, str]] = []
    for item in inputs:
        path = Path(item)
        if item != "-" and path.is_dir():
            found = visible_files(path)
            if not found:
                _err(f"warning: {item}: folder has no files")
            out.extend((str(p), str(p.relative_to(path))) for p in found)
        else:
            out.append((item, "stdin" if item == "-" else path.name))
    return out


def _output_path(out: Optional[Path], name: str, many: bool, used: set) -> Optional[Path]:
    if out is None:
        return None
    if not many:
        return out
    name = name[: -len(".txt")] if name.endswith(".txt") else name  # a.txt -> a.txt, a.csv -> a.csv.txt
    target, n = out / f"{name}.txt", 1
    while target in used:
        n += 1
        target = out / f"{name}_{n}.txt"
    used.add(target)
    return target


def _render(text: str, mode: str, cfg: Config) -> str:
    if mode == "text":
        return text
    if mode == "sentences":
        return "\n".join(s.text for s in split_sentences(text))
    tok = get_tokeniser(cfg.tokenise)
    return "\n".join(" ".join(tok.cut(line)) for line in text.split("\n"))


@app.command(short_help="Repair encodings, normalise; write text, sentences or tokens.")
@_friendly
def normalise(
    inputs: List[str] = typer.Argument(
        ..., help="Text files or folders (UTF-8/16, GB18030/GBK, Big5, mojibake); '-' reads stdin."
    ),
    output_name: Optional[str] = typer.Option(
        None, "--output", "-o", help="Output file (one input file) or folder (several inputs, a folder of inputs, an existing "
        "folder, or a name ending in /); default: stdout."
    ),
    t2s: Optional[bool] = typer.Option(
        None, "--t2s/--no-t2s", help="Convert Traditional to Simplified (default from normalise.script)."
    ),
    mode: str = typer.Option("text", "--as", help="What to write: text | sentences | tokens."),
    keep_lines: bool = typer.Option(
        False, "--keep-lines", help="Write each line at its input line number, removed lines left blank (as 'review' cites them)."
    ),
    report: bool = typer.Option(False, "--report", help="Print a JSON report per file, removed lines included."),
    encoding: Optional[str] = typer.Option(None, "--encoding", help="Force an input encoding instead of detecting it."),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="Config file (default: configs/default.yaml)."),
    overrides: List[str] = typer.Option([], "--set", help="Override a config key, e.g. --set normalise.script=hk2s."),
) -> None:
    """Read files, repair encoding damage, normalise, and write UTF-8 text (or sentences or tokens).

    A short report per file goes to stderr. A file that cannot be read is reported on one line
    and skipped; the exit code is 1 if any file failed.
    """
    if mode not in ("text", "sentences", "tokens"):
        raise FeedbackNLPError(f"--as {mode!r} is not known; use text, sentences or tokens")
    if keep_lines and mode == "sentences":
        raise FeedbackNLPError("--keep-lines keeps input lines, and --as sentences splits them: use --as text or tokens")
    extra = list(overrides)
    if t2s is not None:
        extra.append("normalise.script=" + ("t2s" if t2s else "off"))
    if encoding:
        extra.append(f"input.encoding={checked_encoding(encoding)}")
    cfg = load_config(config, extra)
    sources = _expand(inputs)
    output = None if output_name is None else Path(output_name)
    # a folder of inputs, or -o naming a folder, writes one file per input into -o, however many
    many = len(sources) > 1 or any(i != "-" and Path(i).is_dir() for i in inputs) or (output_name is not None and names_folder(output_name))
    used: set = set()
    if output is not None and many:
        if output.is_file():
            raise FeedbackNLPError(f"-o {output}: is a file; with several inputs or a folder of inputs, -o names a folder to write them into")
        output.mkdir(parents=True, exist_ok=True)
    # a .txt input keeps its name; the others ("a", "a.csv") get theirs after, so "a" cannot take "a.txt"
    order = sorted(range(len(sources)), key=lambda k: not sources[k][1].endswith(".txt"))
    targets: list[Optional[Path]] = [None] * len(sources)
    for k in order:
        targets[k] = _output_path(output, sources[k][1], many, used)
    inputs_read = {Path(source).resolve(): source for source, _name in sources if source != "-"}
    for target in targets:
        if target is not None and target.resolve() in inputs_read:
            raise FeedbackNLPError(f"-o {output}: would write over the input {inputs_read[target.resolve()]}; "
                                   "name another file or folder for the output")
    failed = 0
    for (source, name), target in zip(sources, targets):
        if source != "-" and Path(source).suffix.lower() in EXPORT_SUFFIXES:
            _err(f"note: {source} is normalised as plain text, so commas and quotes between Chinese characters "
                 "become full-width and its fields run together; 'classify FILE -o OUTPUT' reads an export field by field")
        try:
            raw = sys.stdin.buffer.read(cfg.input.max_bytes + 1) if source == "-" else Path(source)
            read = read_text(
                raw,
                encoding=cfg.input.encoding,
                repair=cfg.normalise.repair_mojibake,
                max_bytes=cfg.input.max_bytes,
                name="<stdin>" if source == "-" else None,
            )
            norm = normalise_text(read.text, cfg.normalise)
            rendered = _render(norm.on_input_lines() if keep_lines else norm.text, mode, cfg)
        except (ConfigError, ResourceError):
            raise  # the settings, not this input: one error for the run (exit 2)
        except FeedbackNLPError as exc:
            failed += 1
            _err(f"error: {exc}")
            if _state["verbose"]:
                traceback.print_exc()
            continue
        if target is None:
            sys.stdout.write(rendered + "\n")
            sys.stdout.flush()  # keep the text ahead of the report on a shared terminal
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(rendered + "\n", encoding="utf-8")
        _err(_summary(read, norm, target))
        warn_low_confidence(read, cfg.input.min_confidence)
        if report:
            full = {**read.report(), **norm.report(lines=True)}
            if read.mojibake is not None and read.mojibake.changed:
                full["mojibake_lines"] = read.mojibake.lines_repaired
            typer.echo(json.dumps(full, ensure_ascii=False, indent=1), err=True)
    if failed:
        _err(f"{failed} of {len(sources)} inputs failed")
        raise typer.Exit(1)


def _summary(read, norm, target: Optional[Path]) -> str:
    parts = [f"{read.source}: {read.encoding}"]
    if read.bom:
        parts.append("BOM")
    if read.mojibake is not None and read.mojibake.changed:
        parts.append(
            f"mojibake repaired on {_count(len(read.mojibake.lines_repaired), 'line')} "
            f"({_count(read.mojibake.chars_inferred, 'character')} inferred"
            + (f", {read.mojibake.emoji_left_out} emoji left out: a byte lost, and several would fit)"
               if read.mojibake.emoji_left_out else ")")
        )
    for codec, lines in read.other_lines.items():
        parts.append(f"{_count(len(lines), 'line')} in {codec}")
    if read.undecodable:
        parts.append(f"{_count(read.undecodable, 'undecodable byte')} dropped")
    script = norm.changes.get("script_converted", 0)
    if script:
        parts.append(f"{_count(script, 'character')} to Simplified")
    whole = sum(r.whole for r in norm.removed)
    if whole:
        parts.append(f"{_count(whole, 'boilerplate line')} removed")
    if len(norm.removed) > whole:
        parts.append(f"{_count(len(norm.removed) - whole, 'watermark')} cut from lines")
    parts.append(f"{_count(len(norm.text), 'character')} out")
    if target is not None:
        parts.append(f"-> {target}")
    return ", ".join(parts)
