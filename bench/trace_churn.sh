#!/usr/bin/env bash
# Benchmark of `tcpstate trace` (not a test): N loopback connections (default 50,000) made by
# examples/churn.rs in a private network namespace, first untraced, then traced by
#   1. tcpstate trace, one line per transition (table) to a file,
#   2. tcpstate trace --summary only,
#   3. libbpf-tools tcpstates writing to a file, when it is installed,
# each in a fresh namespace. For each: transitions captured (of the known total), events lost,
# tracer CPU (user+sys from bash's `time`) per captured transition, and the workload's rate
# with the slowdown against the untraced run. Needs root. Bounded: N connections, then stops.
#
#   bench/trace_churn.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-50000}
LISTENERS=8
BASE=40000
if [ "$(id -u)" != 0 ]; then
    echo "trace_churn: needs root (tracing and network namespaces)" >&2
    exit 1
fi
cargo build --release --quiet --bin tcpstate --example churn
BIN=$PWD/target/release/tcpstate
CHURN=$PWD/target/release/examples/churn
WORK=$(mktemp -d /tmp/tcpst-bench-XXXXXX)
NS=tcpst-bench-$$
cleanup() {
    ip netns del "$NS" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
fresh_ns() {
    ip netns del "$NS" 2>/dev/null || true
    ip netns add "$NS"
    ip -n "$NS" link set lo up
}
# Every connection makes 5 transitions on each side; each listener 2 (open, close).
EXPECTED=$((N * 10 + LISTENERS * 2))
run_churn() { ip netns exec "$NS" "$CHURN" "$N" "$LISTENERS" "$BASE" 1; }
rate_of() { sed -n 's/.*rate=\([0-9]*\).*/\1/p' "$1"; }
wait_file() { for _ in $(seq 200); do [ -s "$1" ] && return 0; sleep 0.05; done; echo "timed out waiting for $1" >&2; return 1; }

printf '%-28s %10s %8s %8s %12s %10s %9s\n' "tracer" "captured" "of" "lost" "cpu/event" "conn/s" "slowdown"

fresh_ns
run_churn > "$WORK/base.txt"
BASE_RATE=$(rate_of "$WORK/base.txt")
printf '%-28s %10s %8s %8s %12s %10s %9s\n' "(untraced)" - - - - "$BASE_RATE" "1.00x"

report() { # name captured lost cpu_seconds churn_file
    local rate; rate=$(rate_of "$5")
    awk -v n="$1" -v c="$2" -v e="$EXPECTED" -v l="$3" -v cpu="$4" -v r="$rate" -v b="$BASE_RATE" 'BEGIN {
        printf "%-28s %10d %8d %8d %10.2fus %10d %8.2fx\n", n, c, e, l, (c > 0 ? cpu / c * 1e6 : 0), r, b / r }'
}

tcpstate_run() { # name, extra flags...
    local name=$1; shift
    fresh_ns
    rm -f "$WORK/ready"
    ( TIMEFORMAT='%U %S'; time ip netns exec "$NS" "$BIN" trace --port "$BASE-$((BASE + LISTENERS - 1))" \
        --ready-file "$WORK/ready" "$@" > "$WORK/out" 2> "$WORK/err" ) 2> "$WORK/time" &
    local job=$!
    wait_file "$WORK/ready"
    run_churn > "$WORK/churn.txt"
    sleep 0.3
    kill -INT "$(cat "$WORK/ready")"
    wait "$job"
    local captured lost cpu
    captured=$(sed -n 's/^\([0-9]*\) transitions in .*/\1/p' "$WORK/out" | tail -1)
    lost=$(sed -n 's/.*; \([0-9]*\) events LOST.*/\1/p' "$WORK/out" | tail -1)
    cpu=$(awk '{print $1 + $2}' "$WORK/time")
    report "$name" "${captured:-0}" "${lost:-0}" "$cpu" "$WORK/churn.txt"
    cp "$WORK/out" "/tmp/tcpst-bench-last-$(echo "$name" | tr -c 'a-z0-9\n' '-').txt"
}

tcpstate_run "tcpstate trace (lines)"
tcpstate_run "tcpstate trace --summary" --summary

if command -v tcpstates > /dev/null; then
    fresh_ns
    ( TIMEFORMAT='%U %S'; time tcpstates > "$WORK/ts.out" 2> "$WORK/ts.err" ) 2> "$WORK/time" &
    job=$!
    sleep 2   # loading and attaching the BPF program; its header sits in stdio's buffer
    run_churn > "$WORK/churn.txt"
    sleep 0.3
    kill -INT "$(pgrep -P "$job" | head -1)"
    wait "$job" || true
    captured=$(awk -v lo="$BASE" -v hi="$((BASE + LISTENERS - 1))" \
        '($5 >= lo && $5 <= hi) || ($7 >= lo && $7 <= hi)' "$WORK/ts.out" | wc -l)
    lost=$(awk '/lost [0-9]+ events/ {s += $2} END {print s + 0}' "$WORK/ts.err")
    cpu=$(awk '{print $1 + $2}' "$WORK/time")
    report "libbpf-tools tcpstates" "$captured" "$lost" "$cpu" "$WORK/churn.txt"
else
    echo "(libbpf-tools tcpstates not installed: apt-get install libbpf-tools)"
fi

fresh_ns
run_churn > "$WORK/base2.txt"
printf '%-28s %10s %8s %8s %12s %10s %9s\n' "(untraced, again)" - - - - "$(rate_of "$WORK/base2.txt")" -
