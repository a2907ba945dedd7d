"""``feedback-nlp review``: draft a year-end service review from work reports."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .app import _count, _err, _friendly, app

OLD_OFFICE = (".doc", ".wps", ".xls", ".et", ".ppt")  # binary Office formats a report may be saved in


@app.command(short_help="Draft a year-end service review from work reports.")
@_friendly
def review(
    reports: List[str] = typer.Argument(..., help="Work reports: .txt/.md/.docx files or folders (any encoding; mojibake repaired)."),
    output: Path = typer.Option(..., "--output", "-o", help="review.md, review.docx or review.json."),
    chats: Optional[Path] = typer.Option(None, "--chats", help="Classified messages from 'feedback-nlp classify -o' (jsonl/csv/parquet)."),
    year: Optional[int] = typer.Option(None, "--year", min=1900, max=2100, help="The year the review covers, in four digits."),
    org: Optional[str] = typer.Option(None, "--org", help="Organisation name for the title."),
    keep_other_years: bool = typer.Option(
        False, "--keep-other-years", help="Also draft from articles whose title sums up another year than the review's."
    ),
) -> None:
    """Draft a year-end service review: overview, achievements with key figures, customer
    feedback (with --chats), problems, next year's plan. Sentences are quoted with file and line.

    Exit codes: 0 drafted; 1 drafted without some reports that could not be read (named in the
    warnings); 2 nothing drafted (bad paths or options, no report could be read, or nothing in
    them is a work report; no file is written)."""
    from ..errors import InputError
    from ..summarise.render import check_review_path, write_review
    from ..summarise.review import NOT_A_REPORT, draft_review, report_files

    check_review_path(output)  # before the drafting, not after it
    skipped: list[Path] = []
    drafts: list[Path] = []
    files = report_files(reports, skipped, drafts)  # an earlier draft is no report: among ``drafts``
    if any(f.resolve() == output.resolve() for f in files):
        raise InputError(f"-o {output} is one of the reports read, not an earlier draft: the review would overwrite it; "
                         "name another file for the review")
    drafts = [f for f in drafts if f.resolve() != output.resolve()]  # the draft being replaced goes unsaid
    drafted = draft_review(files, year=year, org=org, chats=chats, keep_other_years=keep_other_years)
    old_office = [p for p in skipped if p.suffix.lower() in OLD_OFFICE]
    if not any(drafted.sections.values()) and not drafted.metrics and drafted.feedback is None:
        for file, title, why in drafted.dropped_articles:
            _err(f"left out ({why}): {Path(file).name}: {title}")
        hint = f"; {_count(len(old_office), 'old Office file')} skipped, save as .docx to include" if old_office else ""
        for file, lines in drafted.unrepaired.items():
            hint += (f"; {Path(file).name} has {_count(len(lines), 'line')} of mojibake that could not be repaired (bytes were "
                     "lost when it was saved): get the file again from where it was written")
        named = ", ".join(p.name for p in files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
        _err(f"error: nothing to draft: no work report content in {_count(len(files), 'file')} ({named}){hint}; nothing "
             "written (check that the inputs are work reports or summaries)")
        raise typer.Exit(2)
    write_review(drafted, output)
    counts = ", ".join(f"{name} {len(s)}" for name, s in drafted.sections.items())
    used = len({file for file, _article in drafted.titles})
    read = f"{used} of {len(files)} reports" if used < len(files) else _count(len(files), "report")
    _err(f"{read} -> {output}: {counts}; {_count(len(drafted.metrics), 'key figure')}")
    if year is None:
        found = f"year {drafted.year}, from the report titles" if drafted.year else "no year found in the report titles"
        _err(f"{found}; pass --year to set it")
    by_file: dict[str, list[str]] = {}
    for (file, _article), title in drafted.titles.items():
        by_file.setdefault(file, []).append(title or "(untitled)")
    for file, titles in by_file.items():
        if len(titles) > 1:  # a scraped page may hold reports of several organisations
            _err(f"{Path(file).name}: drafted from {len(titles)} of its articles; check that each is about the "
                 f"organisation reviewed: {'; '.join(titles)}")
    for file, title, why in drafted.dropped_articles:
        _err(f"left out ({why}): {Path(file).name}: {title}")
    if any(why != NOT_A_REPORT for _f, _t, why in drafted.dropped_articles):
        _err("  (--keep-other-years drafts from the articles of other years too)")
    for warning in drafted.warnings:
        _err(f"warning: {warning}")
    if not any(drafted.sections.values()):  # after the list of what was left out, which it sums up
        not_reports = sum(why == NOT_A_REPORT for _f, _t, why in drafted.dropped_articles)
        _err(f"warning: no report content found: {_count(not_reports, 'article')} left out as not "
             "work reports; the draft has headings only. Check that the inputs are work reports or summaries")
    if drafts:
        _err(f"left out {_count(len(drafts), 'review')} drafted by feedback-nlp review earlier (not reports): "
             + ", ".join(p.name for p in drafts[:5]) + (", …" if len(drafts) > 5 else ""))
    if old_office:
        _err(f"warning: skipped {_count(len(old_office), 'old Office file')} that cannot be read: "
             + ", ".join(p.name for p in old_office[:5]) + (", …" if len(old_office) > 5 else "")
             + "; save as .docx (Word: File > Save As) to include them")
    others = [p for p in skipped if p not in old_office]
    if others:
        _err(f"skipped {_count(len(others), 'file')} in the input folders that are not .txt, .md or .docx: "
             + ", ".join(p.name for p in others[:5]) + (", …" if len(others) > 5 else ""))
    if drafted.unreadable:
        raise typer.Exit(1)
