#!/usr/bin/env bash
# Benchmark of `tcpstate trace --events` (not a test): bulk transfers (examples/lossy_bulk.rs)
# over loopback in a private network namespace whose nftables rule drops 5 % of the packets to
# the server port at random (the kernel here has no sch_netem; the loss works the same way on
# the receiving side), MTU 1500 and one segment per packet (gso_max_segs 1) so the kernel's
# per-packet retransmit event and its per-segment RetransSegs count the same thing. Each round
# runs the workload untraced, under `tcpstate trace --events retrans --summary`, under
# `--events retrans,drop --summary`, and under the eBPF tools when one runs here (bcc's
# tcpretrans needs kernel headers at run time; libbpf-tools does not ship tcpretrans), each in
# a fresh namespace. Prints, per tracer, retransmits captured against the namespace's
# RetransSegs rise, netfilter drops captured against the rule's own counter, events lost, the
# tracer's CPU (user+sys, start-up and idle polling included) in all and per event delivered,
# and the workload's slowdown (medians; the counts are totals over the rounds, so captured and
# kernel counts compare exactly). Needs root. Bounded: MIB × CONNS per run.
#
#   bench/trace_causes.sh [MIB] [CONNS]        ROUNDS=5 bench/trace_causes.sh 256 4
set -euo pipefail
cd "$(dirname "$0")/.."
MIB=${1:-256}
CONNS=${2:-4}
ROUNDS=${ROUNDS:-3}
PORT=41000
if [ "$(id -u)" != 0 ]; then
    echo "trace_causes: needs root (tracing and network namespaces)" >&2
    exit 1
