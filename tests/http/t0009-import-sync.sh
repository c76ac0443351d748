#!/usr/bin/env bash
# t0009-import-sync: the articles folder and the database across restarts
# and SIGHUP, on a copy of articles/.
#   1.x  first start: 18 new; a restart with nothing changed: "0 new, 0
#        changed, 18 unchanged, 0 removed, 0 skipped"; touching a file
#        (same content) changes nothing either; nor does SIGHUP then (the
#        cached search answers stay)
#   2.x  a new file is served and found after a restart; its front matter
#        hits seed its counter
#   3.x  a changed body: the new words are found, the old ones not; a
#        changed "hits:" in the front matter never resets the counter
#   4.x  a deleted file: 404 on page and API, not found, not in the top
#        list, kept as state 'deleted'; restoring the file brings it back
#        with its hits
#   5.x  SIGHUP without a restart: a new file, a changed file, a deleted
#        file, a restored and changed file, a new title (in the top list
#        and on the home page at once); /healthz stays ok; when the folder
#        is gone, SIGHUP logs "import failed" and kbd serves what the
#        database has
#   6.x  a file renamed outside kbd (same text, new name): the article
#        keeps its hits and revisions under the new slug, the old one
#        answers 301 (page and API); a renamed and changed file is a new
#        article, and the old one is gone
. "$(dirname "$0")/../lib.sh"

dir=$(copy_articles articles)

# summary CASE WANT: the last import summary of LOG starts with WANT
summary() {
	local got
	got=$(grep '^kbd: articles: ' "$LOG" | tail -1 | sed 's/ (.*//')
	[ "$got" = "kbd: articles: $2" ] || fail "$1" "import summary '$got', want 'kbd: articles: $2'"
}
# slugs_for QUERY: the slugs a search finds, one line
slugs_for() { jget "/api/search?q=$(uri "$1")&limit=100" '[.results[].slug] | join(" ")'; }
hits_of() { sql "SELECT hits FROM article WHERE slug = '$1'"; }

# 1: first start, then restarts without changes
start_kbd --articles "$dir"
summary 1.1 "18 new, 0 changed, 0 unchanged, 0 removed, 0 skipped"
for i in 1 2 3; do req GET /api/articles/imap; done
for i in 1 2; do req GET /a/pop3; done
req GET /api/articles/mail-weiterleitung
stop_kbd 1.2
[ "$(hits_of imap)" = 414719 ] || fail 1.3 "imap has $(hits_of imap) hits after a clean stop, want 414719"
start_kbd --articles "$dir"
summary 1.4 "0 new, 0 changed, 18 unchanged, 0 removed, 0 skipped"
expect_json 1.5 /api/articles/imap '.hits == 414720'
stop_kbd 1.6
touch "$dir/imap.md" "$dir/smtp.md"
start_kbd --articles "$dir"
summary 1.7 "0 new, 0 changed, 18 unchanged, 0 removed, 0 skipped"
# A sync that changes nothing keeps the snapshot: searches stay cached.
misses() { curl -s "$BASE/metrics" | sed -n 's/^kbd_cache_misses_total //p'; }
req GET "/api/search?q=imap"
m=$(misses)
[ -n "$m" ] || fail 1.8 "no kbd_cache_misses_total in /metrics"
sighup || fail 1.8 "no import summary after SIGHUP"
req GET "/api/search?q=imap"
[ "$(misses)" = "$m" ] || fail 1.8 "a search made again after a sync that changed nothing"
stop_kbd 1.9

# 2: a new file
cat >"$dir/quokka.md" <<'EOF'
---
title: Wo finde ich das Quokka im Kundenmenü?
category: Tiere
tags: [quokka, beuteltier]
hits: 1000
---
Das Quokka wohnt unter **Einstellungen › Tiere**.
EOF
start_kbd --articles "$dir"
summary 2.1 "1 new, 0 changed, 18 unchanged, 0 removed, 0 skipped"
expect_json 2.2 /api/articles/quokka '.title == "Wo finde ich das Quokka im Kundenmenü?" and .hits == 1001
    and .tags == ["quokka", "beuteltier"] and .category == "Tiere"'
[ "$(slugs_for Quokka)" = quokka ] || fail 2.3 "a search for Quokka finds '$(slugs_for Quokka)'"
expect_status 2.4 GET /a/quokka 200
expect_json 2.5 "/api/top?limit=100" '[.articles[].slug] | index("quokka") != null'

