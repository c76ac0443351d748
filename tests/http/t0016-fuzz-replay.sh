#!/usr/bin/env bash
# t0016-fuzz-replay: every fuzz target of this build (the fuzzrep_<t>
# programs next to $KBD, which make units builds from tests/fuzz/) runs
# once on its seed corpus and on every crash the fuzzers once found, so
# that a fixed bug stays fixed.  On build-asan/ that is under ASan and
# UBSan.  The http target starts its own server on a free port.
#   1.x  each target replays without a failed check or a sanitizer report
#   2.x  every target has a seed corpus, and every corpus and crashes
#        folder belongs to a target
. "$(dirname "$0")/../lib.sh"

build=$(dirname "$KBD")
fuzz=$ROOT/tests/fuzz
n=0
for bin in "$build"/fuzzrep_*; do
	[ -x "$bin" ] || continue
	t=${bin##*/fuzzrep_}
	n=$((n + 1))
	dirs=("$fuzz/corpus/$t")
	[ -d "$fuzz/crashes/$t" ] && dirs+=("$fuzz/crashes/$t")
	if ! TMPDIR=$TMP "$bin" "${dirs[@]}" >"$TMP/$t.log" 2>&1; then
		fail "1.$n" "fuzz target $t failed its replay:"
		tail -n 30 "$TMP/$t.log"
	else
		tail -n 1 "$TMP/$t.log"
	fi
done
[ "$n" -gt 0 ] || die "no fuzzrep_* programs in $build (make units builds them)"

for src in "$fuzz"/fuzz_*.c; do
	t=${src##*/fuzz_}
	t=${t%.c}
	[ -n "$(ls -A "$fuzz/corpus/$t" 2>/dev/null)" ] ||
	    fail 2.1 "target $t has no seed corpus in tests/fuzz/corpus/$t"
done
for d in "$fuzz"/corpus/* "$fuzz"/crashes/*; do
	[ -d "$d" ] || continue
	[ -f "$fuzz/fuzz_${d##*/}.c" ] ||
	    fail 2.2 "$d belongs to no fuzz target"
done

test_done