fi
cargo build --release --quiet --bin tcpstate --example lossy_bulk
BIN=$PWD/target/release/tcpstate
BULK=$PWD/target/release/examples/lossy_bulk
WORK=$(mktemp -d /tmp/tcpst-causes-XXXXXX)
NS=tcpst-causes-$$
cleanup() {
    ip netns del "$NS" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
fresh_ns() {
    ip netns del "$NS" 2>/dev/null || true
    ip netns add "$NS"
    ip -n "$NS" link set lo mtu 1500 gso_max_segs 1 up
    ip netns exec "$NS" nft -f - <<NFT
table inet loss {
    chain in {
        type filter hook input priority 0;
        tcp dport $PORT numgen random mod 100 < 5 counter drop
    }
}
NFT
}
retrans_segs() {
    ip netns exec "$NS" awk '/^Tcp:/ { if (!h) { for (i = 1; i <= NF; i++) if ($i == "RetransSegs") c = i; h = 1 } else print $c }' /proc/net/snmp
}
nft_drops() {
    ip netns exec "$NS" nft list table inet loss | sed -n 's/.*packets \([0-9]*\).*/\1/p'
}
rate_of() { sed -n 's/.*rate=\([0-9]*\).*/\1/p' "$1"; }
wait_file() {
    for _ in $(seq 400); do [ -s "$1" ] && return 0; sleep 0.05; done
    echo "trace_causes: timed out waiting for $1" >&2
    return 1
}

# Each run appends "name retrans_captured retrans_kernel drops_captured drops_kernel lost
# delivered cpu_seconds rate base_rate" to $WORK/results.
untraced() {
    fresh_ns
    ip netns exec "$NS" "$BULK" "$MIB" "$CONNS" "$PORT" > "$WORK/bulk.txt"
    ROUND_BASE=$(rate_of "$WORK/bulk.txt")
    ROUND_SECS=$(sed -n 's/.* in \([0-9.]*\) s .*/\1/p' "$WORK/bulk.txt")
    echo "untraced 0 0 0 0 0 0 0 $ROUND_BASE $ROUND_BASE" >> "$WORK/results"
}

# The tracer with nothing to trace, as long as the untraced workload ran: its fixed cost
# (start-up, process scan, polling), to set beside the traced runs' CPU.
idle_run() {
    fresh_ns
    ( TIMEFORMAT='%U %S'; time ip netns exec "$NS" "$BIN" trace --events retrans --summary \
        --port 1 --duration "${ROUND_SECS}s" > /dev/null 2>&1 ) 2> "$WORK/time"
    echo "idle 0 0 0 0 0 0 $(awk '{print $1 + $2}' "$WORK/time") $ROUND_BASE $ROUND_BASE" >> "$WORK/results"
}

tcpstate_run() { # name, events
    local name=$1 events=$2
    fresh_ns
    rm -f "$WORK/ready"
    ( TIMEFORMAT='%U %S'; time ip netns exec "$NS" "$BIN" trace --events "$events" --summary \
        --format json --ready-file "$WORK/ready" > "$WORK/out" 2> "$WORK/err" ) 2> "$WORK/time" &
    local job=$!
    wait_file "$WORK/ready"
    local before
    before=$(retrans_segs)
    ip netns exec "$NS" "$BULK" "$MIB" "$CONNS" "$PORT" > "$WORK/bulk.txt"
    sleep 1.5   # the last FIN retransmits
    local kernel=$(( $(retrans_segs) - before )) dropped
    dropped=$(nft_drops)
    kill -INT "$(cat "$WORK/ready")"
    wait "$job"
    local summary
    summary=$(tail -1 "$WORK/out")
    local captured drops lost delivered cpu
    captured=$(jq '.causes.retransmits.sent' <<< "$summary")
    drops=$(jq '[.causes.drops.by_reason[] | select(.reason == "NETFILTER_DROP") | .count] | add // 0' <<< "$summary")
    lost=$(jq '.events.lost + .events.undelivered' <<< "$summary")
    # Every record the tracer was handed: state changes (always read) and incidents.
    delivered=$(jq '.events.seen + .causes.retransmits.sent + .causes.retransmits.failed + .causes.drops.total + .events.other_protocol' <<< "$summary")
    cpu=$(awk '{print $1 + $2}' "$WORK/time")
    echo "$name $captured $kernel $drops $dropped $lost $delivered $cpu $(rate_of "$WORK/bulk.txt") $ROUND_BASE" >> "$WORK/results"
}

ebpf_run() { # name, command
    local name=$1; shift
    fresh_ns
    ( TIMEFORMAT='%U %S'; time "$@" > "$WORK/e.out" 2> "$WORK/e.err" ) 2> "$WORK/time" &
    local job=$!
    sleep 5   # compiling and attaching its BPF program
    local before
    before=$(retrans_segs)
    ip netns exec "$NS" "$BULK" "$MIB" "$CONNS" "$PORT" > "$WORK/bulk.txt"
    sleep 1.5
    local kernel=$(( $(retrans_segs) - before ))
    kill -INT "$(pgrep -P "$job" | head -1)" 2>/dev/null || true
    wait "$job" || true
    local captured
    captured=$(grep -c ":$PORT " "$WORK/e.out" || true)
    echo "$name $captured $kernel 0 0 0 $captured $(awk '{print $1 + $2}' "$WORK/time") $(rate_of "$WORK/bulk.txt") $ROUND_BASE" >> "$WORK/results"
}

EBPF=""
if command -v tcpretrans-bpfcc > /dev/null && timeout 30 tcpretrans-bpfcc -h > /dev/null 2>&1 \
    && [ -d "/lib/modules/$(uname -r)/build" ]; then
    EBPF=tcpretrans-bpfcc
fi
[ -z "$EBPF" ] && echo "trace_causes: no eBPF retransmit tracer runs here (bcc needs kernel headers; libbpf-tools has no tcpretrans): tcpstate alone" >&2
for r in $(seq "$ROUNDS"); do
    echo "round $r of $ROUNDS…" >&2
    untraced
    idle_run
    tcpstate_run retrans retrans
    tcpstate_run retrans_drop retrans,drop
    [ -n "$EBPF" ] && ebpf_run bcc "$EBPF"
done

echo "$MIB MiB x $CONNS connections through 5 % random loss, $ROUNDS rounds, $(nproc) CPUs; retrans, RetransSegs, drops, nft-drops and lost: totals over the rounds; the rest: medians"
printf '%-40s %9s %9s %8s %8s %6s %8s %11s %9s %9s\n' tracer retrans RetransSegs drops nft-drops lost cpu-ms cpu/event KiB/s slowdown
for name in untraced idle retrans retrans_drop bcc; do
    grep -q "^$name " "$WORK/results" || continue
    label=$name
    case $name in
        untraced) label="(untraced)" ;;
        idle) label="(tracer idle as long)" ;;
        retrans) label="tcpstate trace --events retrans --summary" ;;
        retrans_drop) label="  … --events retrans,drop --summary" ;;
        bcc) label="bcc tcpretrans" ;;
    esac
    grep "^$name " "$WORK/results" | awk -v label="$label" -v n="$name" '
        function median(a, k,   i, j, t) {
            for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
            return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
        }
        { k++; cap += $2; ker += $3; dr += $4; ndr += $5; lost += $6
          cpu[k] = ($7 > 0 ? $8 / $7 * 1e6 : 0); ms[k] = $8 * 1000; rate[k] = $9; slow[k] = $10 / $9 }
        END {
            if (n == "idle")
                printf "%-40s %9s %9s %8s %8s %6s %8d %11s %9s %9s\n", label, "-", "-", "-", "-", "-", median(ms, k), "-", "-", "-"
            else if (n == "untraced")
                printf "%-40s %9s %9s %8s %8s %6s %8s %11s %9d %9s\n", label, "-", "-", "-", "-", "-", "-", "-", median(rate, k), "1.00x"
            else
                printf "%-40s %9d %9d %8d %8d %6d %8d %9.2fus %9d %8.2fx\n", label, cap, ker, dr, ndr, lost, median(ms, k), median(cpu, k), median(rate, k), median(slow, k)
        }'
done
