#!/bin/bash
# run.sh - measure every system on every workload and print one table.
#
#   run.sh [--smoke] BENCH_BUILDDIR
#
# BENCH_BUILDDIR holds bench_epoll, bench_mio, bench_mio_lto, bench_ev,
# bench_event, bench_uv, libmalloccount.so and, if cargo was there,
# rust-target/release/bench_rust_mio (bench/Makefile.am builds them; `make
# bench` runs this).  --smoke runs each system for a few iterations and
# checks the result lines, nothing else (CI's 60-bench-smoke.sh).
#
# Wall-clock figures are medians of BENCH_RUNS (5) runs, pinned with
# taskset to BENCH_CPU (1), the systems interleaved run by run (in a
# rotating order) so that load from elsewhere falls on all of them alike.  Instructions (callgrind),
# syscalls (strace) and allocations (libmalloccount.so) are counted at N and
# 2N round trips and differenced, so start-up cancels out; they do not
# depend on load.
set -euo pipefail

smoke=0
if [ "${1-}" = --smoke ]; then smoke=1; shift; fi
[ $# -eq 1 ] || { echo "usage: $0 [--smoke] BENCH_BUILDDIR" >&2; exit 2; }
B=$(cd "$1" && pwd)

RUNS=${BENCH_RUNS:-5}
W1_N=${BENCH_W1_N:-200000}
W2_ITERS=${BENCH_W2_ITERS:-1000}
W3_N=${BENCH_W3_N:-1000000}
CG_N=${BENCH_CG_N:-2000}        # callgrind/strace at CG_N and 2*CG_N
CPU=${BENCH_CPU:-1}

systems="epoll libmio libmio-copy libmio-raw libmio-lto libmio-raw-lto libev libevent libuv rust-mio"
bin_of() {
	case $1 in
	epoll) echo "$B/bench_epoll" ;;
	libmio) echo "$B/bench_mio" ;;
	libmio-copy) echo "$B/bench_mio_copy" ;;
	libmio-raw) echo "$B/bench_mio_raw" ;;
	libmio-lto) echo "$B/bench_mio_lto" ;;
	libmio-raw-lto) echo "$B/bench_mio_raw_lto" ;;
	libev) echo "$B/bench_ev" ;;
	libevent) echo "$B/bench_event" ;;
	libuv) echo "$B/bench_uv" ;;
	rust-mio) echo "$B/rust-target/release/bench_rust_mio" ;;
	esac
}
present=
for s in $systems; do
	if [ -x "$(bin_of "$s")" ]; then
		present="$present $s"
	elif [ "$s" = rust-mio ]; then
		echo "note: $(bin_of "$s") not built (no cargo or no Debian crate sources): rust-mio skipped" >&2
	else
		echo "error: $(bin_of "$s") missing; run 'make bench'" >&2
		exit 1
	fi
done

pin=()
if command -v taskset >/dev/null && [ "$(nproc)" -gt "$CPU" ]; then
	pin=(taskset -c "$CPU")
fi
# BENCH_NICE=-20 (root) keeps other work on the machine from preempting
# the measured programs; off by default.
if [ -n "${BENCH_NICE-}" ]; then
	pin=(nice -n "$BENCH_NICE" "${pin[@]}")
fi

# field NAME LINE: the value of NAME=... in a result line.
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"; }

run1() {  # run1 SYSTEM ARGS...: one result line, or fail loudly
	local s=$1; shift
	local out
	if ! out=$("${pin[@]}" "$(bin_of "$s")" "$@"); then
		echo "error: $s $* failed" >&2
		exit 1
	fi
	case $out in
	"system="*" workload=$1 "*) echo "$out" ;;
	*) echo "error: $s $*: unexpected output '$out'" >&2; exit 1 ;;
	esac
}

if [ $smoke = 1 ]; then
	fails=0
	for s in $present; do
		for args in "w1 2000" "w2 100 200" "w2 max 20" "w3 2000"; do
			# shellcheck disable=SC2086
			if line=$(run1 "$s" $args); then
				echo "ok   $s $args: $line"
			else
				echo "FAIL $s $args"; fails=$((fails + 1))
			fi
		done
		line=$(LD_PRELOAD="$B/libmalloccount.so" run1 "$s" w1 2000)
		a=$(field allocs "$line")
		if [ "$a" = -1 ]; then
			echo "FAIL $s: libmalloccount.so not seen"; fails=$((fails + 1))
		elif [ "${s%%-*}" = libmio ] && [ "$a" != 0 ]; then
			echo "FAIL $s allocates in the W1 steady state ($a calls)"; fails=$((fails + 1))
		fi
	done
	echo "bench smoke: $(wc -w <<<"$present") systems ($present ), $fails failures"
	exit $(( fails > 0 ))
