#!/bin/bash
# 62-udp.sh - issue 21's UDP batches, offload, ECN and packet info, beyond
# what make check runs on every build (step 20 runs those tests on the
# poll(2) backend, step 40 under ASan+UBSan and TSan):
#
#  1. bench/udp smoke: udp_bench (libmio, both sides) and udp_bench_uv
#     (libuv's recvmmsg receiver) built, every mode at 1200 and 64 bytes
#     for 150 ms, datagrams must flow (no figure judged; `make bench`
#     measures);
#  2. fuzz/fuzz_udp_msg (the record arrays against a model) built with
#     clang -fsanitize=fuzzer,address,undefined and run from the committed
#     seeds for UDP_FUZZ_SECONDS (60); a crash, leak, sanitizer report
#     or broken invariant fails the step, the input printed in base64;
#  3. the kernel features found at run time (UDP_SEGMENT, UDP_GRO), so
#     that a CI kernel without them is visible in the log (the tests then
#     take the looped path, which tests/fault checks on every kernel).
#
# Expected: about 30 s to configure and build the library, 5 to 10 s of
# bench smoke, 10 s to build the fuzzer and UDP_FUZZ_SECONDS of fuzzing:
# about 2 minutes on 2 cores (109 s measured with the default 60 s).
# ci-seconds: 110
set -euo pipefail
: "${SRCDIR:?}"
B=$SRCDIR/_build/udp-ci
UDP_FUZZ_SECONDS=${UDP_FUZZ_SECONDS:-60}
start=$(date +%s)
declare -A result

echo "== udp: configure and build libmio ($B)"
rm -rf "$B"
mkdir -p "$B"
(cd "$B" && "$SRCDIR/configure" --disable-python --disable-lua >configure.out 2>&1) ||
	{ tail -30 "$B/configure.out"; exit 1; }
make -C "$B" -j2 >"$B/make.out" 2>&1 || { tail -40 "$B/make.out"; exit 1; }

echo "== udp: bench smoke"
t=$(date +%s)
if make -C "$B/bench" udp/udp_bench udp/udp_bench_uv >"$B/make-bench.out" 2>&1 &&
	bash "$SRCDIR/bench/udp/run.sh" --smoke "$B/bench"; then
	result[bench]="passed in $(( $(date +%s) - t ))s"
else
	tail -20 "$B/make-bench.out"
	result[bench]=FAILED
fi

echo "== udp: fuzz_udp_msg for ${UDP_FUZZ_SECONDS}s"
t=$(date +%s)
out=$B/fuzz
mkdir -p "$out/corpus" "$out/artifacts"
if ! FUZZ_TARGETS=fuzz_udp_msg sh "$SRCDIR/fuzz/build.sh" "$B" "$out" >"$out/build.out" 2>&1; then
	tail -20 "$out/build.out"
	result[fuzz]="FAILED (build)"
else
	# The seeds are read, never written: new inputs go to a scratch dir.
	(cd "$out" && ./fuzz_udp_msg -max_total_time="$UDP_FUZZ_SECONDS" -timeout=20 \
		-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$out/artifacts/" \
		"$out/corpus" "$SRCDIR/fuzz/corpus/udp_msg" >"$out/fuzz.log" 2>&1) || true
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/fuzz.log")
	if ls "$out/artifacts"/* >/dev/null 2>&1 ||
		grep -qE 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)|runtime error:' "$out/fuzz.log" ||
		[ -z "$execs" ]; then
		grep -E -A25 'ERROR:|runtime error:' "$out/fuzz.log" | head -60 || tail -20 "$out/fuzz.log"
		for a in "$out/artifacts"/*; do
			[ -e "$a" ] && echo "input $(basename "$a"): $(base64 -w0 "$a")"
		done
		result[fuzz]=FAILED
	else
		result[fuzz]="$execs executions, $(ls "$out/corpus" | wc -l) new inputs, $(( $(date +%s) - t ))s"
	fi
fi

# What the kernel offers, as libmio sees it (the bench's own lines).
feat=$(cd "$B/bench" && { ./udp/udp_bench recv gso 1200 >"$B/feat.rx" & rp=$!; sleep 0.3;
	port=$(sed -n 's/^port=//p' "$B/feat.rx"); ./udp/udp_bench send gso 1200 50 "$port" |
	sed -n 's/.* gso=\([0-9]*\).*/gso_segments \1/p'; wait $rp;
	sed -n 's/.* gro=\([0-9]*\).*/gro_segments \1/p' "$B/feat.rx"; } | tr '\n' ' ') || feat=unknown
result[kernel]="$(uname -r): $feat"

echo
echo "== udp summary"
status=0
for k in bench fuzz kernel; do
	printf '  %-7s %s\n' "$k" "${result[$k]}"
	case ${result[$k]} in FAILED*) status=1 ;; esac
done
echo "== udp: $([ $status -eq 0 ] && echo passed || echo FAILED) in $(( $(date +%s) - start ))s"
exit $status
