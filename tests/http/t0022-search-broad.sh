#!/usr/bin/env bash
# t0022-search-broad: a query that most of a large base matches.  Above
# 2,000 expected rows kbd ranks a tier keeping the best rows itself and
# looks up the page's snippets one by one (search.c, rank_tier()); below,
# FTS5 sorts.  2,400 generated articles all hold "router" and
# "neustarten"; five have "Router" in the title, with different hits.
#   1.x  total 2,400; the five title articles first, the more read first
#   2.x  every snippet of a page has the match in <mark>, nothing else
#        unescaped; a snippet is the same on both paths (broad-1 found
#        among 2,400 rows, and among the 5 that hold a title word more)
#   3.x  paging: 24 pages of 100 give every article once, in the order of
#        the small pages; offset 2,395 gives 5, offset 2,400 none
#   4.x  the import merged the index (more than 500 articles changed) and
#        the database is sound
. "$(dirname "$0")/../lib.sh"

dir=$TMP/broad
mkdir -p "$dir"
for i in $(seq 1 2400); do
	if [ "$i" -le 5 ]; then
		title="Router neu starten, Variante $i"
		hits=$((600 - i * 100))
	else
		title="Hinweis Nummer $i zur Heimvernetzung"
		hits=0
	fi
	tags=
	[ "$i" -le 3 ] && tags=$'tags: [Router, Heimnetz]\n'
	printf -- '---\ntitle: %s\nhits: %d\n%s---\nWenn das Netz hakt, den Router neustarten: Stecker ziehen, warten, Fall %d.\n' \
	    "$title" "$hits" "$tags" "$i" >"$dir/broad-$i.md"
done
READY_TIMEOUT=$((READY_TIMEOUT * 4)) start_kbd --articles "$dir"

# 1: the total and the first page
req GET "/api/search?q=router&limit=10"
jq -e '.total == 2400 and (.results | length) == 10' "$BODY" >/dev/null ||
    fail 1.1 "total $(jq .total "$BODY"), $(jq '.results | length' "$BODY") results"
got=$(jq -c '[.results[:5][].slug]' "$BODY")
[ "$got" = '["broad-1","broad-2","broad-3","broad-4","broad-5"]' ] ||
    fail 1.2 "title matches by hits first: $got"
expect_json 1.3 "/api/search?q=$(uri 'router neustarten')&limit=10" \
    '.total == 2400 and .partial == false and
    [.results[:5][].slug] == ["broad-1","broad-2","broad-3","broad-4","broad-5"]'

# 2: snippets
req GET "/api/search?q=router&limit=100&offset=1000"
jq -e '(.results | length) == 100 and
    all(.results[]; .snippet | contains("<mark>Router</mark>"))' "$BODY" \
    >/dev/null || fail 2.1 "snippets without the match: $(jq -c '.results[0]' "$BODY")"
jq -r '.results[].snippet | gsub("</?mark>"; "")' "$BODY" | grep -q '<' &&
    fail 2.2 "markup in a snippet"
broad=$(jget "/api/search?q=$(uri 'router neustarten')" \
    '.results[] | select(.slug == "broad-1") | .snippet')
narrow=$(jget "/api/search?q=$(uri 'router neustarten variante')" \
    '.results[] | select(.slug == "broad-1") | .snippet')
[ -n "$broad" ] && [ "$narrow" = "$broad" ] ||
    fail 2.3 "snippets differ: broad '$broad', narrow '$narrow'"

# 3: paging
: >"$TMP/pages"
for off in $(seq 0 100 2300); do
	curl -s "$BASE/api/search?q=router&limit=100&offset=$off" |
	    jq -r '.results[].slug' >>"$TMP/pages"
done
[ "$(wc -l <"$TMP/pages")" = 2400 ] || fail 3.1 "$(wc -l <"$TMP/pages") rows in 24 pages"
[ "$(sort -u "$TMP/pages" | wc -l)" = 2400 ] || fail 3.2 "rows repeated across pages"
for off in 0 10 990 2390; do
	want=$(sed -n "$((off + 1)),$((off + 10))p" "$TMP/pages" | paste -sd ' ')
	got=$(curl -s "$BASE/api/search?q=router&limit=10&offset=$off" |
	    jq -r '[.results[].slug] | join(" ")')
	[ "$got" = "$want" ] || fail 3.3 "offset $off: '$got', want '$want'"
done
expect_json 3.4 "/api/search?q=router&limit=10&offset=2395" '(.results | length) == 5 and .total == 2400'
expect_json 3.5 "/api/search?q=router&limit=10&offset=2400" '(.results | length) == 0'

# 4: related articles
req GET /a/broad-1 -A 'Mozilla/5.0 (X11; Linux x86_64)'
got=$(sed -n '/Ähnliche Fragen/,/<\/ul>/p' "$BODY" | grep -o 'href="/a/[^"]*"' | paste -sd ' ')
[ "$got" = 'href="/a/broad-2" href="/a/broad-3"' ] || fail 4.1 "related to broad-1: $got"

# 5: the merged index
stop_kbd 5.1
# FTS5's structure record: a 4-byte cookie, the number of levels, the
# number of segments (varints): one segment when merged.
segments=$(sqlite3 "$DB" "SELECT hex(substr(block, 6, 1)) FROM article_fts_data WHERE id = 10")
[ "$segments" = 01 ] || fail 5.2 "index not merged: $segments segments"
[ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok ] || fail 5.3 "integrity_check"

test_done
