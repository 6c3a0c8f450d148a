#!/usr/bin/env bash
# Installs (if needed), loads the sample organisation into the embedded default (SQLite
# file + bundled multilingual model in ./.velho) and answers the demo requests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1
.venv/bin/velho demo "$@"