# 3: a changed body and changed hits in the front matter
stop_kbd 3.0
sed -i 's/zigfach/zebrafischweise/; s/^hits: 414716$/hits: 5/' "$dir/imap.md"
sed -i 's/^hits: 1000$/hits: 3/; s/wohnt/lebt/' "$dir/quokka.md"
start_kbd --articles "$dir"
summary 3.1 "0 new, 2 changed, 17 unchanged, 0 removed, 0 skipped"
[ "$(slugs_for zebrafischweise)" = imap ] || fail 3.2 "the new word finds '$(slugs_for zebrafischweise)', want imap"
[ -z "$(slugs_for zigfach)" ] || fail 3.3 "the removed word still finds '$(slugs_for zigfach)'"
expect_json 3.4 /api/articles/imap '.hits == 414721 and (.html | test("zebrafischweise"))'
expect_json 3.5 /api/articles/quokka '.hits == 1003 and (.html | test("lebt"))'
[ -z "$(slugs_for wohnt)" ] || fail 3.6 "the removed word 'wohnt' still finds '$(slugs_for wohnt)'"

# 4: a deleted file, then restored
stop_kbd 4.0
pop3_hits=$(hits_of pop3)
[ "$pop3_hits" = 392120 ] || fail 4.1 "pop3 has $pop3_hits hits, want 392120"
mv "$dir/pop3.md" "$TMP/pop3.md.saved"
start_kbd --articles "$dir"
summary 4.2 "0 new, 0 changed, 18 unchanged, 1 removed, 0 skipped"
expect_status 4.3 GET /api/articles/pop3 404
expect_status 4.4 GET /a/pop3 404
case " $(slugs_for pop3) $(slugs_for 'Wie rufe ich Mails per POP3 ab') " in
*" pop3 "*) fail 4.5 "the deleted article is still found" ;;
esac
expect_json 4.6 "/api/top?limit=100" '([.articles[].slug] | index("pop3")) == null and (.articles | length) == 18'
[ "$(sql "SELECT state FROM article WHERE slug = 'pop3'")" = deleted ] ||
    fail 4.7 "pop3 is not kept as state 'deleted'"
stop_kbd 4.8
mv "$TMP/pop3.md.saved" "$dir/pop3.md"
start_kbd --articles "$dir"
summary 4.9 "1 new, 0 changed, 18 unchanged, 0 removed, 0 skipped"
expect_json 4.10 /api/articles/pop3 ".hits == $((pop3_hits + 1))"
[[ " $(slugs_for pop3) " = *" pop3 "* ]] || fail 4.11 "the restored article is not found"

# 5: SIGHUP
mark=$(imports)
cat >"$dir/sighup.md" <<'EOF'
---
title: Was macht ein Erdferkel?
hits: 10
---
Das Erdferkel gräbt nach Termiten.
EOF
sighup || fail 5.1 "no import summary after SIGHUP: $(tail -2 "$LOG")"
expect_imported 5.1 "$mark" "1 new, 0 changed, 0 removed, 0 skipped"
grep -q '^kbd: SIGHUP: reading the articles folder again' "$LOG" || fail 5.2 "SIGHUP is not logged"
expect_json 5.3 /api/articles/sighup '.title == "Was macht ein Erdferkel?" and .hits == 11'
[ "$(slugs_for erdferkel)" = sighup ] || fail 5.4 "the new article is not found after SIGHUP"
healthy || fail 5.5 "/healthz is not ok after SIGHUP"
mark=$(imports)
sed -i 's/Termiten/Ameisen/' "$dir/sighup.md"
rm "$dir/quokka.md"
mv "$dir/mail-weiterleitung.md" "$TMP/mw.md"
sighup || fail 5.6 "no import summary after the second SIGHUP"
expect_imported 5.6 "$mark" "0 new, 1 changed, 2 removed, 0 skipped"
[ "$(slugs_for ameisen)" = sighup ] || fail 5.7 "the changed word is not found after SIGHUP"
[ -z "$(slugs_for termiten)" ] || fail 5.8 "the old word is still found after SIGHUP"
expect_status 5.9 GET /api/articles/quokka 404
expect_status 5.10 GET /a/mail-weiterleitung 404
mark=$(imports)
sed 's/Eine Weiterleitung richten Sie/Eine Umleitung zum Nacktmull richten Sie/' "$TMP/mw.md" \
    >"$TMP/mw2.md"
