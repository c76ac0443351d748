#!/usr/bin/env bash
# t0071-cache-keys: no request can put an answer under another answer's
# cache key (issue 15, finding 2).  Keys were "search?10&0&<raw q>" with
# "\norigin=<origin>" added for a named CORS origin, so a search for
# "dns\norigin=https://shop.example.com" without Origin stored an answer
# without Access-Control-Allow-Origin under the key of the shop's "dns".
#   1.x  /api/search: the forged query first, then the shop's own request
#        still gets its Access-Control-Allow-Origin, now and from the cache
#   2.x  /api/suggest the same (its answers lived until the next import)
#   3.x  queries that spell other keys' separators ("&", "?", digits, the
#        new length prefixes) get their own answers: the real query's
#        answer is not the forged one's
#   (tests/unit/t_cache.c checks the keys themselves, with forged parts)
. "$(dirname "$0")/../lib.sh"

A=https://shop.example.com
acao() {	# acao CASE WANT: the last answer's Access-Control-Allow-Origin
	local got
	got=$(header Access-Control-Allow-Origin)
	[ "$got" = "$2" ] || fail "$1" "Access-Control-Allow-Origin: '$got', want '$2'"
}

start_kbd --cors-origin "$A"

# 1: the search
n=0
for forged in "dns%0Aorigin=$A" "dns%0Aorigin%3D$(uri "$A")"; do
	n=$((n + 1))
	expect_status "1.$n.1" GET "/api/search?q=$forged" 200
	acao "1.$n.2" ""
	for i in 1 2; do	# made, then from the cache
		expect_status "1.$n.3" GET "/api/search?q=dns" 200 -H "Origin: $A"
		acao "1.$n.4.$i" "$A"
	done
	expect_status "1.$n.5" GET "/api/search?q=dns" 200
	acao "1.$n.6" ""
done

# 2: suggestions
expect_status 2.1 GET "/api/suggest?q=ima%0Aorigin=$A" 200
acao 2.2 ""
for i in 1 2; do
	expect_status 2.3 GET "/api/suggest?q=ima" 200 -H "Origin: $A"
	acao "2.4.$i" "$A"
done
expect_status 2.5 GET "/api/suggest?q=ima&limit=2" 200
acao 2.6 ""
expect_status 2.7 GET "/api/suggest?q=ima&limit=2" 200 -H "Origin: $A"
acao 2.8 "$A"

# 3: one answer per query, whatever its bytes
n=0
for pair in "imap%2610|imap" "3%3Aimap|imap" "imap%3Flimit%3D1|imap"; do
	n=$((n + 1))
	forged=${pair%%|*}
	real=${pair##*|}
	req GET "/api/search?q=$forged"
	fq=$(jq -r .query "$BODY")
	req GET "/api/search?q=$real"
	rq=$(jq -r .query "$BODY")
	[ "$fq" != "$rq" ] || fail "3.$n" "q=$forged and q=$real got the same answer (query '$rq')"
done
stop_kbd 3.9
test_done
