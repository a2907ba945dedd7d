#!/usr/bin/env bash
# Set up .venv and run the main job on the bundled samples: read files stored in five different
# ways (GBK, Big5, UTF-16, mojibake, scraped page), normalise and tokenise them into out/sample/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup_env.sh"
OUT=out/sample
mkdir -p "$OUT"
.venv/bin/feedback-nlp normalise corpora/samples/text/ -o "$OUT/text"
.venv/bin/feedback-nlp normalise corpora/samples/text/ --as tokens -o "$OUT/tokens" 2>/dev/null
echo
for f in "$OUT"/tokens/*.txt; do
    echo "== $f"
    head -n 4 "$f"
done
echo
echo "== complaint causes and sentiment of the hotel reviews (Big5 file, read and classified as is)"
.venv/bin/feedback-nlp classify corpora/samples/text/hotel_reviews_big5.txt
.venv/bin/feedback-nlp classify corpora/samples/text/hotel_reviews_big5.txt --json > "$OUT/hotel_reviews_classified.jsonl"
echo
echo "== batch: a year of chat sessions (GBK CSV export), customer turns classified with their evidence words, personal data masked"
status=0
.venv/bin/feedback-nlp classify corpora/samples/chats/ -o "$OUT/chats.jsonl" --sessions "$OUT/sessions.csv" --redact --explain || status=$?
# exit code 3 means some records went to the reject file; anything else non-zero is a failure
if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then exit "$status"; fi
echo
echo "== year-end review drafted from the (mojibake) sample summary and the classified chats"
.venv/bin/feedback-nlp review corpora/samples/text/annual_summary_mojibake.txt --chats "$OUT/chats.jsonl" --year 2023 -o "$OUT/review.md"
.venv/bin/feedback-nlp review corpora/samples/text/annual_summary_mojibake.txt --chats "$OUT/chats.jsonl" --year 2023 -o "$OUT/review.docx" 2>/dev/null
head -n 20 "$OUT/review.md"
echo
echo "Normalised text in $OUT/text/, tokens (space-separated) in $OUT/tokens/,"
echo "classifications (JSON Lines, with evidence spans) in $OUT/hotel_reviews_classified.jsonl,"
echo "classified chat messages (with evidence) in $OUT/chats.jsonl, one row per session in $OUT/sessions.csv,"
echo "the review draft in $OUT/review.md and $OUT/review.docx."
