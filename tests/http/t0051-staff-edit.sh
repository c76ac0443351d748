#!/usr/bin/env bash
# t0051-staff-edit: what staff change, and that nothing is lost.
#   1.x  a save through the editor's form: 303 to the editor with the new
#        revision; the file is rewritten whole (front matter keys kbd does
#        not write are kept, no temporary file left), the public page,
#        the API and the search serve it at once; the revision names the
#        editor; the hits are untouched
#   2.x  drafts: a new article saved as a draft is nowhere public (page,
#        API, search, suggestions, top list, typo corrections, sitemap,
#        feed, llms.txt, embeds, the Markdown twin); published
#        it is everywhere; unpublished it is gone again
#   3.x  conflicts: two editors start from the same revision; the second
#        save gets 409 with the text as it is now (API) or both texts and
#        a diff (page); the first editor's text is still the file
#   4.x  revisions and restore: the history lists every version with its
#        author and shows a diff; restoring an old version makes a new
#        revision with the old text
#   5.x  rename: the old address answers 301 to the new one (page and
#        API), the file is renamed, the hits go along; the old name can
#        be used by a new article, which then wins over the redirect
#   6.x  delete is recoverable: the file goes, the article is 404 and
#        listed as deleted; restore brings it back with its hits
#   7.x  a file changed, added or removed from outside while kbd runs is
#        served within about a second (inotify, no SIGHUP) and recorded
#        as a revision by "file"
#   8.x  bad saves change nothing: invalid fields (422), a folder that
#        cannot be written (500, nothing acknowledged, the old text
#        served), an unknown base revision (409), a missing article (404)
#   9.x  the preview renders with the public renderer and drops raw HTML
. "$(dirname "$0")/../lib.sh"

dir=$(copy_articles articles)
printf -- '---\ntitle: Gibt es eine Hotline?\ncategory: Kontakt\nowner: team-support\nreview:\n  every: 90d\nhits: 5\n---\nJa, werktags.\n' >"$dir/hotline.md"
echo "anna-passwort-1" | "$KBD" user add anna --db "$DB" 2>/dev/null
echo "bert-passwort-1" | "$KBD" user add bert --db "$DB" 2>/dev/null
A=(-H "Authorization: Bearer $("$KBD" user token anna --db "$DB" 2>/dev/null)")
B=(-H "Authorization: Bearer $("$KBD" user token bert --db "$DB" 2>/dev/null)")
start_kbd --articles "$dir"