mv "$TMP/mw2.md" "$dir/mail-weiterleitung.md"	# whole, for the watcher
sighup || fail 5.11 "no import summary after the third SIGHUP"
expect_imported 5.11 "$mark" "0 new, 1 changed, 0 removed, 0 skipped"
# 176090 + 1 view before + this one
expect_json 5.12 /api/articles/mail-weiterleitung '.hits == 176092'
[ "$(slugs_for nacktmull)" = mail-weiterleitung ] || fail 5.13 "the restored, changed article is not found"
healthy || fail 5.14 "/healthz is not ok after SIGHUPs"
# a new title of the first of the top list shows there at once
mark=$(imports)
sed -i 's/^title: .*/title: Was ist ein Aliasname (CNAME)?/' "$dir/aliasname.md"
sighup || fail 5.15 "no import summary after the fourth SIGHUP"
expect_imported 5.15 "$mark" "0 new, 1 changed, 0 removed, 0 skipped"
expect_json 5.16 /api/top '.articles[0].title == "Was ist ein Aliasname (CNAME)?"'
req GET /
grep -q 'Frage: Was ist ein Aliasname (CNAME)?' "$BODY" || fail 5.17 "the home page shows the old title"
mv "$dir" "$dir.away"
sighup || fail 5.18 "no import line after SIGHUP when the folder is gone"
grep -q '^kbd: articles: import failed' "$LOG" ||
    fail 5.19 "no 'import failed' line when the folder is gone: $(tail -2 "$LOG")"
expect_json 5.20 "/api/top?limit=100" '(.articles | length) == 19'
expect_json 5.21 /api/articles/imap '.title == "Wie verwalte ich Mails über IMAP?"'
mv "$dir.away" "$dir"

# 6: renamed files
req GET /a/sighup -A 'Mozilla/5.0 (X11; Linux x86_64)'	# a view: 11 + 1
stop_kbd 6.0
hits=$(sql "SELECT hits FROM article WHERE slug = 'sighup'")
revs=$(sql "SELECT count(*) FROM revision r JOIN article a ON a.id = r.article_id WHERE a.slug = 'sighup'")
mv "$dir/sighup.md" "$dir/erdferkel.md"
start_kbd --articles "$dir"
summary 6.1 "0 new, 1 changed, 18 unchanged, 0 removed, 0 skipped"
got=$(sql "SELECT hits FROM article WHERE slug = 'erdferkel'")
[ "$got" = "$hits" ] && [ "$hits" = 12 ] || fail 6.2 "hits $got under the new name, $hits before"
expect_status 6.3 GET /api/articles/sighup 301
[ "$(header Location)" = /api/articles/erdferkel ] || fail 6.3 "Location: $(header Location)"
expect_status 6.4 GET /a/sighup 301
[ "$(header Location)" = /a/erdferkel ] || fail 6.4 "Location: $(header Location)"
[ "$(slugs_for ameisen)" = erdferkel ] || fail 6.5 "a search finds '$(slugs_for ameisen)', want erdferkel"
got=$(sql "SELECT count(*) FROM revision r JOIN article a ON a.id = r.article_id WHERE a.slug = 'erdferkel'")
[ "$got" = "$revs" ] && [ "$revs" -gt 0 ] || fail 6.6 "$got revisions under the new name, $revs before"
grep -q 'erdferkel.md: the file of sighup, renamed' "$LOG" || fail 6.7 "no log line about the rename"
# while running (SIGHUP), renamed and changed: a new article
mark=$(imports)
{ cat "$dir/erdferkel.md"; echo "Schuppentiere rollen sich ein."; } >"$TMP/st.md"
rm "$dir/erdferkel.md"
mv "$TMP/st.md" "$dir/schuppentier.md"
sighup || fail 6.8 "no import summary after SIGHUP"
expect_imported 6.8 "$mark" "1 new, 0 changed, 1 removed, 0 skipped"
expect_status 6.9 GET /api/articles/erdferkel 404
expect_json 6.10 /api/articles/schuppentier '.hits == 11'
stop_kbd 6.11

test_done
