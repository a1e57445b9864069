#!/usr/bin/env bash
# `latchkey run --sandbox -- true` against `latchkey run --broker -- true` (issue 16):
# what the sandbox adds to a brokered run (bubblewrap's namespaces, the launcher's
# Landlock and seccomp, the relay to the broker). Target: under 10 ms added.
# Usage: crates/cli/benches/sandbox.sh   (from anywhere; builds in release)
set -euo pipefail
cd "$(dirname "$0")/../../.."
cargo build --release -p latchkey-cli --locked -q
make -s launcher >/dev/null
bin=$PWD/target/release/latchkey
command -v bwrap >/dev/null || { echo "bubblewrap is missing: apt-get install bubblewrap (make deps)"; exit 1; }
command -v hyperfine >/dev/null || { echo "hyperfine is missing: make tools installs it"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export LATCHKEY_HOME=$work/home
"$bin" init --identity-file "$work/identity.txt" 2>/dev/null
key=$(python3 -c "import json;print([c['value'] for c in json.load(open('tests/validation/corpus.json'))['cases'] if c['provider']=='openai' and c['format']=='ok'][0])")
printf %s "$key" | "$bin" set OPENAI_API_KEY --force 2>/dev/null
mkdir -p "$work/project"
cd "$work/project"
hyperfine --shell=none --warmup 10 --runs 100 --export-json "$work/sandbox.json" \
  -n "latchkey run --broker -- true" "$bin run --broker -- true" \
  -n "latchkey run --sandbox -- true" "$bin run --sandbox -- true" >/dev/null
python3 - "$work/sandbox.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
base = results[0]["median"]
for r in results:
    print(f"{r['command']:<34} median {r['median']*1000:6.2f} ms  p95 {sorted(r['times'])[int(len(r['times'])*0.95)]*1000:6.2f} ms  (+{(r['median']-base)*1000:5.2f} ms)")
PY
