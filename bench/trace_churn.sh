#!/usr/bin/env bash
# Benchmark of `tcpstate trace` (not a test): N loopback connections (default 50,000) made by
# examples/churn.rs in a private network namespace — untraced, traced by `tcpstate trace`
# (one line per transition, to a file), by `tcpstate trace --summary`, and by libbpf-tools
# `tcpstates` (to a file) when it is installed — each run in a fresh namespace, ROUNDS times
# (default 3) in turn so that a busy machine hurts every tracer alike. Prints, per tracer, the
# transitions captured out of those made, events lost, the tracer's CPU (user+sys, from bash's
# `time`) per captured transition, the workload's connections per second, and its slowdown
# against the untraced run of the same round (medians over the rounds; lost is the total).
# Needs root. Bounded: N connections per run, then it stops.
#
#   bench/trace_churn.sh [N]          ROUNDS=5 bench/trace_churn.sh 50000
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-50000}
ROUNDS=${ROUNDS:-3}
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
PORTS="$BASE-$((BASE + LISTENERS - 1))"
run_churn() { ip netns exec "$NS" "$CHURN" "$N" "$LISTENERS" "$BASE" 1; }
rate_of() { sed -n 's/.*rate=\([0-9]*\).*/\1/p' "$1"; }
wait_file() {
    for _ in $(seq 400); do [ -s "$1" ] && return 0; sleep 0.05; done
    echo "trace_churn: timed out waiting for $1" >&2
    return 1
}

# Each run appends "name captured lost cpu_seconds rate base_rate" to $WORK/results.
untraced() {
    fresh_ns
    run_churn > "$WORK/churn.txt"
    ROUND_BASE=$(rate_of "$WORK/churn.txt")
    echo "untraced 0 0 0 $ROUND_BASE $ROUND_BASE" >> "$WORK/results"
}

tcpstate_run() { # name, extra flags...
    local name=$1; shift
    fresh_ns
    rm -f "$WORK/ready"
    ( TIMEFORMAT='%U %S'; time ip netns exec "$NS" "$BIN" trace --port "$PORTS" \
        --ready-file "$WORK/ready" "$@" > "$WORK/out" 2> "$WORK/err" ) 2> "$WORK/time" &
    local job=$!
    wait_file "$WORK/ready"
    run_churn > "$WORK/churn.txt"
    sleep 0.3
    kill -INT "$(cat "$WORK/ready")"
    wait "$job"
    local captured lost cpu
    captured=$(sed -n 's/^\([0-9]*\) transitions in .*/\1/p' "$WORK/out" | tail -1)
    # Lost (buffer full) plus counted-but-never-delivered, from the summary's first line.
    lost=$(sed -n -e 's/.*; \([0-9]*\) events LOST and \([0-9]*\) NOT DELIVERED.*/\1 \2/p' \
        -e 's/.*; \([0-9]*\) events \(LOST\|NOT DELIVERED\) .*/\1/p' "$WORK/out" \
        | tail -1 | awk '{print $1 + $2}')
    cpu=$(awk '{print $1 + $2}' "$WORK/time")
    echo "$name ${captured:-0} ${lost:-0} $cpu $(rate_of "$WORK/churn.txt") $ROUND_BASE" >> "$WORK/results"
}

tcpstates_run() {
    fresh_ns
    ( TIMEFORMAT='%U %S'; time tcpstates > "$WORK/ts.out" 2> "$WORK/ts.err" ) 2> "$WORK/time" &
    local job=$!
    sleep 2   # loading and attaching its BPF program (its header sits in stdio's buffer)
    run_churn > "$WORK/churn.txt"
    sleep 0.3
    kill -INT "$(pgrep -P "$job" | head -1)"
    wait "$job" || true
    local captured lost cpu
    # Its lines: SKADDR C-PID C-COMM LADDR LPORT RADDR RPORT OLDSTATE -> NEWSTATE MS. Reports
    # of a socket set to the state it already had (close() after shutdown()) are not
    # transitions and not in the expected count: leave them out, as tcpstate does.
    captured=$(awk -v lo="$BASE" -v hi="$((BASE + LISTENERS - 1))" \
        '(($5 >= lo && $5 <= hi) || ($7 >= lo && $7 <= hi)) && $8 != $10' "$WORK/ts.out" | wc -l)
    lost=$(awk '/lost [0-9]+ events/ {s += $2} END {print s + 0}' "$WORK/ts.err")
    cpu=$(awk '{print $1 + $2}' "$WORK/time")
    echo "tcpstates $captured $lost $cpu $(rate_of "$WORK/churn.txt") $ROUND_BASE" >> "$WORK/results"
}

HAVE_TCPSTATES=0
command -v tcpstates > /dev/null && HAVE_TCPSTATES=1
for r in $(seq "$ROUNDS"); do
    echo "round $r of $ROUNDS…" >&2
    untraced
    tcpstate_run lines
    tcpstate_run summary --summary
    [ "$HAVE_TCPSTATES" = 1 ] && tcpstates_run
done

echo "$N connections, $EXPECTED transitions each run, $ROUNDS rounds, $(nproc) CPUs; medians (lost: total)"
printf '%-26s %9s %9s %8s %11s %8s %9s\n' tracer captured of lost cpu/event conn/s slowdown
for name in untraced lines summary tcpstates; do
    grep -q "^$name " "$WORK/results" || continue
    label=$name
    case $name in
        untraced) label="(untraced)" ;;
        lines) label="tcpstate trace" ;;
        summary) label="tcpstate trace --summary" ;;
        tcpstates) label="libbpf-tools tcpstates" ;;
    esac
    grep "^$name " "$WORK/results" | awk -v label="$label" -v e="$EXPECTED" -v n="$name" '
        function median(a, k,   i, j, t) {
            for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
            return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
        }
        { k++; cap[k] = $2; lost += $3; cpu[k] = ($2 > 0 ? $4 / $2 * 1e6 : 0); rate[k] = $5; slow[k] = $6 / $5 }
        END {
            if (n == "untraced")
                printf "%-26s %9s %9s %8s %11s %8d %9s\n", label, "-", "-", "-", "-", median(rate, k), "1.00x"
            else
                printf "%-26s %9d %9d %8d %9.2fus %8d %8.2fx\n", label, median(cap, k), e, lost, median(cpu, k), median(rate, k), median(slow, k)
        }'
done
