#!/bin/bash
# libFuzzer, bounded: fuzz/fuzz_addr (mio_addr_parse/format) and
# fuzz/fuzz_api (random call sequences with a model) built with
# clang -fsanitize=fuzzer,address,undefined from the library's sources,
# each run from the committed seed corpus for FUZZ_SECONDS (both at once,
# one per core).  Any crash, leak, sanitizer report or broken invariant
# fails the step; the input that did it is printed in base64.
# ci-seconds: 60
set -euo pipefail
: "${SRCDIR:?}" "${BUILD:?}"
FUZZ_SECONDS=${FUZZ_SECONDS:-50}
out=$SRCDIR/_build/fuzz
start=$(date +%s)

grep -q '^#define MIO_BACKEND_EPOLL 1' "$BUILD/config.h" ||
	{ echo "fuzz: $BUILD is not an epoll build; the targets compile the epoll backend"; exit 1; }
echo "== fuzz: build ($out)"
rm -rf "$out"
sh "$SRCDIR/fuzz/build.sh" "$BUILD" "$out"

pids=()
for t in fuzz_addr fuzz_api; do
	corpus=${t#fuzz_}
	mkdir -p "$out/corpus-$corpus" "$out/artifacts-$corpus"
	# The seeds are read, never written: new inputs go to a scratch dir.
	echo "== fuzz: $t for ${FUZZ_SECONDS}s"
	(cd "$out" && "./$t" -max_total_time="$FUZZ_SECONDS" -timeout=20 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$out/artifacts-$corpus/" \
		"$out/corpus-$corpus" "$SRCDIR/fuzz/corpus/$corpus" >"$out/$t.log" 2>&1) &
	pids+=($!)
done
status=0
for i in 0 1; do
	wait "${pids[$i]}" || status=1
done

total=0
for t in fuzz_addr fuzz_api; do
	corpus=${t#fuzz_}
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log")
	echo "fuzz: $t: ${execs:-0} executions, $(ls "$out/corpus-$corpus" | wc -l) new corpus entries"
	total=$(( total + ${execs:-0} ))
	if ls "$out/artifacts-$corpus"/* >/dev/null 2>&1 || grep -qE 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)|runtime error:' "$out/$t.log"; then
		status=1
		echo "---- $t failed:"
		grep -E -A25 'ERROR:|runtime error:' "$out/$t.log" | head -60
		for a in "$out/artifacts-$corpus"/*; do
			[ -e "$a" ] && echo "input $(basename "$a"): $(base64 -w0 "$a")"
		done
	fi
done
[ $status -eq 0 ] && echo "== fuzz: no findings, $total executions in total, $(( $(date +%s) - start ))s"
exit $status
