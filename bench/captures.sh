#!/usr/bin/env bash
# Reading saved captures: tcpstate --from beside the awk one-liners on the same generated files,
# a netstat capture and an ss capture of SIZE_MB each (default 1024), made by repeating the
# rows of the real captures in tests/fixtures/captures/linux. Prints wall seconds, MB/s and the
# ratio to awk, median of REPS runs (default 3); tcpstate once on one core (TCPSTATE_JOBS=1,
# the streaming path) and once on two (the memory-mapped path), with the ratio of the two.
# KINDS picks the listings (default "netstat ss"; "freebsd-T" is FreeBSD `netstat -an -T`, whose
# rows carry no state: awk counts its tcp rows, tcpstate counts them as of unknown state).
# Needs a release build of tcpstate.
#   bash bench/captures.sh            SIZE_MB=256 REPS=5 bash bench/captures.sh
#   KINDS=freebsd-T SIZE_MB=256 bash bench/captures.sh
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb=${SIZE_MB:-1024}
reps=${REPS:-3}
bin=target/release/tcpstate
[ -x "$bin" ] || { echo "build first: cargo build --release" >&2; exit 1; }
dir=$(mktemp -d /tmp/tcpstate-capbench.XXXXXX)
trap 'rm -rf "$dir"' EXIT

make_file() { # header-file body-file out
    local head=$1 body=$2 out=$3
    cat "$head" > "$out"
    local chunk="$dir/chunk"
    : > "$chunk"
    while [ "$(stat -c %s "$chunk")" -lt $((4 * 1024 * 1024)) ]; do cat "$body" >> "$chunk"; done
    while [ "$(stat -c %s "$out")" -lt $((size_mb * 1024 * 1024)) ]; do cat "$chunk" >> "$out"; done
}

fix=tests/fixtures/captures/linux
head -n 2 "$fix/netstat-tanp.txt" > "$dir/netstat.head"
tail -n +3 "$fix/netstat-tanp.txt" > "$dir/netstat.body"
head -n 1 "$fix/ss-tan.txt" > "$dir/ss.head"
tail -n +2 "$fix/ss-tan.txt" > "$dir/ss.body"
kinds=${KINDS:-netstat ss}
head -n 2 tests/fixtures/captures/handmade/freebsd-netstat-anT.txt > "$dir/freebsd-T.head"
grep '^tcp' tests/fixtures/captures/handmade/freebsd-netstat-anT.txt > "$dir/freebsd-T.body"
for kind in $kinds; do
    make_file "$dir/$kind.head" "$dir/$kind.body" "$dir/$kind.txt"
done

speedup=()
load0=$(cut -d' ' -f1-3 /proc/loadavg)
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timeit() { # command… -> median wall seconds
    for _ in $(seq "$reps"); do
        local t0 t1
        t0=$(date +%s.%N)
        "$@" > /dev/null
        t1=$(date +%s.%N)
        echo "$t1 - $t0" | bc -l
    done | median
}

printf '| file | MB | command | wall s | MB/s | × awk |\n|---|---:|---|---:|---:|---:|\n'
for kind in $kinds; do
    f="$dir/$kind.txt"
    mb=$(( $(stat -c %s "$f") / 1024 / 1024 ))
    cat "$f" > /dev/null # page cache
    if [ "$kind" = netstat ]; then
        awk_prog='/^tcp/ {++S[$NF]} END {for (a in S) print a, S[a]}'
    elif [ "$kind" = freebsd-T ]; then
        awk_prog='/^tcp/ {++n} END {print "UNKNOWN", n}'
    else
        awk_prog='NR>1 {++S[$1]} END {for (a in S) print a, S[a]}'
    fi
    t_awk=$(timeit awk "$awk_prog" "$f")
    # One core and two in turn, so a change in the machine's load falls on both alike.
    : > "$dir/one"
    : > "$dir/two"
    for _ in $(seq "$reps"); do
        reps=1 timeit env TCPSTATE_JOBS=1 "$bin" --from "$f" --format plain >> "$dir/one"
        reps=1 timeit env TCPSTATE_JOBS=2 "$bin" --from "$f" --format plain >> "$dir/two"
    done
    t_one=$(median < "$dir/one")
    t_two=$(median < "$dir/two")
    printf '| %s | %s | `awk` one-liner | %.2f | %.0f | 1.00 |\n' "$kind" "$mb" "$t_awk" "$(echo "$mb / $t_awk" | bc -l)"
    printf '| %s | %s | `tcpstate --from`, one core | %.2f | %.0f | %.3f |\n' "$kind" "$mb" "$t_one" "$(echo "$mb / $t_one" | bc -l)" "$(echo "$t_one / $t_awk" | bc -l)"
    printf '| %s | %s | `tcpstate --from`, two cores | %.2f | %.0f | %.3f |\n' "$kind" "$mb" "$t_two" "$(echo "$mb / $t_two" | bc -l)" "$(echo "$t_two / $t_awk" | bc -l)"
    speedup+=("$kind: two cores read $(printf %.2f "$(echo "$t_one / $t_two" | bc -l)")x as fast as one")
done
echo
printf '%s\n' "${speedup[@]}"
echo "load average before and after: $load0 / $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
echo "awk: $(awk --version 2>/dev/null | head -n 1 || echo mawk)"
