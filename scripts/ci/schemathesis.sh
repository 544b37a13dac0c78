#!/usr/bin/env bash
# Installs schemathesis (PyPI), which packages/serve/test/fuzz-schemathesis.test.ts runs against the real
# server's /openapi.json. It goes into its own venv, ${TMPDIR:-/tmp}/twiga-schemathesis-venv (override with
# TWIGA_SCHEMATHESIS_VENV), not the system python: schemathesis pins its own hypothesis/requests/pyyaml,
# and the system site-packages carries pandas 3, mlflow and others that must not be moved. The test finds
# the venv at the same path. Idempotent and quiet: does nothing when a fitting schemathesis is there.
# Needs python3 (3.10+) with venv/pip; reaches only the Python package index. Prints one line.
set -euo pipefail

PYTHON="${PYTHON:-python3}"
SPEC='schemathesis>=4.3,<5'
venv="${TWIGA_SCHEMATHESIS_VENV:-${TMPDIR:-/tmp}/twiga-schemathesis-venv}"

fits() {
  "$venv/bin/python" - <<'PY' 2>/dev/null
import sys
from importlib.metadata import version
major, minor = (int(p) for p in version("schemathesis").split(".")[:2])
sys.exit(0 if (major, minor) >= (4, 3) and major < 5 else 1)
PY
}

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "schemathesis.sh: $PYTHON not found; install Python 3.10+ with venv and pip" >&2
  exit 1
fi

if [ -x "$venv/bin/schemathesis" ] && fits; then
  echo "schemathesis.sh: schemathesis $("$venv/bin/schemathesis" --version | awk '{print $NF}') already in $venv"
  exit 0
fi

started=$(date +%s)
[ -x "$venv/bin/python" ] || "$PYTHON" -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check "$SPEC"
if ! fits; then
  echo "schemathesis.sh: installed $SPEC into $venv but it does not import" >&2
  exit 1
fi
echo "schemathesis.sh: installed schemathesis $("$venv/bin/schemathesis" --version | awk '{print $NF}') in $venv in $(($(date +%s) - started)) s"
