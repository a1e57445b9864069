#!/usr/bin/env bash
# Install the third-party .env parsers used by latchkey's dotenv interop tests:
#   python-dotenv, PyYAML, icalendar (PyPI) -> $DIR/py  (pip install --target)
#   @dotenvx/dotenvx (npm)     -> $DIR/node  (npm install --prefix)
#   the HTTP clients the broker's tests drive: openai, anthropic, httpx, requests
#   (PyPI) -> $DIR/py-http, and undici (npm, for Node 20's proxy agent) -> $DIR/node
# Usage: tests/tools/install.sh [DIR]   (default DIR: <repo>/target/test-tools)
# Idempotent: a marker file $DIR/.installed holds the pinned versions; when it
# matches, nothing is done.
set -euo pipefail

PY_DOTENV_VERSION="1.2.4"
PYYAML_VERSION="6.0.2"
ICALENDAR_VERSION="6.3.2"
DOTENVX_VERSION="2.38.2"
OPENAI_VERSION="3.57.0"
ANTHROPIC_VERSION="2.14.0"
HTTPX_VERSION="0.28.1"
REQUESTS_VERSION="2.34.2"
UNDICI_VERSION="7.30.2"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="${1:-$repo_root/target/test-tools}"
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"

marker="$DIR/.installed"
http_clients="openai==$OPENAI_VERSION anthropic==$ANTHROPIC_VERSION httpx==$HTTPX_VERSION requests==$REQUESTS_VERSION"
want="python-dotenv==$PY_DOTENV_VERSION PyYAML==$PYYAML_VERSION icalendar==$ICALENDAR_VERSION @dotenvx/dotenvx@$DOTENVX_VERSION $http_clients undici@$UNDICI_VERSION"

if [[ -f "$marker" && "$(cat "$marker")" == "$want" \
      && -d "$DIR/py/dotenv" && -d "$DIR/py-http/openai" \
      && -f "$DIR/node/node_modules/@dotenvx/dotenvx/package.json" && -f "$DIR/node/node_modules/undici/package.json" ]]; then
    echo "test tools already installed in $DIR: $want"
    exit 0
fi

rm -f "$marker"

PYTHON="${PYTHON:-python3}"
# --target installs into our own directory; Debian's "externally managed" guard is about
# the system's site-packages, so it does not apply (older pips ignore this variable).
export PIP_BREAK_SYSTEM_PACKAGES=1
rm -rf "$DIR/py"
"$PYTHON" -m pip install --quiet --disable-pip-version-check --no-input \
    --no-deps --root-user-action=ignore --target "$DIR/py" "python-dotenv==$PY_DOTENV_VERSION" "PyYAML==$PYYAML_VERSION" >&2
# icalendar needs its dependencies (python-dateutil, tzdata...): installed with them.
"$PYTHON" -m pip install --quiet --disable-pip-version-check --no-input \
    --root-user-action=ignore --target "$DIR/py" "icalendar==$ICALENDAR_VERSION" >&2

rm -rf "$DIR/py-http"
# shellcheck disable=SC2086
"$PYTHON" -m pip install --quiet --disable-pip-version-check --no-input \
    --root-user-action=ignore --target "$DIR/py-http" $http_clients >&2

rm -rf "$DIR/node"
mkdir -p "$DIR/node"
# A private package.json so npm does not walk up to some other project.
printf '{"name":"latchkey-test-tools","private":true}\n' > "$DIR/node/package.json"
npm install --prefix "$DIR/node" --no-audit --no-fund --save-exact \
    --loglevel=error "@dotenvx/dotenvx@$DOTENVX_VERSION" "undici@$UNDICI_VERSION" >&2

printf '%s' "$want" > "$marker"
echo "installed test tools in $DIR: $want"
