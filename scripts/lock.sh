#!/usr/bin/env bash
# Re-resolve the lock files from pyproject.toml's ranges, on PyPI, with every file's hash:
#   requirements.txt         the runtime (`make lab`, Binder)
#   requirements-test.txt    the runtime's exact versions plus the test and lint tools
#   binder/requirements.txt  a copy of requirements.txt: repo2docker caches its pip layer
#                            only for a self-contained file (no `-r ../`, no `-e .`)
# pip-tools runs in a venv of its own (.venv/lock-tools): a tool, not a dependency.
# pip's configuration files and PIP_*INDEX*/FIND_LINKS are ignored, so the hashes are PyPI's
# whatever this machine's pip is set to.
set -euo pipefail
cd "$(dirname "$0")/.."

# pip-compile picks the versions the Python running it accepts: run it on the oldest Python
# the lab promises, Debian 12's python3 (3.11.2), or a newcomer's pip finds no match for a
# pin that needs a later 3.11.x.
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:3] != (3, 11, 2))'; then
  echo "make lock: run it with Debian 12's Python 3.11.2, e.g. PYTHON=/usr/bin/python3 make lock" >&2
  echo "($PYTHON is $("$PYTHON" -V 2>&1))" >&2
  exit 1
fi
TOOLS=.venv/lock-tools
rm -rf "$TOOLS"
"$PYTHON" -m venv "$TOOLS"
"$TOOLS/bin/pip" install -q "pip-tools>=7.4,<8"

compile() {
  env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL PIP_CONFIG_FILE=/dev/null \
    CUSTOM_COMPILE_COMMAND="make lock" \
    "$TOOLS/bin/pip-compile" -q --generate-hashes --allow-unsafe --strip-extras \
    --no-emit-index-url --no-emit-find-links "$@" pyproject.toml
}

compile -o requirements.txt
compile --extra test -c requirements.txt -o requirements-test.txt
{
  echo "# Binder's Python packages: requirements.txt, copied by \`make lock\` (repo2docker"
  echo "# caches a self-contained file in a layer of its own); binder/postBuild installs ecslab."
  cat requirements.txt
} >binder/requirements.txt
