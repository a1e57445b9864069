#!/usr/bin/env bash
# `latchkey scan DIR` (the leak sweep) over 1 GiB of generated agent transcripts (JSONL,
# ~16 MiB a file) holding 50 stored values, each planted in 6 forms (literal, base64,
# base64url, percent, json, hex), against ripgrep searching the literal values only
# (`rg -F -f`) and detect-secrets (timed on a 64 MiB subset, scaled to the whole).
# Every planting must be found, and no stored value where none was planted.
# Targets: latchkey within 1.5x ripgrep; detect-secrets at least 20x latchkey.
# Usage: crates/cli/benches/sweep.sh   (from anywhere; builds in release; SWEEP_BYTES
# sets the tree's size, default 1073741824; SWEEP_SEED its seed)
set -euo pipefail
cd "$(dirname "$0")/../../.."
here=$PWD/crates/cli/benches
command -v hyperfine >/dev/null || { echo "hyperfine is missing: apt-get install -y hyperfine (make deps)"; exit 1; }
command -v rg >/dev/null || { echo "ripgrep is missing: apt-get install -y ripgrep"; exit 1; }
ds_dir=$PWD/target/bench-tools/detect-secrets
if command -v detect-secrets >/dev/null; then
  ds=(detect-secrets)
elif [ -x "$ds_dir/bin/detect-secrets" ]; then
  ds=(env "PYTHONPATH=$ds_dir" "$ds_dir/bin/detect-secrets")
else
  echo "detect-secrets is missing; install it beside the build (as tests/tools/install.sh does its tools):"
  echo "  PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install --target target/bench-tools/detect-secrets detect-secrets==1.5.0"
  echo "(or put it on PATH: pipx install detect-secrets)"
  exit 1
fi
cargo build --release -p latchkey-cli --locked -q
bin=$PWD/target/release/latchkey
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export LATCHKEY_HOME=$work/home
"$bin" init --identity-file "$work/identity.txt" 2>/dev/null
python3 "$here/sweep_corpus.py" values 50 >"$work/values.txt"
i=0
while IFS= read -r value; do
  i=$((i + 1))
  printf %s "$value" | "$bin" set "VAR_$i" --force 2>/dev/null
done <"$work/values.txt"
python3 "$here/sweep_corpus.py" tree "$work/values.txt" "$work/tree" "$work/planted.json"
bytes=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["bytes"])' "$work/planted.json")

# The page cache hot for all: one read of the whole tree first.
find "$work/tree" -type f -exec cat {} + >/dev/null
# `latchkey scan` exits 1 when it finds a current value: -i keeps hyperfine going.
hyperfine -i --warmup 1 --runs 3 --export-json "$work/sweep.json" \
  -n "latchkey scan" "$bin scan $work/tree --json > $work/scan.json" \
  -n "rg -F -f values" "rg -F -f $work/values.txt -c $work/tree"

# detect-secrets on 4 of the files (hard links: same pages, still cached), once. It
# scans only git-tracked files unless --all-files, and only below its working directory.
mkdir "$work/subset"
find "$work/tree" -name '*.jsonl' | sort | head -4 | xargs -I{} ln {} "$work/subset/"
sub_bytes=$(cat "$work"/subset/* | wc -c)
echo "detect-secrets scan --all-files on a subset of $((sub_bytes >> 20)) MiB (4 files), once..."
start=$EPOCHREALTIME
(cd "$work" && "${ds[@]}" scan --all-files subset >"$work/ds.json")
ds_secs=$(python3 -c "print($EPOCHREALTIME - $start)")

status=0
python3 "$here/sweep_corpus.py" check "$work/planted.json" "$work/scan.json" || status=1
python3 - "$work/sweep.json" "$bytes" "$ds_secs" "$sub_bytes" <<'PY' || status=1
import json, sys
results = {r["command"]: r["median"] for r in json.load(open(sys.argv[1]))["results"]}
total, ds_secs, sub = int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
lk, rg = results["latchkey scan"], results["rg -F -f values"]
ds = ds_secs * total / sub
rows = [("latchkey scan (6 forms)", lk), ("ripgrep -F (literal only)", rg),
        (f"detect-secrets (scaled x{total / sub:.1f} from {sub / 2**20:.0f} MiB)", ds)]
print(f"\n{total / 2**30:.2f} GiB in the tree")
print(f"{'tool':<44} {'median s':>9} {'GiB/s':>8} {'x ripgrep':>10}")
for name, secs in rows:
    print(f"{name:<44} {secs:9.3f} {total / 2**30 / secs:8.3g} {secs / rg:10.2f}")
targets = [(f"latchkey <= 1.5x ripgrep: {lk / rg:.2f}x", lk / rg <= 1.5),
           (f"detect-secrets >= 20x latchkey: {ds / lk:.1f}x", ds / lk >= 20)]
for text, ok in targets:
    print(f"{'PASS' if ok else 'FAIL'}  {text}")
PY
exit $status
