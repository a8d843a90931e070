#!/bin/bash
# run.sh - UDP over loopback: datagrams per second, CPU and system calls
# per datagram, for libmio's plain loop, batches of 32, GSO/GRO, and
# libuv's recvmmsg receive path, in one run; prints the table and checks
# issue 21's targets (at 1200 bytes: batch >= 2x the plain loop's
# datagrams/s and <= 1/16 of its system calls per datagram; GSO/GRO >= 4x
# the plain loop; libmio's batch receive >= libuv's per CPU-second).
#
#   run.sh [--smoke] BENCH_BUILDDIR
#
# BENCH_BUILDDIR/udp/ holds udp_bench (libmio, both sides) and
# udp_bench_uv (the libuv receiver), built by bench/Makefile.am.  Each
# configuration is one receiver pinned to CPU BENCH_UDP_RX_CPU (0) and
# one sender pinned to BENCH_UDP_TX_CPU (1), the sender sending as fast
# as it can for BENCH_UDP_MS (1000) ms; the libuv row's sender is
# libmio's batch sender.  BENCH_UDP_RUNS (3) runs, the configurations
# interleaved in a rotating order; each figure is the median over runs,
# each ratio the median of the per-run ratios to the plain loop of the
# same run (load that drifts between runs cancels).  System calls are
# counted by strace -c on one side at a time (the other side untraced,
# so it keeps its pace), BENCH_UDP_STRACE_MS (400) ms each, median of
# BENCH_UDP_STRACE_RUNS (3), start-up included (about 100 calls, noise at
# these volumes); libmio's own counters (one system call per libmio call
# here) from the untraced runs are printed beside.
#
# --smoke: every configuration once for 150 ms at both sizes, checking
# that datagrams flowed and the result lines parse; no figure is judged
# (CI, .ci/steps/62-udp.sh).
set -euo pipefail

