#!/usr/bin/env bash
# `latchkey run -- true` against the bare `true`, with an identity file and with the OS
# keychain (gnome-keyring, when run under tests/with-keyring.sh), and a vault of 20
# variables, and fnox 1.46's `exec -- true` on the same 20 values when it is built.
# Targets: under 3 ms (identity file) and 20 ms (keychain) over bare `true`; inside a
# project (its latchkey.toml found three levels up and read), under 10 ms.
set -euo pipefail
cd "$(dirname "$0")/../../.."
cargo build --release -p latchkey-cli --locked -q
make -s launcher >/dev/null
bin=$PWD/target/release/latchkey
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
setup() {
  export LATCHKEY_HOME=$work/$1
  "$bin" init "${@:2}" 2>/dev/null
  for i in $(seq 1 20); do
    printf 'sk-bench-value-%03d-%s' "$i" "$(head -c 24 /dev/urandom | base64 | tr -d '/+=')" |
      "$bin" set "VAR_${i}_API_KEY" --force 2>/dev/null
  done
}
setup file --identity-file "$work/identity.txt"
args=(-n "bare true" "true" -n "latchkey run -- true (identity file)" "$bin run -- true")
if [ -n "${LATCHKEY_TEST_KEYRING:-}" ]; then
  (setup keychain)
  args+=(-n "latchkey run -- true (OS keychain)" "env LATCHKEY_HOME=$work/keychain $bin run -- true")
else
  echo "(no throwaway keyring: run under tests/with-keyring.sh to measure the keychain too)"
fi
# fnox 1.46 on the same 20 values, side by side, when it is built.
fnox=$HOME/.cache/fnox-build/src/target/release/fnox
if [ -x "$fnox" ]; then
  {
    printf '[providers.plain]\ntype = "plain"\n[secrets]\n'
    for i in $(seq 1 20); do
      printf 'VAR_%s_API_KEY = { provider = "plain", value = "sk-bench-value-%03d-%s" }\n' "$i" "$i" "$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
    done
  } >"$work/fnox.toml"
  args+=(-n "fnox 1.46 exec -- true" "env FNOX_DAEMON=off $fnox --no-daemon -c $work/fnox.toml exec -- true")
else
  echo "(fnox is not built: ../shared/tools/build-fnox.sh builds it in about 13 minutes; its line is missing)"
fi
export LATCHKEY_HOME=$work/file
hyperfine --shell=none --warmup 20 --runs 200 --export-json "$work/run.json" "${args[@]}" >/dev/null
# Inside a project: 20 declared secrets and a config default, found from three levels
# below the project's root, and exactly those injected.
project=$work/project
mkdir -p "$project/a/b/c"
{
  printf '[project]\ndefault_env = "default"\n'
  for i in $(seq 1 20); do printf '\n[vars.VAR_%s_API_KEY]\nkind = "secret"\n' "$i"; done
  printf '\n[vars.LOG_LEVEL]\nkind = "config"\ndefault = "info"\n'
} >"$project/latchkey.toml"
(cd "$project/a/b/c" && hyperfine --shell=none --warmup 20 --runs 200 --export-json "$work/project.json" \
  -n "bare true (in a project)" "true" -n "latchkey run -- true (in a project)" "$bin run -- true" >/dev/null)
python3 - "$work/run.json" "$work/project.json" <<'PY'
import json, sys
for path in sys.argv[1:]:
    results = json.load(open(path))["results"]
    bare = results[0]["median"]
    for r in results:
        print(f"{r['command']:<40} median {r['median']*1000:6.2f} ms  (+{(r['median']-bare)*1000:5.2f} ms)")
PY
