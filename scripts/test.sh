#!/usr/bin/env bash
# Set up .venv with the test dependencies and run the whole test suite. Extra arguments go to pytest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup_env.sh" dev
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