smoke=0
if [ "${1-}" = --smoke ]; then smoke=1; shift; fi
[ $# -eq 1 ] || { echo "usage: $0 [--smoke] BENCH_BUILDDIR" >&2; exit 2; }
B=$(cd "$1" && pwd)
MIO=$B/udp/udp_bench
UV=$B/udp/udp_bench_uv
for p in "$MIO" "$UV"; do
	[ -x "$p" ] || { echo "error: $p missing; run 'make bench'" >&2; exit 1; }
done

RUNS=${BENCH_UDP_RUNS:-3}
MS=${BENCH_UDP_MS:-1000}
SMS=${BENCH_UDP_STRACE_MS:-400}
SRUNS=${BENCH_UDP_STRACE_RUNS:-3}
SIZES=${BENCH_UDP_SIZES:-1200 64}
RX_CPU=${BENCH_UDP_RX_CPU:-0}
TX_CPU=${BENCH_UDP_TX_CPU:-1}
MODES="plain batch gso libuv"
if [ $smoke = 1 ]; then RUNS=1; MS=150; fi

pin_rx=() pin_tx=()
if command -v taskset >/dev/null && [ "$(nproc)" -gt "$TX_CPU" ] && [ "$(nproc)" -gt "$RX_CPU" ]; then
	pin_rx=(taskset -c "$RX_CPU"); pin_tx=(taskset -c "$TX_CPU")
fi
if [ -n "${BENCH_NICE-}" ]; then
	pin_rx=(nice -n "$BENCH_NICE" "${pin_rx[@]}"); pin_tx=(nice -n "$BENCH_NICE" "${pin_tx[@]}")
fi

T=$(mktemp -d)
rpid=
cleanup() {
	if [ -n "$rpid" ] && kill -0 "$rpid" 2>/dev/null; then kill -KILL "$rpid" 2>/dev/null || true; fi
	rm -rf "$T"
}
trap cleanup EXIT

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"; }

# pair MODE SIZE MS [RX_WRAP...] -- [TX_WRAP...]: one receiver and one
# sender; leaves their result lines in $T/rx and $T/tx.
pair() {
	local mode=$1 size=$2 ms=$3; shift 3
	local rxw=() txw=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do rxw+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	txw=("$@")
	local rx=("$MIO" recv "$mode" "$size") smode=$mode
	if [ "$mode" = libuv ]; then rx=("$UV" recv "$size"); smode=batch; fi
	rm -f "$T/rx" "$T/tx" "$T/port"
	"${rxw[@]}" "${pin_rx[@]}" "${rx[@]}" >"$T/rx" 2>"$T/rx.err" &
	rpid=$!
	local port=
	for _ in $(seq 200); do
		port=$(sed -n 's/^port=//p' "$T/rx" 2>/dev/null || true)
		[ -n "$port" ] && break
		sleep 0.02
	done
	[ -n "$port" ] || { echo "error: $mode receiver did not start: $(cat "$T/rx.err")" >&2; exit 1; }
	if ! "${txw[@]}" "${pin_tx[@]}" "$MIO" send "$smode" "$size" "$ms" "$port" >"$T/tx" 2>"$T/tx.err"; then
		echo "error: $mode sender failed: $(cat "$T/tx.err")" >&2; exit 1
	fi
	if ! wait "$rpid"; then
		echo "error: $mode receiver failed: $(cat "$T/rx.err")" >&2; exit 1
	fi
	rpid=
	grep -q '^role=send' "$T/tx" && grep -q '^role=recv' "$T/rx" ||
		{ echo "error: $mode $size: no result lines" >&2; exit 1; }
}

if [ $smoke = 1 ]; then
	fails=0
	for size in $SIZES; do
		for mode in $MODES; do
			pair "$mode" "$size" "$MS"
			tx=$(grep '^role=send' "$T/tx"); rx=$(grep '^role=recv' "$T/rx")
			if [ "$(field dgrams "$tx")" -gt 0 ] && [ "$(field dgrams "$rx")" -gt 0 ]; then
				echo "ok   udp $mode $size: sent $(field dgrams "$tx"), received $(field dgrams "$rx")"
			else
				echo "FAIL udp $mode $size: $tx / $rx"; fails=$((fails + 1))
			fi
		done
	done
	echo "udp bench smoke: $(wc -w <<<"$SIZES") sizes x $(wc -w <<<"$MODES") modes, $fails failures"
	exit $(( fails > 0 ))
fi

median() { sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.6g\n", a / b; else print "nan" }'; }

echo "measuring: $RUNS runs x sizes ($SIZES) x modes ($MODES), ${MS} ms each; rx ${pin_rx[*]:-unpinned}, tx ${pin_tx[*]:-unpinned}" >&2
echo "load: $(uptime | sed 's/.*load average/load average/')" >&2
read -r -a order <<<"$MODES"
k=${#order[@]}
for r in $(seq "$RUNS"); do
	for size in $SIZES; do
		for j in $(seq 0 $((k - 1))); do
			mode=${order[$(( (j + r) % k ))]}
			pair "$mode" "$size" "$MS"
			tx=$(grep '^role=send' "$T/tx"); rx=$(grep '^role=recv' "$T/rx")
			key=$T/$size.$mode
			div "$(field dgrams "$tx")" "$(field secs "$tx")" >>"$key.txrate"
			div "$(field dgrams "$rx")" "$(field secs "$rx")" >>"$key.rxrate"
			div "$(field cpu "$tx")" "$(field dgrams "$tx")" >>"$key.txcpu"
			div "$(field cpu "$rx")" "$(field dgrams "$rx")" >>"$key.rxcpu"
			div "$(field dgrams "$rx")" "$(field cpu "$rx")" >>"$key.rxpercpu"
			awk -v s="$(field dgrams "$tx")" -v g="$(field dgrams "$rx")" \
				'BEGIN { printf "%.4f\n", (s > 0 ? 1 - g / s : 0) }' >>"$key.drop"
			div "$(field calls "$tx")" "$(field dgrams "$tx")" >>"$key.txcalls"
			div "$(( $(field calls "$rx") + $(field waits "$rx") ))" "$(field dgrams "$rx")" >>"$key.rxcalls"
			paste <(tail -1 "$key.txcalls") <(tail -1 "$key.rxcalls") |
				awk '{ print $1 + $2 }' >>"$key.sccount"
			echo "$(field gso "$tx") $(field gro "$rx") $(field rcvbuf "$rx") $(field per_call "$tx")" >"$key.feat"
			# The pair's CPU per datagram delivered.
			awk -v a="$(field cpu "$tx")" -v b="$(field cpu "$rx")" -v g="$(field dgrams "$rx")" \
				'BEGIN { printf "%.6g\n", (g > 0 ? g / (a + b) : 0) }' >>"$key.pairpercpu"
		done
		# Ratios to this run's plain loop.
		for mode in $MODES; do
			for f in rxrate pairpercpu rxpercpu; do
				paste <(tail -1 "$T/$size.$mode.$f") <(tail -1 "$T/$size.plain.$f") |
					awk '$2 > 0 { print $1 / $2 }' >>"$T/$size.$mode.$f.x"
			done
			paste <(tail -1 "$T/$size.$mode.rxpercpu") <(tail -1 "$T/$size.libuv.rxpercpu") |
				awk '$2 > 0 { print $1 / $2 }' >>"$T/$size.$mode.vsuv"
			paste <(tail -1 "$T/$size.$mode.sccount") <(tail -1 "$T/$size.plain.sccount") |
				awk '$2 > 0 { print $1 / $2 }' >>"$T/$size.$mode.sccount.x"
		done
	done
	echo "  run $r/$RUNS done" >&2
done

# System calls: strace -c on one side, the other untraced.
sc_total() { awk '$NF == "total" { print $4 }' "$1"; }
have_strace=$(command -v strace || true)
if [ -n "$have_strace" ]; then
	for r in $(seq "$SRUNS"); do
		for size in $SIZES; do
			for mode in $MODES; do
				key=$T/$size.$mode
				if [ "$mode" != libuv ]; then
					pair "$mode" "$size" "$SMS" -- strace -f -c -o "$T/st.tx"
					div "$(sc_total "$T/st.tx")" \
						"$(field dgrams "$(grep '^role=send' "$T/tx")")" >>"$key.sctx.all"
					cp "$T/st.tx" "$key.st.tx"
				fi
				pair "$mode" "$size" "$SMS" strace -f -c -o "$T/st.rx" --
				div "$(sc_total "$T/st.rx")" \
					"$(field dgrams "$(grep '^role=recv' "$T/rx")")" >>"$key.scrx.all"
				cp "$T/st.rx" "$key.st.rx"
			done
		done
	done
	for size in $SIZES; do
		for mode in $MODES; do
			key=$T/$size.$mode
			[ -f "$key.sctx.all" ] && median "$key.sctx.all" >"$key.sctx"
			median "$key.scrx.all" >"$key.scrx"
		done
		# libuv's row is fed by the batch sender.
		cp "$T/$size.batch.sctx" "$T/$size.libuv.sctx"
	done
fi

get() { if [ -f "$T/$1" ]; then cat "$T/$1"; else echo nan; fi; }
med() { if [ -f "$T/$1" ]; then median "$T/$1"; else echo nan; fi; }

hdr='%-5s %-6s | %9s %9s %5s | %7s %7s %9s %9s | %7s %7s %7s | %7s %7s | %6s %6s %6s\n'
printf "\n$hdr" size mode "sent" "recv" "drop" "tx CPU" "rx CPU" "rx dg" "pair dg" "sc/dg" "sc/dg" "sc/dg" \
	"counted" "counted" "x" "x" "x"
printf "$hdr" bytes "" "dg/s" "dg/s" "%" "ns/dg" "ns/dg" "/CPU-s" "/CPU-s" "send" "recv" "total" \
	"send" "recv" "rx dg/s" "pair" "sc/dg"
for size in $SIZES; do
	for mode in $MODES; do
		key=$size.$mode
		sct=$(awk -v a="$(get "$key.sctx")" -v b="$(get "$key.scrx")" \
			'BEGIN { if (a != "nan" && b != "nan") printf "%.4f", a + b; else print "nan" }')
		echo "$sct" >"$T/$key.sctotal"
		printf '%-5s %-6s | %9.0f %9.0f %5.1f | %7.0f %7.0f %9.0f %9.0f | %7.4f %7.4f %7.4f | %7s %7.4f | %5.2fx %5.2fx %6s\n' \
			"$size" "$mode" "$(med "$key.txrate")" "$(med "$key.rxrate")" \
			"$(awk -v d="$(med "$key.drop")" 'BEGIN { print d * 100 }')" \
			"$(awk -v c="$(med "$key.txcpu")" 'BEGIN { print c * 1e9 }')" \
			"$(awk -v c="$(med "$key.rxcpu")" 'BEGIN { print c * 1e9 }')" \
			"$(med "$key.rxpercpu")" "$(med "$key.pairpercpu")" \
			"$(get "$key.sctx")" "$(get "$key.scrx")" "$sct" \
			"$(if [ "$mode" = libuv ]; then echo "(batch)"; else printf '%.4f' "$(med "$key.txcalls")"; fi)" \
			"$(if [ "$mode" = libuv ]; then echo nan; else med "$key.rxcalls"; fi)" \
			"$(med "$key.rxrate.x")" "$(med "$key.pairpercpu.x")" \
			"$(awk -v a="$sct" -v b="$(get "$size.plain.sctotal")" \
				'BEGIN { if (a != "nan" && b != "nan" && a > 0) printf "1/%.1f", b / a; else print "-" }')"
	done
done
read -r gso gro rcvbuf per <<<"$(get "1200.gso.feat")"
cat <<EOF

Loopback, 127.0.0.1; receiver on CPU $RX_CPU, sender on CPU $TX_CPU; ${MS} ms of sending per
configuration, median of $RUNS runs.  sent/recv: datagrams per wall-clock second at each end
(the sender sends as fast as it can; what the receiver's queue cannot hold is dropped there:
drop).  CPU: getrusage user+system per datagram sent / received; rx dg/CPU-s: datagrams
received per receiver CPU-second; pair dg/CPU-s: datagrams received per CPU-second of sender and
receiver together (on loopback the kernel delivers in the sender's context, so the receive
path's softirq work is charged to the sender).  sc/dg: system calls per datagram, strace -c
on each side alone (${SMS} ms, median of $SRUNS), and as counted by the programs in the
untraced runs (one system call per libmio call;
receiver: calls + waits).  x: median per-run ratio to the plain loop: rx dg/s, pair dg/CPU-s,
and the plain loop's sc/dg over this row's.  Rows: plain = one datagram per call
(mio_udp_socket_send / _recv); batch = 32 records per call (send_msgs / recv_msgs);
gso = runs of ${per} x 1200 bytes (64 x 64 bytes) per send_msgs call, received with GRO on in
records of 64 KiB, 32 per call; libuv = libuv's recvmmsg receive path (UV_UDP_RECVMMSG, 20
datagrams per call) fed by the batch sender.
Kernel at run time: $(uname -sr); UDP_SEGMENT: gso_segments $gso; UDP_GRO: gro_segments $gro;
receive buffer $rcvbuf bytes (SO_RCVBUF as the kernel reports it).
EOF

# Issue 21's targets, at 1200 bytes.
target() {  # target NAME VALUE OP LIMIT: prints met / NOT met
	local ok
	ok=$(awk -v v="$2" -v l="$4" -v op="$3" 'BEGIN { if (v == "nan") print "no data";
		else if ((op == ">=" && v >= l) || (op == "<=" && v <= l)) print "met"; else print "NOT met" }')
	printf '  %-58s %8s %s %-6s %s\n' "$1" "$2" "$3" "$4" "$ok"
}
echo
echo "Targets (issue 21, 1200-byte datagrams):"
if grep -qw 1200 <<<"$SIZES"; then
	target "batch recv dg/s / plain's (median of per-run ratios)" "$(med 1200.batch.rxrate.x)" ">=" 2
	target "batch pair dg/CPU-s / plain's" "$(med 1200.batch.pairpercpu.x)" ">=" 2
	target "batch sc/dg / plain's (strace, medians of $SRUNS runs)" \
		"$(div "$(get 1200.batch.sctotal)" "$(get 1200.plain.sctotal)")" "<=" 0.0625
	target "batch sc/dg / plain's (counted, median per-run ratio)" "$(med 1200.batch.sccount.x)" "<=" 0.0625
	target "gso recv dg/s / plain's" "$(med 1200.gso.rxrate.x)" ">=" 4
	target "gso pair dg/CPU-s / plain's" "$(med 1200.gso.pairpercpu.x)" ">=" 4
	target "batch rx dg/CPU-s / libuv recvmmsg's" "$(med 1200.batch.vsuv)" ">=" 1
fi

if [ -n "$have_strace" ]; then
	echo
	echo "strace -c, 1200 bytes, the calls of each side (${SMS} ms):"
	for mode in $MODES; do
		for side in tx rx; do
			f=$T/1200.$mode.st.$side
			[ -f "$f" ] || continue
			echo "  $mode $side: $(awk 'NR > 2 && $NF != "total" && $NF != "syscall" && $1 !~ /^-/ {
				c = (NF == 6) ? $4 : $4; printf "%s %s, ", $NF, c }' "$f" | sed 's/, $//')"
		done
	done
fi
