#!/bin/bash
# run.sh - one Poll per core: requests/s of examples/tcp_reuseport_server
# with 1 and 2 threads on their own SO_REUSEPORT listeners, and with 2
# threads sharing one listener, side by side, and the scaling from 1 to 2.
#
#   run.sh [--smoke] BENCH_BUILDDIR
#
# BENCH_BUILDDIR/reuseport/ holds reuseport_server (the example's source,
# built as bench/Makefile.am builds bench_mio: plain cc, -lmio) and
# reuseport_client (raw epoll, so the load is not libmio's).  For each
# configuration the server starts on 127.0.0.1:0, the client opens
# BENCH_RP_CONNS (200) connections doing BENCH_RP_SIZE (64) byte
# request/response ping-pong for BENCH_RP_SECONDS (3) after a warm-up, and
# the server is stopped with SIGTERM (it must exit 0).  Each figure is
# the median of BENCH_RP_RUNS (3) runs, the configurations interleaved
# run by run so that load from elsewhere falls on all of them alike.
# Server CPU is the server's utime+stime (/proc/PID/stat, read by the
# client at the ends of its counted interval), in cores; req/CPU-s
# divides the requests by it.
#
# --smoke: one short run of each configuration (50 connections, 0.5 s),
# checking that requests were served and the server exited 0 (CI's
# 60-bench-smoke.sh); no figure is judged.
set -euo pipefail

smoke=0
if [ "${1-}" = --smoke ]; then smoke=1; shift; fi
[ $# -eq 1 ] || { echo "usage: $0 [--smoke] BENCH_BUILDDIR" >&2; exit 2; }
B=$(cd "$1" && pwd)
server=$B/reuseport/reuseport_server
client=$B/reuseport/reuseport_client
for p in "$server" "$client"; do
	[ -x "$p" ] || { echo "error: $p missing; run 'make bench'" >&2; exit 1; }
done

RUNS=${BENCH_RP_RUNS:-3}
CONNS=${BENCH_RP_CONNS:-200}
SECONDS_=${BENCH_RP_SECONDS:-3}
SIZE=${BENCH_RP_SIZE:-64}
CTHREADS=${BENCH_RP_CLIENT_THREADS:-2}
if [ $smoke = 1 ]; then RUNS=1; CONNS=50; SECONDS_=0.5; fi

# BENCH_NICE=-20 (root), as bench/run.sh: keeps other work on the
# machine from taking the CPUs the server and client are measured on.
nice_=()
if [ -n "${BENCH_NICE-}" ]; then nice_=(nice -n "$BENCH_NICE"); fi

T=$(mktemp -d)
spid=
cleanup() {
	if [ -n "$spid" ] && kill -0 "$spid" 2>/dev/null; then kill -KILL "$spid" 2>/dev/null || true; fi
	rm -rf "$T"
}
trap cleanup EXIT


# run1 NAME SERVER-ARGS...: one measured run; appends rps, cores and the
# per-thread accept counts to $T/NAME.*
run1() {
	local name=$1; shift
	"${nice_[@]}" "$server" "$@" >"$T/server.out" 2>&1 &
	spid=$!
	local addr=
	for _ in $(seq 100); do
		addr=$(sed -n 's/^listening on //p' "$T/server.out")
		[ -n "$addr" ] && break
		kill -0 "$spid" 2>/dev/null || break
		sleep 0.05
	done
	if [ -z "$addr" ]; then
		echo "error: server $* did not start:" >&2; cat "$T/server.out" >&2; exit 1
	fi
	# The client reads the server's CPU time itself, at the two ends of
	# the interval it counts requests in (a shell sampling it would drift
	# off that window on a loaded machine: every fork takes time).
	"${nice_[@]}" "$client" "$addr" "$CONNS" "$SECONDS_" "$SIZE" "$CTHREADS" "$spid" \
		>"$T/client.out" &
	local cpid=$!
	if ! wait "$cpid"; then
		echo "error: client failed against server $*:" >&2; cat "$T/client.out" >&2; exit 1
	fi
	kill -TERM "$spid"
	local rc=0
	wait "$spid" || rc=$?
	spid=
	if [ $rc -ne 0 ]; then
		echo "error: server $* exited $rc:" >&2; cat "$T/server.out" >&2; exit 1
	fi
	local line rps cpu
	line=$(cat "$T/client.out")
	rps=$(sed -n 's/.* rps=\([0-9.]*\).*/\1/p' <<<"$line")
	cpu=$(sed -n 's/.* server_cpu=\([0-9.]*\).*/\1/p' <<<"$line")
	[ -n "$rps" ] && [ "$rps" != 0 ] || { echo "error: no requests served: $line" >&2; exit 1; }
	[ -n "$cpu" ] || { echo "error: no server CPU figure: $line" >&2; exit 1; }
	echo "$rps" >>"$T/$name.rps"
	echo "$cpu" >>"$T/$name.cpu"
	sed -n 's/^thread [0-9]*: accepted \([0-9]*\) .*/\1/p' "$T/server.out" | paste -sd/ >>"$T/$name.acc"
	if [ $smoke = 1 ]; then
		echo "ok   reuseport $name: $line; server: $(tail -1 "$T/server.out")"
	fi
}

configs="reuseport-1 reuseport-2 shared-2"
args_of() {
	case $1 in
	reuseport-1) echo "127.0.0.1:0 1" ;;
	reuseport-2) echo "127.0.0.1:0 2" ;;
	shared-2) echo "--shared 127.0.0.1:0 2" ;;
	esac
}

