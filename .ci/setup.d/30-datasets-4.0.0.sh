#!/usr/bin/env bash
# datasets 4.0.0 (the version LlamaFactory pins) in its own virtual environment, .ci/venvs/datasets-4.0.0,
# for tests/export/test_export_messages_readers.py: it reads the messages export with that version in a
# subprocess (it cannot share the test venv, which holds datasets 5). Safe to run twice: an existing
# venv with datasets 4.0.0 is kept.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=.ci/venvs/datasets-4.0.0
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import datasets, sys; sys.exit(datasets.__version__ != "4.0.0")'; then
  exit 0
fi
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet "datasets==4.0.0"
