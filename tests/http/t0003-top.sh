#!/usr/bin/env bash
# t0003-top: GET /api/top.
#   1.x  the default list is the expected ten, in order, with the hits of
#        the front matter, titles, categories and /a/<slug> URLs; JSON
#        Content-Type
#   2.x  limit: 1, 21 (all), larger values clamped to 100, empty means
#        the default; 0, -1, text, 1.5, 0x10, a blank give 400 {"error"}
#   3.x  order: hits descending, then title; two extra articles with equal
#        hits come in title order, one with no hits comes last
#   4.x  the list follows views after the next flush (about a second)
. "$(dirname "$0")/../lib.sh"

TOP10='["aliasname","fritzbox-konfigurieren","brief-identifikation",
  "mailspool","ip-updater-router","adress-identifikation","auto-update",
  "dns-content","subdomain-loest-nicht-auf","dns-pruefung"]'

dir=$(copy_articles articles)
cat >"$dir/tie-zwei.md" <<'EOF'
---
title: Bbb gleich viele Hits
hits: 500
---
Zweiter Artikel mit 500 Hits.
EOF
cat >"$dir/tie-eins.md" <<'EOF'
---
title: Aaa gleich viele Hits
hits: 500
---
Erster Artikel mit 500 Hits.
EOF
cat >"$dir/ohne-hits.md" <<'EOF'
---
title: Artikel ohne Hits
---
Niemand hat ihn je gelesen.
EOF
start_kbd --articles "$dir"

# 1: the default list
expect_json 1.1 /api/top "[.articles[].slug] == $TOP10"
header Content-Type | grep -qx 'application/json; charset=utf-8' ||
    fail 1.2 "Content-Type: $(header Content-Type)"
expect_json 1.3 /api/top '.articles[0] == {"slug": "aliasname",
    "title": "Was ist ein Aliasname?", "category": "DNS",
    "hits": 29887740, "url": "/a/aliasname"}'
expect_json 1.4 /api/top '[.articles[] | .url == "/a/" + .slug] | all'
expect_json 1.5 /api/top '[.articles[].hits] == ([.articles[].hits] | sort | reverse)'

# 2: limit
expect_json 2.1 "/api/top?limit=1" '[.articles[].slug] == ["aliasname"]'
expect_json 2.2 "/api/top?limit=21" '(.articles | length) == 21'
expect_json 2.3 "/api/top?limit=100" '(.articles | length) == 21'
expect_json 2.4 "/api/top?limit=100000" '(.articles | length) == 21'
expect_json 2.5 "/api/top?limit=" '(.articles | length) == 10'
n=6
for bad in 0 -1 abc 1.5 "5%20x" 0x10 "%20"; do
	if expect_status 2.$n GET "/api/top?limit=$bad" 400; then
		jq -e '.error | type == "string"' "$BODY" >/dev/null ||
		    fail 2.$n "limit=$bad: no {\"error\"}: $(cat "$BODY")"
	fi
	n=$((n + 1))
done

# 3: order with ties
expect_json 3.1 "/api/top?limit=100" \
    '[.articles[].slug][-3:] == ["tie-eins", "tie-zwei", "ohne-hits"]'
expect_json 3.2 "/api/top?limit=100" \
    '[.articles[] | select(.slug == "ohne-hits") | .hits] == [0]'

# 4: views reach the list after a flush: 3 views lift tie-zwei above
# tie-eins (503 > 500), and /api/top shows the stored counts
for i in 1 2 3; do
	req GET /api/articles/tie-zwei
done
top_moved() {
	jq -e '[.articles[].slug][-3:] == ["tie-zwei", "tie-eins", "ohne-hits"]
	    and ([.articles[] | select(.slug == "tie-zwei") | .hits] == [503])' \
	    <(curl -s "$BASE/api/top?limit=100") >/dev/null
}
wait_until 5 top_moved || fail 4.1 "/api/top did not show tie-zwei with 503 hits: $(curl -s "$BASE/api/top?limit=100" | jq -c '.articles[-3:]')"
stop_kbd 4.2

test_done