fi

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

median() { sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "measuring: $RUNS runs of W1 ($W1_N round trips), W2 (F=1000 and F=max, $W2_ITERS iterations), W3 ($W3_N pairs)" >&2
echo "systems:$present; pinned: ${pin[*]:-no}; load: $(uptime | sed 's/.*load average/load average/')" >&2
read -r -a order <<<"$present"
k=${#order[@]}
for r in $(seq "$RUNS"); do
	# Each run starts with a different system, so no system is always
	# first (or last) after another one's set-up or exit.
	for j in $(seq 0 $((k - 1))); do
		s=${order[$(( (j + r) % k ))]}
		l=$(run1 "$s" w1 "$W1_N");               field ns_per_op "$l" >>"$T/$s.w1"
		l=$(run1 "$s" w2 1000 "$W2_ITERS");      field us_per_op "$l" >>"$T/$s.w2a"
		l=$(run1 "$s" w2 max "$W2_ITERS");       field us_per_op "$l" >>"$T/$s.w2b"
		field setup_us "$l" >>"$T/$s.setup"; field f "$l" >"$T/fmax"
		l=$(run1 "$s" w3 "$W3_N");               field ns_per_op "$l" >>"$T/$s.w3"
	done
	echo "  run $r/$RUNS done" >&2
done

# Counted figures: callgrind Ir, syscalls and allocations, N vs 2N.
cg_total() {  # cg_total OUTFILE PROGRAM ARGS...: total instructions of one run
	local out=$1; shift
	valgrind --tool=callgrind --callgrind-out-file="$out" "$@" >/dev/null 2>"$T/cg.err" ||
		{ cat "$T/cg.err" >&2; exit 1; }
	sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$out"
}
cg_self() {  # self Ir per function of one callgrind run, "count<TAB>function"
	# Lines without an [object] are code inlined from a header, named
	# header:function (mio.h:bench_w1 is the inline readers in the loop).
	callgrind_annotate --threshold=100 --auto=no "$1" 2>/dev/null |
		grep -v 'PROGRAM TOTALS\|events annotated' |
		sed -n 's/^ *\([0-9,]*\) ([ 0-9.]*%)  *\([^ ].*:.*\)$/\1\t\2/p' |
		tr -d , | sed 's#\t[^ ]*/\([^/ ]*:\)#\t\1#; s#\[.*/#[#'
}
sc_total() {  # total syscalls of one run
	strace -f -c -o "$T/st.out" "$@" >/dev/null
	awk '$NF == "total" { print $4 }' "$T/st.out"
}
have_valgrind=$(command -v valgrind || true)
have_strace=$(command -v strace || true)
N=$CG_N; N2=$((2 * CG_N))
for s in $present; do
	b=$(bin_of "$s")
	if [ -n "$have_valgrind" ]; then
		a=$(cg_total "$T/cg.$s.1" "$b" w1 $N); c=$(cg_total "$T/cg.$s.2" "$b" w1 $N2)
		echo $(( (c - a) / N )) >"$T/$s.ir"
		a=$(cg_total "$T/cg.x" "$b" w2 1000 100); c=$(cg_total "$T/cg.x" "$b" w2 1000 200)
		echo $(( (c - a) / 100 )) >"$T/$s.ir2"
		a=$(cg_total "$T/cg.x" "$b" w3 $N); c=$(cg_total "$T/cg.x" "$b" w3 $N2)
		echo $(( (c - a) / N )) >"$T/$s.ir3"
	fi
	if [ -n "$have_strace" ]; then
		a=$(sc_total "$b" w1 $N); c=$(sc_total "$b" w1 $N2)
		awk -v a="$a" -v c="$c" -v n=$N 'BEGIN { printf "%.2f\n", (c - a) / n }' >"$T/$s.sys"
		a=$(sc_total "$b" w3 $N); c=$(sc_total "$b" w3 $N2)
		awk -v a="$a" -v c="$c" -v n=$N 'BEGIN { printf "%.2f\n", (c - a) / n }' >"$T/$s.sys3"
	fi
	l=$(LD_PRELOAD="$B/libmalloccount.so" run1 "$s" w1 20000)
	a1=$(field allocs "$l")
	l=$(LD_PRELOAD="$B/libmalloccount.so" run1 "$s" w2 1000 200)
	echo "$a1/$(field allocs "$l")" >"$T/$s.alloc"
done

ratio() {  # ratio VALUE FLOOR
	awk -v v="$1" -v f="$2" 'BEGIN { if (f > 0 && v != "nan") printf "%.2fx", v / f; else printf "-" }'
}
get() { if [ -f "$T/$1" ]; then cat "$T/$1"; else echo nan; fi; }
# pratio SYSTEM KEY: median over runs of SYSTEM's figure / raw epoll's in
# the same run, so load that drifts from run to run cancels in each ratio.
pratio() {
	paste "$T/$1.$2" "$T/epoll.$2" | awk '$2 > 0 { print $1 / $2 }' >"$T/ratio"
	awk -v v="$(median "$T/ratio")" 'BEGIN { if (v != "nan") printf "%.3fx", v; else printf "-" }'
}

for s in $present; do
	for k in w1 w2a w2b setup w3; do median "$T/$s.$k" >"$T/$s.$k.med"; done
done
fmax=$(cat "$T/fmax")

hdr='%-14s %8s %6s | %8s %6s | %8s %6s %8s | %8s %6s | %6s %5s | %7s %5s | %6s %5s | %5s %5s | %5s\n'
printf "\n$hdr" system "W1 ns" "x" "W2 us" "x" "W2 us" "x" "setup" "W3 ns" "x" \
	"Ir W1" "x" "Ir W2" "x" "Ir W3" "x" "sc W1" "sc W3" "alloc"
printf "$hdr" "" "per rt" "" "F=1000" "" "F=$fmax" "" "ms" "per pair" "" \
	"per rt" "" "per it" "" "pair" "" "rt" "pair" "W1/W2"
for s in $present; do
	w1=$(get "$s.w1.med"); w2a=$(get "$s.w2a.med"); w2b=$(get "$s.w2b.med")
	st=$(get "$s.setup.med"); w3=$(get "$s.w3.med")
	ir=$(get "$s.ir"); ir2=$(get "$s.ir2"); ir3=$(get "$s.ir3")
	printf '%-14s %8.0f %6s | %8.1f %6s | %8.1f %6s %8.2f | %8.1f %6s | %6s %5s | %7s %5s | %6s %5s | %5s %5s | %5s\n' \
		"$s" "$w1" "$(pratio "$s" w1)" "$w2a" "$(pratio "$s" w2a)" "$w2b" "$(pratio "$s" w2b)" \
		"$(awk -v v="$st" 'BEGIN { print v / 1000 }')" "$w3" "$(pratio "$s" w3)" \
		"$ir" "$(ratio "$ir" "$(get epoll.ir)")" "$ir2" "$(ratio "$ir2" "$(get epoll.ir2)")" \
		"$ir3" "$(ratio "$ir3" "$(get epoll.ir3)")" \
		"$(get "$s.sys")" "$(get "$s.sys3")" "$(get "$s.alloc")"
done
cat <<EOF

Wall-clock columns: median of $RUNS runs, ${pin[*]:-unpinned}; x after them: median over the
runs of the ratio to raw epoll in the same run.
W1: ns per ping-pong round trip ($W1_N). W2: us per iteration (100 random pairs written,
all drained, $W2_ITERS iterations); setup: registering all F plus one zero-timeout wait.
W3: ns per register+deregister of one fd ($W3_N). libev only queues the change (no syscall
until the next loop iteration); libuv queues the add too, and its start and stop each make an
epoll_ctl(DEL) that fails with ENOENT (see sc W3): neither ever registers the fd.
Ir: callgrind user-space instructions per W1 round trip ((Ir at $N2 - Ir at $N) / $N), per W2
iteration (F=1000, 200 vs 100 iterations) and per W3 pair ($N2 vs $N); x: ratio to raw epoll.
sc: syscalls per W1 round trip and per W3 pair (strace -c -f, $N2 vs $N).
allocs: malloc-family calls in the W1 steady state (20000 round trips) / in W2 (200 iterations).
EOF

# Where the instructions go: self Ir per W1 round trip of each function,
# libmio and raw epoll side by side, from the same callgrind runs.
if [ -n "$have_valgrind" ] && command -v callgrind_annotate >/dev/null; then
	echo
	echo "callgrind, self instructions per W1 round trip by function:"
	for s in epoll libmio libmio-copy libmio-raw libmio-lto libmio-raw-lto; do
		[ -f "$T/cg.$s.1" ] || continue
		cg_self "$T/cg.$s.1" >"$T/self.$s.1"; cg_self "$T/cg.$s.2" >"$T/self.$s.2"
		awk -F'\t' -v n=$N -v s="$s" 'NR == FNR { a[$2] = $1; next }
			{ d = ($1 - a[$2]) / n; if (d >= 0.5) printf "  %-14s %6.1f  %s\n", s, d, $2 }' \
			"$T/self.$s.1" "$T/self.$s.2" | sort -k2,2nr
	done
fi

# One Poll per core: requests/s of examples/tcp_reuseport_server with 1
# and 2 threads (bench/reuseport/run.sh prints its own table).
echo
bash "$(dirname "$0")/reuseport/run.sh" "$B"
