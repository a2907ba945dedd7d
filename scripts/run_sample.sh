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
echo "Normalised text in $OUT/text/, tokens (space-separated) in $OUT/tokens/."
