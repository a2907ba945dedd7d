#!/usr/bin/env bash
# Create .venv (if missing) and install the package with the given extras, e.g. "dev".
# Sourced by run_sample.sh and test.sh; needs only python3 (>= 3.10) with venv and pip.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
EXTRAS="${1:-}"
SPEC="."
[ -n "$EXTRAS" ] && SPEC=".[$EXTRAS]"
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
# The transformers extra needs torch. Install the CPU build first so pip does not pull a GPU
# build: on these machines it lies on local disk as torch==2.13.0; elsewhere set TORCH_SPEC
# (and PIP_INDEX_URL to PyTorch's CPU wheel index) as the README explains.
case ",$EXTRAS," in
    *,dev,*|*,transformers,*)
        .venv/bin/python -m pip install --quiet --disable-pip-version-check "${TORCH_SPEC:-torch==2.13.0}" ;;
esac
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$SPEC"