if [ $smoke = 0 ]; then
	echo "reuseport: $RUNS runs of $CONNS connections x ${SIZE}-byte ping-pong for ${SECONDS_}s," \
		"client $CTHREADS threads; $(nproc) CPUs; nice: ${BENCH_NICE:-no};" \
		"load: $(uptime | sed 's/.*load average/load average/')" >&2
fi
read -r -a order <<<"$configs"
k=${#order[@]}
for r in $(seq "$RUNS"); do
	for j in $(seq 0 $((k - 1))); do
		c=${order[$(( (j + r) % k ))]}
		# shellcheck disable=SC2046
		run1 "$c" $(args_of "$c")
	done
done
if [ $smoke = 1 ]; then
	echo "reuseport smoke: $k configurations served requests and exited 0"
	exit 0
fi

median() { sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for c in $configs; do
	median "$T/$c.rps" >"$T/$c.rps.med"
	median "$T/$c.cpu" >"$T/$c.cpu.med"
done
rps() { cat "$T/$1.rps.med"; }
cpu() { cat "$T/$1.cpu.med"; }

echo
printf '%-26s %7s %9s %11s %9s  %s\n' "server" "threads" "req/s" "server CPU" "req/CPU-s" "accepted per thread (each run)"
for c in $configs; do
	case $c in
	reuseport-*) label="own SO_REUSEPORT listener" ;;
	shared-*) label="one shared listener" ;;
	esac
	printf '%-26s %7s %9.0f %10.2fc %9.0f  %s\n' "$label" "${c##*-}" "$(rps "$c")" "$(cpu "$c")" \
		"$(awk -v r="$(rps "$c")" -v c="$(cpu "$c")" 'BEGIN { print (c > 0) ? r / c : 0 }')" \
		"$(paste -sd' ' "$T/$c.acc")"
done
awk -v a="$(rps reuseport-1)" -v b="$(rps reuseport-2)" -v s="$(rps shared-2)" 'BEGIN {
	printf "\nscaling 1 -> 2 threads (SO_REUSEPORT): %.2fx\n", b / a
	printf "2 threads, shared listener vs SO_REUSEPORT: %.2fx\n", s / b
}'
cat <<EOF

req/s: median of $RUNS runs; $CONNS connections, each a ${SIZE}-byte request and its echo at a
time, from reuseport_client ($CTHREADS threads, raw epoll) on the same machine.
server CPU: cores the server used over the counted interval (utime+stime / wall time).
This machine has $(nproc) CPUs, which the client shares: with 2 server threads the server
and client together want more CPUs than there are, so the scaling figure is bounded by
the client's own CPU time, not by the server's design (req/CPU-s shows the server's cost).
EOF
