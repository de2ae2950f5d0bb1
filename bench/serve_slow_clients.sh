#!/usr/bin/env bash
# Scrape latency of `tcpstate serve` while other clients hold connections open without
# finishing a request: idle ones (connect, send nothing) and slow ones (send a request one
# byte a second). A holder process keeps that many open all the time: when the exporter
# closes one (head deadline, connection limit) it connects again at once.
#
#   bench/serve_slow_clients.sh ["IDLE SLOW MAX_CONNECTIONS" ...]
#   default: "0 0 64" "4 0 64" "0 40 64" "0 200 64" "0 100 1000" "500 100 1000"
#
# Per case: SCRAPES scrapes (default 20), one every 0.5 s, each timed by curl (time_total,
# given up after 30 s), the status codes seen ("none": no answer), and the exporter's resident memory before and after. Runs in a
# private network namespace. Needs root, iproute2, curl and python3. TCPSTATE=/path/to/binary
# measures that binary instead of building this tree (to compare with an older build).
set -euo pipefail
cd "$(dirname "$0")/.."

SCRAPES=${SCRAPES:-20}
CASES=("$@")
[ ${#CASES[@]} -gt 0 ] || CASES=("0 0 64" "4 0 64" "0 40 64" "0 200 64" "0 100 1000" "500 100 1000")
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)" >&2; exit 1; }
for t in curl python3 ip; do command -v $t >/dev/null || { echo "needs $t" >&2; exit 1; }; done

if [ -z "${TCPSTATE:-}" ]; then
    cargo build --release --quiet --bin tcpstate
    TCPSTATE=$PWD/target/release/tcpstate
fi
TMP=$(mktemp -d)
NS=tcpst-bench-slow-$$
PORT=10011
PIDS=()

cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    PIDS=()
    ip netns del "$NS" 2>/dev/null || true
}
trap 'cleanup; rm -rf "$TMP"' EXIT

cat >"$TMP/holder.py" <<'EOF'
# holder.py PORT IDLE SLOW: keep IDLE idle and SLOW byte-a-second connections open.
import select, socket, sys, time
port, idle, slow = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
req = b"GET /metrics HTTP/1.1\r\nHost: slow\r\n\r\n"
def dial():
    s = socket.create_connection(("127.0.0.1", port))
    s.setblocking(False)
    return s
conns = [[dial(), kind, 0] for kind in ["idle"] * idle + ["slow"] * slow]
print("ready", flush=True)
reconnects, last = 0, 0.0
while True:
    socks = [c[0] for c in conns]
    readable = set(select.select(socks, [], [], 0.2)[0]) if socks else set()
    now = time.time()
    for c in conns:
        if c[0] in readable:  # the exporter answered (408/503) or closed: come back
            c[0].close(); c[0] = dial(); c[2] = 0; reconnects += 1
    if now - last >= 1.0:
        last = now
        for c in conns:
            if c[1] == "slow":
                try:
                    c[0].send(req[c[2] % len(req):c[2] % len(req) + 1]); c[2] += 1
                except OSError:
                    pass
    if not socks:
        time.sleep(0.2)
EOF

in_ns() { ip netns exec "$NS" "$@"; }
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

printf '%-5s %-5s %-6s %10s %10s %10s  %-22s %s\n' idle slow maxconn "median ms" "p90 ms" "max ms" "statuses" "RSS KiB before -> after"
for c in "${CASES[@]}"; do
    read -r idle slow maxconn <<<"$c"
    ip netns add "$NS"
    ip -n "$NS" link set lo up
    # Not through in_ns: $! must be the exporter itself (ip netns exec execs it in place).
    ip netns exec "$NS" "$TCPSTATE" serve --listen "127.0.0.1:$PORT" --min-interval 0 --max-connections "$maxconn" 2>"$TMP/serve.log" &
    SERVE=$!
    PIDS+=("$SERVE")
    for _ in $(seq 200); do
        in_ns curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break
        sleep 0.05
    done
    in_ns curl -s -o /dev/null "http://127.0.0.1:$PORT/metrics"
    before=$(rss_kib "$SERVE")
    ip netns exec "$NS" python3 "$TMP/holder.py" "$PORT" "$idle" "$slow" >"$TMP/holder.out" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 300); do grep -q ready "$TMP/holder.out" && break; sleep 0.1; done
    sleep 1
    : >"$TMP/times"
    for _ in $(seq "$SCRAPES"); do
        # curl writes the line also when it gives up (status 000 = no answer in 30 s).
        in_ns curl -s -o /dev/null --max-time 30 -w '%{time_total} %{http_code}\n' \
            "http://127.0.0.1:$PORT/metrics" >>"$TMP/times" || true
        sleep 0.5
    done
    after=$(rss_kib "$SERVE")
    statuses=$(awk '{n[$2 == "000" ? "none" : $2]++} END {for (s in n) printf "%s%s×%d", (i++ ? "," : ""), s, n[s]}' "$TMP/times")
    read -r median p90 max < <(awk '{print $1}' "$TMP/times" | sort -g | awk '{v[NR]=$1} END {
        m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2; p = v[int(NR*0.9 + 0.999)];
        printf "%.1f %.1f %.1f\n", m*1000, p*1000, v[NR]*1000}')
    printf '%-5s %-5s %-6s %10s %10s %10s  %-22s %s -> %s\n' "$idle" "$slow" "$maxconn" "$median" "$p90" "$max" "$statuses" "$before" "$after"
    cleanup
done
