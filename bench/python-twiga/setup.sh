#!/usr/bin/env bash
# Python Twiga for `pnpm bench:serve --python-twiga DIR`: a Python 3.12 venv with twiga 1.1.6 from PyPI in
# DIR/.venv, and a forecaster it trains on the bundled data in DIR (train.py). Takes a few minutes (pip,
# then twiga's fit: about 20 min on a busy 2-core VM, 5-6 min idle).
#
# Usage: bench/python-twiga/setup.sh DIR [train.py options, e.g. --train-days 30 for a quick try]
#        (twiga needs Python >= 3.12: PYTHON=/path/to/python, else the first one found)
set -euo pipefail
dir=${1:?usage: bench/python-twiga/setup.sh DIR [train.py options]}
shift
here=$(cd "$(dirname "$0")" && pwd)
# The first Python >= 3.12 found: $PYTHON, then python3.12/3.13 on PATH, then pyenv's installs.
python=
for candidate in ${PYTHON:-} python3.12 python3.13 "$HOME"/.pyenv/versions/3.1[2-9]*/bin/python3; do
  if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
    python=$candidate
    break
  fi
done
[ -n "$python" ] || { echo "no Python >= 3.12 found: set PYTHON=/path/to/python3.12" >&2; exit 1; }
echo "python: $python ($("$python" --version))"
mkdir -p "$dir"
"$python" -m venv "$dir/.venv"
pip=("$dir/.venv/bin/pip" install --quiet --disable-pip-version-check)
# The versions the figures in bench/README.md were measured with.
"${pip[@]}" 'twiga[mlops]==1.1.6' 'lightgbm==4.7.0'
# twiga 1.1.6 asks for pandas >= 3, but its server does not import with pandas 3 (evidently 0.7.23 imports
# pandas.core.dtypes.common.infer_dtype_from_object, gone in pandas 3): pip warns of the conflict; it runs.
"${pip[@]}" 'pandas==2.3.3' 2>&1 | grep -v 'dependency conflicts\|requires pandas' || true
"$dir/.venv/bin/python" "$here/train.py" --out "$dir" "$@"
