#!/usr/bin/env bash
# t0053-staff-saves: a save imports its own file only and patches what
# searches read, and the result is what a full import gives.
#   1.x  a save is served at once (page, search, suggestions, typo
#        corrections of its new words); a word it removes is found no
#        more and not offered as a correction; the folder is not read
#        again for it, nor for inotify's echo of it (no import summary)
#   2.x  a new article, a draft, an unpublished and a deleted one: found
#        and listed exactly while published; the top list and the
#        suggestions follow
#   3.x  a file changed from outside is imported alone (one summary
#        naming one file); a file removed from outside reads the folder
#   4.x  after many changes (more than an index overlay holds: 288 saves
#        and files from outside), a restart,
#        which builds everything from the database, answers 14 searches,
#        suggestions and a correction exactly as the patched server did
. "$(dirname "$0")/../lib.sh"

dir=$(copy_articles articles)
echo "anna-passwort-1" | "$KBD" user add anna --db "$DB" 2>/dev/null
A=(-H "Authorization: Bearer $("$KBD" user token anna --db "$DB" 2>/dev/null)")
start_kbd --articles "$dir"

summaries() { grep -c '^kbd: articles: .* skipped' "$LOG"; }
rev_of() { curl -s "${A[@]}" --max-time 20 "$BASE/api/admin/articles/$1" | jq -r .rev; }
slugs_for() { jget "/api/search?q=$(uri "$1")" '[.results[].slug] | join(" ")'; }
# found_is QUERY SLUGS: the search finds exactly SLUGS (for wait_until,
# which runs it again on every try)
found_is() { [ "$(slugs_for "$1")" = "$2" ]; }
total_is() { [ "$(jget "/api/search?q=$(uri "$1")&limit=1" .total)" = "$2" ]; }
summaries_above() { [ "$(summaries)" -gt "$1" ]; }
# save CASE SLUG TITLE MARKDOWN [draft]: PUT through the API, want 200
save() {
	local r body
	r=$(rev_of "$2")
	body=$(jq -n --arg t "$3" --arg m "$4" --argjson r "$r" \
	    --argjson d "${5:-false}" \
	    '{title: $t, markdown: $m, rev: $r, draft: $d}')
	expect_status "$1" PUT "/api/admin/articles/$2" 200 "${A[@]}" \
	    -H 'Content-Type: application/json' -d "$body"
}
create() {	# create CASE SLUG TITLE MARKDOWN
	local body
	body=$(jq -n --arg s "$2" --arg t "$3" --arg m "$4" \
	    '{slug: $s, title: $t, markdown: $m}')
	expect_status "$1" POST /api/admin/articles 201 "${A[@]}" \
	    -H 'Content-Type: application/json' -d "$body"
}

# 1: a save, served at once, without reading the folder
n0=$(summaries)
save 1.1 imap "Wie verwalte ich Mails über IMAP mit Quokkafutter?" \
    $'Mit IMAP bleiben die Nachrichten auf dem Server.\n\nDas Quokkafutter-Verfahren gleicht Ordner ab.\n'
[ "$(slugs_for quokkafutter)" = imap ] || fail 1.2 "the new word is not found: '$(slugs_for quokkafutter)'"
expect_json 1.3 "/api/search?q=quokkafuter" '.suggestion == "quokkafutter" or (.results[0].slug == "imap")'
expect_json 1.4 "/api/suggest?q=quokkaf" '[.suggestions[].slug] | index("imap") != null'
req GET /a/imap
grep -q 'Quokkafutter' "$BODY" || fail 1.5 "the page does not show the new text"
save 1.6 imap "Wie verwalte ich Mails über IMAP?" \
    $'Mit IMAP bleiben die Nachrichten auf dem Server.\n'
[ -z "$(slugs_for quokkafutter)" ] || fail 1.7 "a removed word is still found"
expect_json 1.8 "/api/search?q=quokkafuter" '(.suggestion // "") == "" and .total == 0'
# inotify's echo comes within a second; a file changed from outside after
# it shows that the watch has run meanwhile.
sleep 0.1
printf -- '---\ntitle: Marker\n---\nEin Wallabymarker.\n' >"$dir/marker.md"
wait_until 5 found_is wallabymarker marker || fail 1.9 "the outside file is not served"
[ "$(grep '^kbd: articles: .* skipped' "$LOG" | tail -n +$((n0 + 1)) |
    grep -vc 'named by inotify')" = 0 ] ||
    fail 1.10 "the folder was read again: $(grep '^kbd: articles: ' "$LOG" | tail -3)"

