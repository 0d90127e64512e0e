#!/usr/bin/env bash
# action.yml's install step: auditor in a virtual environment of its own under
# $RUNNER_TEMP, from the action's own copy (INPUT_VERSION empty) or a release on PyPI.
# Writes `bin=<the venv's bin directory>` to $GITHUB_OUTPUT.
set -euo pipefail

python="${INPUT_PYTHON:-python3}"
version="${INPUT_VERSION:-}"
venv="${RUNNER_TEMP:?RUNNER_TEMP is not set}/auditor-venv"

if ! command -v "$python" >/dev/null 2>&1; then
  echo "::error title=auditor::no Python interpreter '$python': add actions/setup-python (3.11 or newer) before this action, or set the python input"
  exit 2
fi
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "::error title=auditor::auditor needs Python 3.11 or newer; '$python' is $("$python" -V 2>&1): add actions/setup-python before this action"
  exit 2
fi

if [ -n "$version" ]; then
  # A version number only: anything else could smuggle options into pip.
  if ! [[ "$version" =~ ^v?[0-9]+(\.[0-9]+)*([a-z]+[0-9]+)?(\.post[0-9]+)?(\.dev[0-9]+)?$ ]]; then
    echo "::error title=auditor::the version input must be a release number such as 0.1.0, not '$version'"
    exit 2
  fi
  requirement="reference-auditor==${version#v}"
else
  requirement="${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}"
fi

"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$requirement"
"$venv/bin/auditor" --version
echo "bin=$venv/bin" >> "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
