#!/usr/bin/env bash
# `latchkey get NAME` end to end, with an identity file and a vault of 100 variables,
# against the bare `env A=1 true`. Target: under 10 ms median.
set -euo pipefail
cd "$(dirname "$0")/../../.."
cargo build --release -p latchkey-cli --locked -q
bin=$PWD/target/release/latchkey
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export LATCHKEY_HOME=$work/home
"$bin" init --identity-file "$work/identity.txt" 2>/dev/null
for i in $(seq 1 100); do
  printf 'sk-bench-value-%03d-%s' "$i" "$(head -c 24 /dev/urandom | base64 | tr -d '/+=')" |
    "$bin" set "VAR_$i" 2>/dev/null
done
hyperfine --shell=none --warmup 20 --runs 300 --export-json "$work/get.json" \
  "env A=1 true" "$bin get VAR_50"
python3 - "$work/get.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"{r['command']:<40} median {r['median']*1000:6.2f} ms")
PY
