#!/usr/bin/env bash
# Installs the MLflow server the @twiga/tracking tests start (`mlflow>=3.7,<4`) into the current
# python3's environment. Idempotent and quiet: does nothing when a fitting mlflow is importable already.
# Needs python3 (3.10+) with pip; reaches only the Python package index. Prints one line saying what it did.
set -euo pipefail

PYTHON="${PYTHON:-python3}"
SPEC='mlflow>=3.7,<4'

fits() {
  "$PYTHON" - <<'PY' 2>/dev/null
import sys
import mlflow
major, minor = (int(p) for p in mlflow.__version__.split(".")[:2])
sys.exit(0 if (major, minor) >= (3, 7) and major < 4 else 1)
PY
}

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "mlflow.sh: $PYTHON not found; install Python 3.10+ with pip" >&2
  exit 1
fi

if fits; then
  echo "mlflow.sh: mlflow $("$PYTHON" -c 'import mlflow; print(mlflow.__version__)') already installed"
  exit 0
fi

started=$(date +%s)
# --disable-pip-version-check/-q keep CI logs short; PIP_ROOT_USER_ACTION silences the root warning.
PIP_ROOT_USER_ACTION=ignore "$PYTHON" -m pip install -q --disable-pip-version-check "$SPEC"
if ! fits; then
  echo "mlflow.sh: installed $SPEC but python cannot import a fitting mlflow" >&2
  exit 1
fi
# The `mlflow` entry point may land outside PATH (e.g. ~/.local/bin); tests call `python3 -m mlflow`.
echo "mlflow.sh: installed mlflow $("$PYTHON" -c 'import mlflow; print(mlflow.__version__)') in $(($(date +%s) - started)) s"
