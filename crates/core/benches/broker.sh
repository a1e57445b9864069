#!/usr/bin/env bash
# The broker's figures for `make bench` (issue 15), on loopback only:
#   - added latency per request, through the broker against direct, p50 and p99, on a
#     kept-alive connection (base-URL route, and the proxy route with TLS interception)
#     and with a new connection per request;
#   - 200 concurrent streams of 100 server-sent events, each checked whole;
#   - response throughput with reflection masking (one broker thread: one core);
#   - `run --broker -- true` over `run -- true`;
#   - fnox 1.46's proxy on the same upstream and requests, when it is built
#     (../shared/tools/build-fnox.sh); otherwise the line says why it is missing.
# Usage: crates/core/benches/broker.sh   (from the repository root; builds in release)
set -euo pipefail
cd "$(dirname "$0")/../../.."
cargo build --release --locked -q -p latchkey-cli -p latchkey-launcher --example broker_load -p latchkey-core
bin=$PWD/target/release
load=$bin/examples/broker_load
latchkey=$bin/latchkey
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

export LATCHKEY_HOME=$tmp/home LATCHKEY_CONFIG_DIR=$tmp/config LATCHKEY_LOOPBACK_ONLY=1
unset HTTPS_PROXY HTTP_PROXY https_proxy http_proxy ALL_PROXY all_proxy
"$latchkey" init --identity-file "$tmp/identity" >/dev/null 2>&1
key=$(python3 -c "import json;print([c['value'] for c in json.load(open('tests/validation/corpus.json'))['cases'] if c['provider']=='openai' and c['format']=='ok'][0])")
printf %s "$key" | "$latchkey" set OPENAI_API_KEY --force >/dev/null 2>&1

start() { # DIR [PORT] -> the upstream's port
  mkdir -p "$1"
  "$load" serve "$1" ${2:-} >"$1/port" &
  pids+=($!)
  for _ in $(seq 100); do [ -s "$1/port" ] && break; sleep 0.05; done
  cat "$1/port"
}
field() { python3 -c "import json,sys;print(json.loads(sys.stdin.read().strip().splitlines()[-1])['$1'])"; }
brokered() { "$latchkey" run --broker -- "$@" 2>/dev/null; }

N=5000
plain=$(start "$tmp/plain")
"$latchkey" set OPENAI_BASE_URL --config --value "http://127.0.0.1:$plain/v1" >/dev/null 2>&1
direct=$("$load" latency "http://127.0.0.1:$plain/v1/small" $N)
through=$(brokered sh -c "'$load' latency \"\$OPENAI_BASE_URL/small\" $N")
echo "== latency, kept-alive connection, $N requests (µs)"
printf '%-44s p50 %7.1f   p99 %7.1f\n' "direct, plain HTTP" "$(echo "$direct" | field p50_us)" "$(echo "$direct" | field p99_us)"
printf '%-44s p50 %7.1f   p99 %7.1f\n' "latchkey broker, base-URL route" "$(echo "$through" | field p50_us)" "$(echo "$through" | field p99_us)"
python3 - "$direct" "$through" <<'EOF'
import json, sys
d, b = (json.loads(x) for x in sys.argv[1:])
print(f"{'added by the broker':44} p50 {b['p50_us']-d['p50_us']:7.1f}   p99 {b['p99_us']-d['p99_us']:7.1f}   (targets: 500, 3000)")
EOF

echo "== 200 concurrent streams of 100 events, through the broker"
brokered sh -c "'$load' streams \"\$OPENAI_BASE_URL/stream\" 200"

echo "== response throughput with reflection masking (2 GiB, the key echoed once per MiB)"
echo "direct:  $("$load" download "http://127.0.0.1:$plain/v1/big?bytes=2147483648")"
echo "broker:  $(brokered sh -c "'$load' download \"\$OPENAI_BASE_URL/big?bytes=2147483648\"")   (target: 300 MB/s; placeholders_seen 2048 = every echo masked)"

