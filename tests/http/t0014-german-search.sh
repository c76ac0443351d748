#!/usr/bin/env bash
# t0014: German search over HTTP, as customers type: folded umlauts,
# compounds and joined words, typos with "Meinten Sie" (the API's
# suggestion), synonyms from synonyms.txt (and that SIGHUP reloads them),
# search as you type (/api/suggest) with its bad inputs, and the search
# log that the staff statistics will read.
. "$(dirname "$0")/../lib.sh"

dir=$(copy_articles arts "$ROOT/articles/synonyms.txt")
start_kbd --articles "$dir"

first() {	# first CASE QUERY SLUG: SLUG is the first result of QUERY
	expect_json "$1" "/api/search?q=$(uri "$2")" \
	    ".results[0].slug == \"$3\""
}

# 1: queries as customers type them
first 1.1 "imap ssl" imap
expect_json 1.2 "/api/search?q=$(uri 'ueber ssl abrufen')" \
    '[.results[0:2][].slug] | index("imap") != null'
first 1.3 "fritzbox dyndns" fritzbox-konfigurieren
first 1.4 "fritz box" fritzbox-konfigurieren
first 1.5 "Weiterleitung Emails" mail-weiterleitung
first 1.6 "email einrichten outlook" outlook-einrichten
first 1.7 "Kennwort vergessen" passwort-vergessen
first 1.8 "wie rufe ich meine mails per pop3 ab" pop3
first 1.9 "Brief Identifikation" brief-identifikation
first 1.10 "Adressidentifikation" adress-identifikation
# E-Mail, EMail, E Mail and Mail find the same articles.
for q in E-Mail EMail "E Mail" Mail; do
	expect_json 1.11 "/api/search?q=$(uri "$q")&limit=100" \
	    '[.results[].slug] | index("imap") != null and index("smtp") != null'
done

# 2: typos: corrected, and the correction shown
expect_json 2.1 "/api/search?q=$(uri 'pasword vergesen')" \
    '.suggestion == "passwort vergessen" and .results[0].slug == "passwort-vergessen"'
expect_json 2.2 "/api/search?q=Mailprogram" '.suggestion == "mailprogramm" and .total > 0'
expect_json 2.3 "/api/search?q=fritzbx" '.suggestion == "fritz!box" or .suggestion == "fritzbox"'
expect_json 2.4 "/api/search?q=imap" 'has("suggestion") | not'
req GET "/search?q=$(uri 'pasword vergesen')"
grep -q 'Ergebnisse für „passwort vergessen“ · <a href="/search?q=pasword%20vergesen&amp;exact=1">Stattdessen suchen nach „pasword vergesen“</a>' "$BODY" ||
    fail 2.5 "no corrected results on the search page"
req GET "/search?q=$(uri 'pasword vergesen')&exact=1"
grep -q 'Meinten Sie: <a href="/search?q=passwort%20vergessen">passwort vergessen</a>?' "$BODY" ||
    fail 2.6 "no 'Meinten Sie' on the search page as typed"

# 3: search as you type
expect_json 3.1 "/api/suggest?q=passw" \
    '.query == "passw" and .suggestions[0].slug == "passwort-vergessen" and .suggestions[0].url == "/a/passwort-vergessen" and (.suggestions[0].title | length) > 0'
expect_json 3.2 "/api/suggest?q=$(uri 'dns pr')" '.suggestions[0].slug == "dns-pruefung"'
expect_json 3.3 "/api/suggest?q=imap%20" '.suggestions[0].slug == "imap"'
expect_json 3.4 "/api/suggest?q=p" '.suggestions == []'
expect_json 3.5 "/api/suggest?q=" '.suggestions == []'
expect_json 3.6 "/api/suggest?q=passw&limit=1000" '.suggestions | length >= 1'
expect_status 3.7 GET "/api/suggest?q=passw&limit=0" 400
for q in '"' '" OR 1=1 --' 'NEAR(a b)' '%00' '%FF%FE' "$(printf 'x%.0s' $(seq 5000))" '<script>'; do
	expect_status 3.8 GET "/api/suggest?q=$(uri "$q")" 200
done
req GET /
grep -q '<script src="/static/search.js?v=[0-9a-f]\{8\}" defer></script>' "$BODY" || fail 3.9 "no search.js on the home page"
expect_status 3.10 GET /static/search.js 200
[[ $(header Content-Type) == text/javascript* ]] || fail 3.11 "search.js is $(header Content-Type)"

# 4: synonyms.txt, reloaded by SIGHUP without reindexing
expect_json 4.1 "/api/search?q=zauberwort" '.total == 0'
# The index's own pages: a rebuild, or any rewrite of it, changes them.
fts_pages() { sql "SELECT id, hex(block) FROM article_fts_data ORDER BY id" | md5sum; }
pages_before=$(fts_pages)
cat >>"$dir/synonyms.txt" <<'SYN'
zauberwort, passwort
nur ein begriff
SYN
sighup
# The synonyms are read right after the articles: give them a moment.
one_term() { grep -q 'synonyms.txt:[0-9]*: a group needs two terms or more' "$LOG"; }
wait_until 5 one_term || fail 4.2 "a one-term line is not reported with file and line"
zauber() { [ "$(jget /api/search?q=zauberwort '.results[0].slug')" = passwort-vergessen ]; }
wait_until 5 zauber || fail 4.3 "the new synonym is not used after SIGHUP"
[ "$(fts_pages)" = "$pages_before" ] ||
    fail 4.4 "SIGHUP changed the search index (synonyms need no reindexing)"
grep -q 'building the search index' <(sed -n '2,$p' "$LOG" | grep -v '^kbd: listening') &&
    fail 4.5 "SIGHUP rebuilt the search index"

# 5: every search is logged for the staff, a second later
for q in "Webmail Ordner" "webmail  ORDNER" "nirgendwoxyz"; do
	req GET "/api/search?q=$(uri "$q")"
done
req GET "/search?q=$(uri 'Spamfilter Einstellungen')"
logged() { [ -n "$(sql "SELECT 1 FROM search_log WHERE query = 'spamfilter einstellungen'")" ]; }
wait_until 5 logged || fail 5.1 "searches not in search_log: $(sql "SELECT query FROM search_log")"
[ "$(sql "SELECT count FROM search_log WHERE query = 'webmail ordner'")" = 2 ] ||
    fail 5.2 "the same search twice is not one row counted twice: $(sql "SELECT * FROM search_log")"
[ "$(sql "SELECT results FROM search_log WHERE query = 'nirgendwoxyz'")" = 0 ] ||
    fail 5.3 "a search without results is not logged with 0"
[ "$(sql "SELECT day FROM search_log WHERE query = 'nirgendwoxyz'")" = $(($(date +%s) / 86400)) ] ||
    fail 5.4 "the search is not logged for today"

stop_kbd 6.1
test_done