JAR=$TMP/jar
req POST /admin/login -c "$JAR" -d 'name=anna&password=anna-passwort-1'
[ "$STATUS" = 303 ] || die "cannot log in ($STATUS)"
csrf() { curl -s -b "$JAR" "$BASE/admin" | sed -n 's/.*<meta name="csrf" content="\([0-9a-f]*\)">.*/\1/p'; }
TOK=$(csrf)
api() {	# api CASE METHOD PATH CODE [JSON] [who...]: sets STATUS, BODY
	local c=$1 m=$2 p=$3 want=$4 data=${5:-}
	shift 4; [ $# -gt 0 ] && shift
	[ $# -gt 0 ] || set -- "${A[@]}"
	if [ -n "$data" ]; then set -- "$@" -d "$data"; fi
	expect_status "$c" "$m" "/api/admin$p" "$want" "$@" ||
	    echo "    body: $(head -c 300 "$BODY")"
}
rev_of() { jget "/api/admin/articles/$1" .rev "${A[@]}"; }
jget() {	# jget URL FILTER [curl args]
	local u=$1 f=$2
	shift 2
	curl -s "$@" --max-time 20 "$(url "$u")" | jq -r "$f"
}
slugs_for() { jget "/api/search?q=$(uri "$1")" '[.results[].slug] | join(" ")'; }
# viewed SLUG N: N new readers open SLUG; prints its hits once they are
# stored, which are then more than its file says (a reset would show).
hits_are() { [ "$(sql "SELECT hits FROM article WHERE slug = '$1'")" = "$2" ]; }
viewed() {
	local before i
	before=$(sql "SELECT hits FROM article WHERE slug = '$1'")
	for ((i = 0; i < $2; i++)); do req GET "/a/$1"; done
	wait_until 10 hits_are "$1" $((before + $2)) ||
	    die "$2 views of $1 were not stored"
	echo $((before + $2))
}

# 1: a save through the form
hits0=$(viewed hotline 3)
rev=$(rev_of hotline)
[ "$rev" = 1 ] || fail 1.1 "hotline starts at revision '$rev'"
req POST /admin/edit/hotline -b "$JAR" --data-urlencode "csrf=$TOK" \
    --data-urlencode "rev=$rev" --data-urlencode 'title=Gibt es eine Telefon-Hotline?' \
    --data-urlencode 'category=Kontakt' --data-urlencode 'tags=telefon, hotline' \
    --data-urlencode $'body=Ja, werktags von 8 bis 18 Uhr; die Nummer steht im Kranichweg-Brief.\r\n'
[ "$STATUS" = 303 ] || fail 1.2 "save gave $STATUS"
[ "$(header Location)" = "/admin/edit/hotline?msg=saved&rev=2" ] || fail 1.3 "Location: $(header Location)"
grep -q '^title: "Gibt es eine Telefon-Hotline?"$' "$dir/hotline.md" || fail 1.4 "the file: $(cat "$dir/hotline.md")"
grep -q '^owner: team-support$' "$dir/hotline.md" && grep -q '^  every: 90d$' "$dir/hotline.md" &&
    grep -q '^hits: 5$' "$dir/hotline.md" || fail 1.5 "other front matter keys were lost: $(cat "$dir/hotline.md")"
grep -q $'\r' "$dir/hotline.md" && fail 1.6 "CRLF from the form reached the file"
[ -z "$(ls -A "$dir" | grep '^\.')" ] || fail 1.7 "files left behind: $(ls -A "$dir" | grep '^\.')"
expect_json 1.8 /api/articles/hotline '.title == "Gibt es eine Telefon-Hotline?" and .tags == ["telefon","hotline"]'
[ "$(slugs_for Kranichweg)" = hotline ] || fail 1.9 "the new text is not found: $(slugs_for Kranichweg)"
expect_json 1.10 /api/admin/articles/hotline/revisions '[.revisions[] | .author] == ["anna","file"]' "${A[@]}"
[ "$(sql "SELECT hits FROM article WHERE slug = 'hotline'")" -ge "$hits0" ] ||
    fail 1.11 "hits went down from $hits0 (the file says 5)"

# 2: drafts
api 2.1 POST /articles 201 '{"slug":"geheim","title":"Wie heißt das Zebra-Projekt?","markdown":"Das Okapi-Wort ist geheim.\n","tags":["zebra"],"draft":true}'
grep -q '^draft: true$' "$dir/geheim.md" || fail 2.2 "the draft flag is not in the file"
expect_status 2.3 GET /a/geheim 404
expect_status 2.4 GET /api/articles/geheim 404
[ -z "$(slugs_for Okapi)" ] || fail 2.5 "a draft is found by search"
[ -z "$(slugs_for Zebra-Projekt)" ] || fail 2.6 "a draft's title is found"
expect_json 2.7 "/api/suggest?q=zebra" '.suggestions == []'
expect_json 2.8 "/api/top?limit=100" '[.articles[].slug] | index("geheim") == null'
expect_json 2.9 "/api/search?q=okapii" '(.suggestion // "") == "" and .total == 0'
for path in /sitemap.xml /feed.atom /llms.txt /embed/top.html "/api/top?period=7d&limit=100"; do
	req GET "$path"
	grep -q 'geheim\|Zebra-Projekt' "$BODY" && fail 2.9b "a draft is listed in $path"
done
expect_status 2.9c GET /a/geheim.md 404
expect_json 2.10 /api/admin/articles/geheim '.state == "draft" and .draft == true' "${A[@]}"
api 2.11 POST /articles/geheim/publish 200
expect_status 2.12 GET /a/geheim 200
req GET /sitemap.xml
grep -q '/a/geheim<' "$BODY" || fail 2.12b "the published article is not in the sitemap"
[ "$(slugs_for Okapi)" = geheim ] || fail 2.13 "the published article is not found"
api 2.14 POST /articles/geheim/unpublish 200
expect_status 2.15 GET /a/geheim 404
[ -z "$(slugs_for Okapi)" ] || fail 2.16 "an unpublished article is still found"
api 2.17 POST /articles/geheim/publish 200

# 3: conflicts
r=$(rev_of pop3)
api 3.1 PUT /articles/pop3 200 "{\"title\":\"POP3: was ist das?\",\"markdown\":\"Annas Fassung.\\n\",\"rev\":$r}"
api 3.2 PUT /articles/pop3 409 "{\"title\":\"POP3 – Berts Titel\",\"markdown\":\"Berts Fassung.\\n\",\"rev\":$r}" "${B[@]}"
jq -e '.rev == '$((r + 1))' and (.current | test("Annas Fassung"))' "$BODY" >/dev/null ||
    fail 3.3 "the 409 does not carry the text as it is now: $(head -c 200 "$BODY")"
grep -q 'Annas Fassung' "$dir/pop3.md" && ! grep -q Bert "$dir/pop3.md" || fail 3.4 "the second save overwrote the first"
req POST /admin/edit/pop3 -b "$JAR" --data-urlencode "csrf=$TOK" --data-urlencode "rev=$r" \
    --data-urlencode 'title=POP3 im Formular' --data-urlencode $'body=Formular-Fassung.\n'
[ "$STATUS" = 409 ] || fail 3.5 "a stale form save gave $STATUS"
grep -q 'Jemand war schneller' "$BODY" && grep -q 'Annas Fassung' "$BODY" &&
    grep -q 'Formular-Fassung' "$BODY" && grep -q 'class="diff"' "$BODY" ||
    fail 3.6 "the conflict page does not show both texts and the diff"
grep -q "name=\"rev\" value=\"$((r + 1))\"" "$BODY" || fail 3.7 "the form is not based on the current revision"
grep -q 'Formular' "$dir/pop3.md" && fail 3.8 "the stale form save reached the file"

# 4: revisions and restore
r=$(rev_of pop3)
req GET "/admin/history/pop3" -b "$JAR"
[ "$STATUS" = 200 ] && grep -q 'Revision 2' "$BODY" && grep -q 'Annas Fassung' "$BODY" ||
    fail 4.1 "history page ($STATUS) without the revisions or the diff"
grep -q '<tr class="ins">' "$BODY" && grep -q '<tr class="del">' "$BODY" || fail 4.2 "no diff lines"
req POST /admin/restore/pop3 -b "$JAR" -d "csrf=$TOK&rev=1"
[ "$STATUS" = 303 ] || fail 4.3 "restore gave $STATUS"
grep -q 'Annas Fassung' "$dir/pop3.md" && fail 4.4 "the old text is not back"
expect_json 4.5 /api/admin/articles/pop3 ".rev == $((r + 1)) and .author == \"anna\"" "${A[@]}"
diff <(curl -s "${A[@]}" "$BASE/api/admin/articles/pop3/revisions/1" | jq -j .text) "$dir/pop3.md" >/dev/null ||
    fail 4.6 "the restored file is not revision 1"

# 5: rename
h=$(viewed smtp 2)
api 5.1 POST /articles/smtp/rename 200 '{"slug":"mails-versenden"}'
[ -f "$dir/mails-versenden.md" ] && [ ! -e "$dir/smtp.md" ] || fail 5.2 "the file was not renamed"
expect_status 5.3 GET /a/smtp 301
[ "$(header Location)" = /a/mails-versenden ] || fail 5.4 "Location: $(header Location)"
expect_status 5.5 GET /api/articles/smtp 301
[ "$(header Location)" = /api/articles/mails-versenden ] || fail 5.6 "API Location: $(header Location)"
expect_json 5.7 /api/articles/mails-versenden ".hits >= $h"
api 5.8 POST /articles/pop3/rename 409 '{"slug":"mails-versenden"}'
api 5.9 POST /articles/pop3/rename 422 '{"slug":"Böse Adresse"}'
api 5.10 POST /articles 201 '{"slug":"smtp","title":"Was ist SMTP überhaupt?","markdown":"Ein Protokoll.\n"}'
expect_status 5.11 GET /a/smtp 200

# 6: delete and restore
h=$(viewed spamfilter 2)
api 6.1 DELETE /articles/spamfilter 200
[ ! -e "$dir/spamfilter.md" ] || fail 6.2 "the file is still there"
expect_status 6.3 GET /a/spamfilter 404
expect_json 6.4 "/api/admin/articles?state=deleted" '[.articles[].slug] | index("spamfilter") != null' "${A[@]}"
api 6.5 POST /articles/spamfilter/restore 200
[ -f "$dir/spamfilter.md" ] || fail 6.6 "the file is not back"
expect_json 6.7 /api/articles/spamfilter ".hits >= $h"

# 7: changes from outside, without SIGHUP
n0=$(grep -c '^kbd: articles: ' "$LOG")
sed -i 's/^title: .*/title: Aliasname von außen geändert/' "$dir/aliasname.md"
printf -- '---\ntitle: Von außen neu\n---\nDas Gürteltier kam per git pull.\n' >"$dir/von-aussen.md"
rm "$dir/dns-content.md"
served() { [ "$(jget /api/articles/aliasname .title)" = "Aliasname von außen geändert" ] &&
    [ "$(slugs_for Gürteltier)" = von-aussen ] && [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/a/dns-content")" = 404 ]; }
wait_until 3 served || fail 7.1 "changes from outside are not served 3 s later"
[ "$(grep -c '^kbd: articles: ' "$LOG")" -gt "$n0" ] || fail 7.2 "no import was logged"
expect_json 7.3 /api/admin/articles/aliasname/revisions '.revisions[0].author == "file"' "${A[@]}"

# 8: bad saves change nothing
r=$(rev_of hotline)
cp "$dir/hotline.md" "$TMP/hotline.before"
api 8.1 PUT /articles/hotline 422 "{\"title\":\"zwei\\nZeilen\",\"markdown\":\"x\\n\",\"rev\":$r}"
api 8.2 PUT /articles/hotline 422 "{\"title\":\"\",\"markdown\":\"x\\n\",\"rev\":$r}"
api 8.3 PUT /articles/hotline 409 "{\"title\":\"T\",\"markdown\":\"x\\n\",\"rev\":999}"
api 8.4 PUT /articles/gibt-es-nicht 404 '{"title":"T","markdown":"x\n","rev":1}'
api 8.5 PUT /articles/hotline 400 '{"title":"T","markdown":"x\n"}'
api 8.6 PUT /articles/hotline 400 'kein json'
cmp -s "$dir/hotline.md" "$TMP/hotline.before" || fail 8.7 "a refused save changed the file"
if [ "$(id -u)" != 0 ]; then
	chmod 555 "$dir"
	api 8.8 PUT /articles/hotline 500 "{\"title\":\"Schreibgeschützt\",\"markdown\":\"x\\n\",\"rev\":$r}"
	chmod 755 "$dir"
else	# root writes anyway: take the folder away instead
	mv "$dir" "$dir.away"
	api 8.8 PUT /articles/hotline 500 "{\"title\":\"Schreibgeschützt\",\"markdown\":\"x\\n\",\"rev\":$r}"
	mv "$dir.away" "$dir"
fi
grep -q 'cannot be written' "$BODY" || fail 8.9 "the reason: $(cat "$BODY")"
expect_json 8.10 /api/articles/hotline '.title == "Gibt es eine Telefon-Hotline?"'
[ "$(rev_of hotline)" = "$r" ] || fail 8.11 "a failed save made a revision"

# 9: preview
api 9.1 POST /preview 200 '{"markdown":"## Titel\n\n<script>alert(1)</script>\n\nEin **fett** <img src=x onerror=alert(1)> [x](javascript:alert(1))"}' "${A[@]}" -H "X-CSRF-Token: $TOK"
jq -e '.html | test("<h2>Titel</h2>") and test("<strong>fett</strong>") and (test("<script|onerror|javascript:") | not)' "$BODY" >/dev/null ||
    fail 9.2 "preview: $(cat "$BODY")"
expect_status 9.3 POST /api/admin/preview 200 -b "$JAR" -H "X-CSRF-Token: $TOK" -d '{"markdown":"*x*"}'
expect_status 9.4 POST /api/admin/preview 403 -b "$JAR" -d '{"markdown":"*x*"}'

stop_kbd 9.5
test_done