echo "== start time"
if command -v hyperfine >/dev/null; then
  hyperfine -N -w 20 -r 200 --export-json "$tmp/start.json" \
    "$latchkey run -- true" "$latchkey run --broker -- true" >/dev/null 2>&1
  python3 - "$tmp/start.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
plain, broker = (x["mean"] * 1000 for x in r)
print(f"run -- true {plain:.2f} ms, run --broker -- true {broker:.2f} ms: the broker adds {broker - plain:.2f} ms (target: under 15)")
EOF
else
  echo "hyperfine is missing (apt-get install hyperfine): start time not measured"
fi

# The proxy route (CONNECT and TLS interception), against an HTTPS upstream on
# localhost:443: fnox intercepts only port 443.
echo "== proxy route, HTTPS upstream (µs)"
if [ "$(id -u)" != 0 ]; then
  echo "not root: port 443 cannot be opened, so the proxy route and fnox are not measured"
  exit 0
fi
tls=$(start "$tmp/tls" 443)
"$latchkey" set OPENAI_BASE_URL --config --value "https://localhost/v1" >/dev/null 2>&1
export LATCHKEY_EXTRA_CA_FILE=$tmp/tls/ca.pem SSL_CERT_FILE=$tmp/tls/ca.pem
kept=$(brokered sh -c "'$load' latency https://localhost/v1/small $N")
fresh=$(brokered sh -c "'$load' latency https://localhost/v1/small 1000 --new")
printf '%-44s p50 %7.1f   p99 %7.1f\n' "latchkey, kept-alive tunnel" "$(echo "$kept" | field p50_us)" "$(echo "$kept" | field p99_us)"
printf '%-44s p50 %7.1f   p99 %7.1f\n' "latchkey, new connection per request" "$(echo "$fresh" | field p50_us)" "$(echo "$fresh" | field p99_us)"

fnox=$HOME/.cache/fnox-build/src/target/release/fnox
if [ ! -x "$fnox" ]; then
  echo "fnox is not built (../shared/tools/build-fnox.sh builds it in about 13 minutes): its column is missing"
  exit 0
fi
cat >"$tmp/fnox.toml" <<EOF
[providers.plain]
type = "plain"
[secrets]
OPENAI_API_KEY = { provider = "plain", value = "$key" }
[proxy]
audit = false
allow_private = ["127.0.0.1:443"]
[[proxy.rules]]
secret = "OPENAI_API_KEY"
domain = "localhost"
header = "authorization"
EOF
fnox_run() { FNOX_DAEMON=off RUST_LOG=warn "$fnox" --no-daemon -c "$tmp/fnox.toml" proxy run -- "$@"; }
fx=$(fnox_run "$load" latency https://localhost/v1/small 1000 --new 2>"$tmp/fnox.err" || true)
if [ -n "$fx" ]; then
  printf '%-44s p50 %7.1f   p99 %7.1f   (fnox closes every connection)\n' "fnox 1.46 proxy, new connection per request" "$(echo "$fx" | field p50_us)" "$(echo "$fx" | field p99_us)"
else
  echo "fnox failed: $(tail -1 "$tmp/fnox.err")"
fi
echo "fnox, 20 MB body:  $(fnox_run "$load" download "https://localhost/v1/big?bytes=20000000" 2>&1 | tail -1)"
echo "latchkey, 20 MB:   $(brokered sh -c "'$load' download 'https://localhost/v1/big?bytes=20000000'")"
if command -v hyperfine >/dev/null; then
  hyperfine -N -w 5 -r 50 --export-json "$tmp/fstart.json" \
    "$latchkey run --broker -- true" "env FNOX_DAEMON=off $fnox --no-daemon -c $tmp/fnox.toml proxy run -- true" >/dev/null 2>&1 || true
  python3 - "$tmp/fstart.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
print("start: " + ", ".join(f"{x['command'].split()[0].rsplit('/',1)[-1] if 'latchkey' in x['command'] else 'fnox proxy run'} {x['mean']*1000:.2f} ms" for x in r))
EOF
fi
