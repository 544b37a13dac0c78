#!/usr/bin/env bash
# Installs what the monitoring tests need on a fresh CI machine (Debian, as root):
#   - Debian's chromium, for packages/monitor/test/report-browser.test.ts (skipped when already present);
#   - with --parity only: a Python venv with evidently/scipy (scripts/parity/requirements.txt), then re-runs
#     scripts/parity/evidently_parity.py and fails if the committed fixtures changed.
# The fixtures are committed, so CI needs only the first part. Run it before the README's test command, and
# export TWIGA_REQUIRE_BROWSER=1 so a missing browser fails the run instead of skipping the test.
set -euo pipefail
cd "$(dirname "$0")/../.."

started=$(date +%s)
if [ -x /usr/bin/chromium ]; then
  echo "chromium present: $(/usr/bin/chromium --version 2>/dev/null | tail -n 1)"
else
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
  echo "installed $(/usr/bin/chromium --version 2>/dev/null | tail -n 1)"
fi

if [ "${1:-}" = "--parity" ]; then
  venv="${TWIGA_PARITY_VENV:-${TMPDIR:-/tmp}/twiga-parity-venv}" # outside the repo: nothing to ignore
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r scripts/parity/requirements.txt
  "$venv/bin/python" scripts/parity/evidently_parity.py
  git diff --exit-code -- packages/monitor/test/fixtures/
fi
echo "scripts/ci/monitor.sh done in $(($(date +%s) - started)) s"
