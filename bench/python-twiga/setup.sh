#!/usr/bin/env bash
# Python Twiga for `pnpm bench:serve --python-twiga DIR`: a Python 3.12 venv with twiga 1.1.6 from PyPI in
# DIR/.venv, and a forecaster it trains on the bundled data in DIR (train.py). Takes a few minutes (pip,
# then twiga's fit: about 20 min on a busy 2-core VM, 5-6 min idle).
#
# Usage: bench/python-twiga/setup.sh DIR        (PYTHON=python3.12 by default; twiga needs Python >= 3.12)
set -euo pipefail
dir=${1:?usage: bench/python-twiga/setup.sh DIR}
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python3.12}
mkdir -p "$dir"
"$python" -m venv "$dir/.venv"
pip=("$dir/.venv/bin/pip" install --quiet --disable-pip-version-check)
# The versions the figures in bench/README.md were measured with.
"${pip[@]}" 'twiga[mlops]==1.1.6' 'lightgbm==4.7.0'
# twiga 1.1.6 asks for pandas >= 3, but its server does not import with pandas 3 (evidently 0.7.23 imports
# pandas.core.dtypes.common.infer_dtype_from_object, gone in pandas 3): pip warns of the conflict; it runs.
"${pip[@]}" 'pandas==2.3.3' 2>&1 | grep -v 'dependency conflicts\|requires pandas' || true
"$dir/.venv/bin/python" "$here/train.py" --out "$dir"
