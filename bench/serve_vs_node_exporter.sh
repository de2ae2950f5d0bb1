#!/usr/bin/env bash
# Scrape cost of `tcpstate serve` beside node_exporter's tcpstat collector, on the same socket
# population in a private network namespace (both exporters run inside it).
#
#   bench/serve_vs_node_exporter.sh [SOCKETS...]      default: 10000 100000
#
# Per population: 70 % ESTABLISHED (loopback pairs on 127.0.0.1, held by worker processes of
# at most 18,000 descriptors each) and 30 % TIME_WAIT (on ::1, held by the kernel for 60 s),
# then SCRAPES scrapes of each exporter, interleaved, each timed by curl (time_total), plus
# the exporter process's CPU time per scrape (user + system, all threads; clock-tick
# resolution, so read it over many scrapes). tcpstate runs with
# --min-interval 0 so every scrape collects anew. Needs root, iproute2, curl and
# prometheus-node-exporter (apt-get install -y prometheus-node-exporter).
set -euo pipefail
cd "$(dirname "$0")/.."

SCRAPES=${SCRAPES:-50}
POPS=("$@")
[ ${#POPS[@]} -gt 0 ] || POPS=(10000 100000)
NODE_EXPORTER=${NODE_EXPORTER:-$(command -v prometheus-node-exporter || command -v node_exporter || true)}
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)" >&2; exit 1; }
[ -n "$NODE_EXPORTER" ] || { echo "node_exporter not found: apt-get install -y prometheus-node-exporter" >&2; exit 1; }
command -v curl >/dev/null || { echo "needs curl" >&2; exit 1; }

cargo build --release --quiet --bin tcpstate --example socket_population
TCPSTATE=$PWD/target/release/tcpstate
POPULATE=$PWD/target/release/examples/socket_population
TMP=$(mktemp -d)
NS=""
PIDS=()

cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    PIDS=()
    [ -z "$NS" ] || ip netns del "$NS" 2>/dev/null || true
    NS=""
}
trap 'cleanup; rm -rf "$TMP"' EXIT

in_ns() { ip netns exec "$NS" "$@"; }

# Start a worker and wait (bounded) for its "ready" line.
worker() {
    local out=$TMP/worker.$RANDOM.$RANDOM
    ip netns exec "$NS" "$POPULATE" "$@" >"$out" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 600); do
        grep -q '^ready' "$out" 2>/dev/null && return 0
        kill -0 "${PIDS[-1]}" 2>/dev/null || { cat "$out" >&2; exit 1; }
        sleep 0.1
    done
    echo "worker $* never got ready" >&2
    exit 1
}

wait_port() {
    for _ in $(seq 200); do
        in_ns curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0
        sleep 0.05
    done
    echo "nothing listens on port $1" >&2
    cat "$TMP"/*.log >&2 2>/dev/null || true
    exit 1
}

# CPU time (user + system) of a process and all its threads, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# scrape PORT -> appends one time_total (seconds) per scrape to $TMP/times.PORT
scrape() { in_ns curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$1/metrics" >>"$TMP/times.$1"; }

stats() { # file -> "median mean"
    sort -g "$1" | awk '{v[NR]=$1; s+=$1} END {m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2; printf "%.2f %.2f\n", m*1000, s/NR*1000}'
}

HZ=$(getconf CLK_TCK)
printf '%-9s %-26s %10s %10s %12s %10s\n' sockets exporter "median ms" "mean ms" "cpu ms/scrape" "series"
for total in "${POPS[@]}"; do
    NS=tcpst-bench-serve-$$-$total
    ip netns add "$NS"
    in_ns ip link set lo up
    # Ephemeral ports above every port this script listens on (exporters 9100, 10011, 10012;
    # population listeners below 1024).
    in_ns sysctl -q -w net.ipv4.ip_local_port_range="12000 65000"
    # No reuse of loopback TIME_WAIT entries by new connections: the population stays as made.
    in_ns sysctl -q -w net.ipv4.tcp_tw_reuse=0
    pairs=$(( total * 7 / 20 ))          # 2 sockets each: 70 %
    tw=$(( total - 2 * pairs ))           # the rest: TIME_WAIT
    # Listener ports below the namespace's ephemeral range, so no client takes them.
    port=200
    while [ "$pairs" -gt 0 ]; do
        n=$(( pairs > 9000 ? 9000 : pairs ))
        worker established "$n" "$port"
        pairs=$(( pairs - n )); port=$(( port + 1 ))
    done
    worker time-wait "$tw" 300

    # `ip netns exec` execs in place, so $! is the exporter itself.
    ip netns exec "$NS" "$TCPSTATE" serve --listen 127.0.0.1:10011 --min-interval 0 2>/dev/null &
    PIDS+=($!); TS_PID=$!
    ip netns exec "$NS" "$TCPSTATE" serve --listen 127.0.0.1:10012 --min-interval 0 --listeners --compat-node-exporter 2>/dev/null &
    PIDS+=($!); TSF_PID=$!
    ip netns exec "$NS" "$NODE_EXPORTER" --collector.disable-defaults --collector.tcpstat \
        --web.disable-exporter-metrics --web.listen-address=127.0.0.1:9100 2>"$TMP/node_exporter.log" &
    PIDS+=($!); NE_PID=$!
    wait_port 10011; wait_port 10012; wait_port 9100
    seen=$(in_ns "$TCPSTATE" --format plain | awk '{s += $2} END {print s}')

    # Warm up once each, then interleave.
    for p in 10011 10012 9100; do scrape $p; : >"$TMP/times.$p"; done
    declare -A cpu0
    for pid in $TS_PID $TSF_PID $NE_PID; do cpu0[$pid]=$(cpu_ticks $pid); done
    for _ in $(seq "$SCRAPES"); do scrape 9100; scrape 10011; scrape 10012; done
    for row in "9100 $NE_PID node_exporter-tcpstat" "10011 $TS_PID tcpstate-serve" "10012 $TSF_PID tcpstate-serve-full"; do
        set -- $row
        series=$(in_ns curl -s "http://127.0.0.1:$1/metrics" | grep -vc '^#')
        cpu=$(awk -v a="${cpu0[$2]}" -v b="$(cpu_ticks "$2")" -v hz="$HZ" -v n="$SCRAPES" 'BEGIN {printf "%.1f", (b - a) * 1000 / hz / n}')
        read -r med mean < <(stats "$TMP/times.$1")
        printf '%-9s %-26s %10s %10s %12s %10s\n' "$seen" "$3" "$med" "$mean" "$cpu" "$series"
        echo "$total $3 $med" >>"$TMP/medians"
    done
    ne=$(awk -v t="$total" '$1 == t && $2 == "node_exporter-tcpstat" {print $3}' "$TMP/medians")
    for name in tcpstate-serve tcpstate-serve-full; do
        ts=$(awk -v t="$total" -v n="$name" '$1 == t && $2 == n {print $3}' "$TMP/medians")
        awk -v a="$ts" -v b="$ne" -v n="$name" 'BEGIN {printf "          %s / node_exporter (median): %.2fx\n", n, a / b}'
    done
    cleanup
done
