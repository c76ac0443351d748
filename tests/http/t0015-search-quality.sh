#!/usr/bin/env bash
# t0015: search quality does not regress.  Builds the German LibreOffice
# help corpus (../shared/corpora, one Debian package, cached in
# tests/artifacts/cache) and scores kbd and the plain FTS5 baseline
# (tests/search/fts5-baseline) on the tuning queries with
# ../shared/eval/run.sh: kbd must beat the baseline in every query type
# and keep its overall nDCG@10 above a floor set from the figures in
# kbd/kbd-search.7 (QUALITY).  SKIP when ../shared is not there
# (tests/run makes that a failure under CI=true, where ../shared always
# is).
. "$(dirname "$0")/../lib.sh"

shared=$ROOT/../shared
FLOOR=0.65
if [ ! -x "$shared/eval/run.sh" ] || [ ! -x "$shared/corpora/libreoffice-help-de.sh" ]; then
	skip_all "$shared/eval or $shared/corpora is missing"
fi
cache=$ROOT/tests/artifacts/cache
corpus=$cache/lo-help-de
if [ ! -f "$corpus.done" ]; then
	rm -rf "$corpus"
	mkdir -p "$cache"
	"$shared/corpora/libreoffice-help-de.sh" "$corpus" >"$TMP/corpus.log" 2>&1 ||
	    die "building the corpus failed: $(tail -n 3 "$TMP/corpus.log")"
	touch "$corpus.done"
fi
queries=$shared/eval/dev-queries.tsv

score() {	# score BINARY OUT: the per-type table of run.sh into OUT
	HEALTH_TIMEOUT=120 "$shared/eval/run.sh" "$1" "$corpus" "$queries" \
	    >"$2" 2>"$2.err" || die "run.sh $1 failed: $(tail -n 3 "$2.err")"
}
score "$KBD" "$TMP/kbd.txt"
score "$ROOT/tests/search/fts5-baseline" "$TMP/base.txt"
cat "$TMP/kbd.txt"

ndcg() {	# ndcg FILE TYPE
	awk -v t="$2" '$1 == t { print $3 }' "$1"
}
for type in kw nl typo fold compound en all; do
	k=$(ndcg "$TMP/kbd.txt" "$type")
	b=$(ndcg "$TMP/base.txt" "$type")
	[ -n "$k" ] && [ -n "$b" ] || { fail 1.1 "no $type row"; continue; }
	awk -v k="$k" -v b="$b" 'BEGIN { exit !(k > b) }' ||
	    fail 1.2 "$type: kbd $k is not above the FTS5 baseline $b"
done
all=$(ndcg "$TMP/kbd.txt" all)
awk -v k="$all" -v f="$FLOOR" 'BEGIN { exit !(k >= f) }' ||
    fail 1.3 "nDCG@10 $all is below the floor $FLOOR"
test_done
