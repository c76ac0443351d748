#!/usr/bin/env bash
# t0015: search quality does not regress.  Builds the German LibreOffice
# help corpus (../shared/corpora, one Debian package, cached in
# tests/artifacts/cache) and scores kbd and the plain FTS5 baseline
# (tests/search/fts5-baseline) with ../shared/eval/run.sh on both tuning
# sets:
#   1.x  dev-queries.tsv: kbd above the baseline in every query type,
#        nDCG@10 at least 0.75 overall, and no type below its figure on
#        the day issue 13 was filed (kbd/kbd-search.7, QUALITY)
#   2.x  dev-queries-2.tsv (questions, compounds, English words, keyword
#        synonyms): the same, with at least 0.30 overall and 0.25 for the
#        questions
# The floors are goals, not today's figures, so that tuning has room; a
# build without the dictionaries kbd/deps.sh installs (trans-de-en,
# openthesaurus-de-text) is not expected to reach them.  SKIP when
# ../shared is not there (tests/run makes that a failure under CI=true,
# where ../shared always is).
. "$(dirname "$0")/../lib.sh"

shared=$ROOT/../shared
if [ ! -x "$shared/eval/run.sh" ] || [ ! -x "$shared/corpora/libreoffice-help-de.sh" ]; then
	skip_all "$shared/eval or $shared/corpora is missing"
fi
for f in /usr/share/trans/de-en /usr/share/openthesaurus-de/openthesaurus.txt; do
	[ -f "$f" ] || echo "t0015: $f is missing (sh kbd/deps.sh build): expect failures"
done
cache=$ROOT/tests/artifacts/cache
corpus=$cache/lo-help-de
if [ ! -f "$corpus.done" ]; then
	rm -rf "$corpus"
	mkdir -p "$cache"
	"$shared/corpora/libreoffice-help-de.sh" "$corpus" >"$TMP/corpus.log" 2>&1 ||
	    die "building the corpus failed: $(tail -n 3 "$TMP/corpus.log")"
	touch "$corpus.done"
fi

score() {	# score BINARY QUERIES OUT: the per-type table of run.sh into OUT
	HEALTH_TIMEOUT=120 "$shared/eval/run.sh" "$1" "$corpus" "$2" \
	    >"$3" 2>"$3.err" || die "run.sh $1 $2 failed: $(tail -n 3 "$3.err")"
}

ndcg() {	# ndcg FILE TYPE
	awk -v t="$2" '$1 == t { print $3 }' "$1"
}

at_least() {	# at_least VALUE FLOOR
	awk -v v="$1" -v f="$2" 'BEGIN { exit !(v + 0 >= f + 0) }'
}

# check N QUERIES "TYPE:FLOOR ...": kbd above the baseline in every type,
# and at least FLOOR where one is given ("all" too).
check() {
	local n=$1 queries=$2 floors=$3 t floor k b
	score "$KBD" "$queries" "$TMP/kbd.$n"
	score "$ROOT/tests/search/fts5-baseline" "$queries" "$TMP/base.$n"
	echo "set $n ($(basename "$queries")):"
	cat "$TMP/kbd.$n"
	for t in $floors; do
		floor=${t#*:}
		t=${t%%:*}
		k=$(ndcg "$TMP/kbd.$n" "$t")
		b=$(ndcg "$TMP/base.$n" "$t")
		[ -n "$k" ] && [ -n "$b" ] || { fail $n.1 "no $t row"; continue; }
		at_least "$b" "$k" && [ "$k" != "$b" ] &&
		    fail $n.2 "$t: kbd $k is not above the FTS5 baseline $b"
		at_least "$k" "$floor" ||
		    fail $n.3 "$t: nDCG@10 $k is below $floor"
	done
}

# The floors of "no type below the day's figure" and the overall goals.
check 1 "$shared/eval/dev-queries.tsv" \
    "all:0.75 kw:0.879 nl:0.666 typo:0.705 fold:0.557 compound:0.709 en:0.724"
check 2 "$shared/eval/dev-queries-2.tsv" \
    "all:0.30 nl:0.25 compound:0.398 en:0.160 kw:0.309"
test_done