# 2: new, draft, unpublished, deleted
create 2.1 numbat "Wie lege ich ein Numbatkonto an?" $'Im Kundenmenü unter Numbatkonten.\n'
[ "$(slugs_for numbatkonto)" = numbat ] || fail 2.2 "a new article is not found"
expect_json 2.3 "/api/suggest?q=numbatk" '[.suggestions[].slug] | index("numbat") != null'
save 2.4 numbat "Wie lege ich ein Numbatkonto an?" $'Im Kundenmenü unter Numbatkonten.\n' true
[ -z "$(slugs_for numbatkonto)" ] || fail 2.5 "a draft is found"
expect_json 2.6 "/api/search?q=numbatkonten" '.total == 0'
expect_status 2.7 POST /api/admin/articles/numbat/publish 200 "${A[@]}"
[ "$(slugs_for numbatkonto)" = numbat ] || fail 2.8 "a published draft is not found"
expect_status 2.9 DELETE /api/admin/articles/numbat 200 "${A[@]}"
[ -z "$(slugs_for numbatkonto)" ] || fail 2.10 "a deleted article is found"
expect_status 2.11 GET /a/numbat 404
expect_json 2.12 "/api/top?limit=100" '[.articles[].slug] | index("numbat") == null'
expect_status 2.13 POST /api/admin/articles/numbat/restore 200 "${A[@]}"
[ "$(slugs_for numbatkonto)" = numbat ] || fail 2.14 "a restored article is not found"
expect_json 2.15 "/api/top?limit=100" '[.articles[].slug] | index("numbat") != null'

# 3: from outside: one file alone; a file removed reads the folder
n1=$(summaries)
printf -- '---\ntitle: Marker\n---\nEin Koalamarker.\n' >"$dir/marker.md"
wait_until 5 found_is koalamarker marker || fail 3.1 "the outside change is not served"
grep '^kbd: articles: ' "$LOG" | tail -n +$((n1 + 1)) | grep -q '0 new, 1 changed, .*(.*1 file named by inotify)' ||
    fail 3.2 "not imported alone: $(grep '^kbd: articles: ' "$LOG" | tail -2)"
n2=$(summaries)
rm "$dir/marker.md"
wait_until 5 found_is koalamarker "" || fail 3.3 "a removed file is still found"
wait_until 5 summaries_above "$n2" &&
    grep '^kbd: articles: ' "$LOG" | tail -n +$((n2 + 1)) | grep -q ', 1 removed, .* skipped ([0-9.]* ms)$' ||
    fail 3.4 "a removal did not read the folder: $(grep '^kbd: articles: ' "$LOG" | tail -2)"

# 4: many saves, then a restart gives the same answers
i=0
for f in "$dir"/*.md; do
	s=$(basename "$f" .md)
	i=$((i + 1))
	t=$(curl -s "${A[@]}" "$BASE/api/admin/articles/$s" | jq -r .title)
	m=$(curl -s "${A[@]}" "$BASE/api/admin/articles/$s" | jq -r .markdown)
	save "4.0.$i" "$s" "$t" "$m

Neu in Runde $i: Beutelmaus$i, Kennwort und Postfach."
done
for ((k = 1; k <= 30; k++)); do
	create "4.0.n$k" "neu-$k" "Frage $k zur Beutelratte" "Die Antwort $k: Kennwort, Server, Beutelratte$k."
done
# ... and 240 more from outside at once (one import of the files
# inotify names, one patch of 240 articles: past the overlay's 256), which
# is quicker than as many saves under ASan.
for ((k = 31; k <= 270; k++)); do
	printf -- '---\ntitle: Frage %d zur Beutelratte\n---\nDie Antwort %d: Kennwort, Server, Beutelratte%d.\n' \
	    "$k" "$k" "$k" >"$dir/.neu-$k.tmp"
done
for ((k = 31; k <= 270; k++)); do mv "$dir/.neu-$k.tmp" "$dir/neu-$k.md"; done
wait_until 20 found_is beutelratte270 neu-270 ||
    fail 4.0 "the files written from outside are not served"
wait_until 20 total_is beutelratte 270 ||
    fail 4.0 "not all 270 new articles are found: $(jget '/api/search?q=beutelratte&limit=1' .total)"
queries=(kennwort postfach beutelratte "beutelratte kennwort" "imap server"
    "passwort vergessen" outlook beutelmaus3 "frage 42" "server postfach"
    "mail weiterleiten" spam "e-mail abrufen" beutelrate)
answers() {
	local q
	for q in "${queries[@]}"; do
		curl -s "$BASE/api/search?q=$(uri "$q")&limit=20" |
		    jq -c '{total, suggestion, r: [.results[] | .slug]}'
	done
	curl -s "$BASE/api/suggest?q=beutelr" | jq -c '[.suggestions[].slug]'
	curl -s "$BASE/api/top?limit=20" | jq -c '[.articles[].slug]'
}
answers >"$TMP/patched"
stop_kbd 4.1
start_kbd --articles "$dir"
answers >"$TMP/rebuilt"
if ! cmp -s "$TMP/patched" "$TMP/rebuilt"; then
	fail 4.2 "answers differ after a restart: $(diff "$TMP/patched" "$TMP/rebuilt" | head -6)"
fi
[ "$(grep -c '"total":0' "$TMP/patched")" -lt 3 ] || fail 4.3 "most searches found nothing: $(head -3 "$TMP/patched")"
stop_kbd 4.4
test_done
