#!/usr/bin/env bash
# t0033-feeds: the sitemap, the Atom feed and OpenSearch, read by real
# XML parsers (python3's xml.etree and xmllint).
#   1.x  /sitemap.xml: well-formed, the sitemaps.org namespace, the home
#        page and every published article once, each with a W3C lastmod
#        equal to the article's update time; ETag/304, gzip
#   2.x  /feed.atom: well-formed Atom: feed id, title, updated, self link,
#        author; one entry per article (at most 30), newest change first,
#        each with id, title, link, published, updated, summary and HTML
#        content; an edited article moves to the top with a later
#        "updated"; a removed one leaves feed and sitemap
#   3.x  /opensearch.xml: well-formed, ShortName of at most 16
#        characters, the search and suggestion templates; the suggestion
#        URL answers in OpenSearch's format
. "$(dirname "$0")/../lib.sh"

dir=$(copy_articles articles)
start_kbd --articles "$dir"

# wellformed CASE FILE: both parsers accept FILE
wellformed() {
	xmllint --noout "$2" 2>"$TMP/xmllint" || fail "$1" "xmllint: $(head -3 "$TMP/xmllint")"
	python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$2" 2>"$TMP/py" ||
	    fail "$1" "xml.etree: $(tail -1 "$TMP/py")"
}

# 1: sitemap
expect_status 1.1 GET /sitemap.xml 200
header Content-Type | grep -qx 'application/xml; charset=utf-8' || fail 1.2 "Content-Type: $(header Content-Type)"
wellformed 1.3 "$BODY"
python3 - "$BODY" "$BASE" >"$TMP/sitemap" <<'EOF' || fail 1.4 "sitemap: $(cat "$TMP/sitemap")"
import sys, re, xml.etree.ElementTree as E
ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
root = E.parse(sys.argv[1]).getroot()
assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset", root.tag
locs = []
for u in root.findall("s:url", ns):
    loc = u.find("s:loc", ns).text
    mod = u.find("s:lastmod", ns)
    locs.append(loc)
    if loc == sys.argv[2] + "/" or loc.startswith(sys.argv[2] + "/k/"):
        continue
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", mod.text), mod.text
    print(loc, mod.text)
assert sys.argv[2] + "/" in locs, "no home page"
assert sys.argv[2] + "/k/e-mail" in locs, "no category page"
assert len(locs) == len(set(locs)), "a URL twice"
EOF
sql "SELECT '$BASE/a/' || slug || ' ' || strftime('%Y-%m-%dT%H:%M:%SZ', updated, 'unixepoch')
    FROM article WHERE state = 'published'" | sort >"$TMP/want"
sort "$TMP/sitemap" | diff -u "$TMP/want" - >"$TMP/diff" || fail 1.5 "sitemap entries: $(cat "$TMP/diff")"
[ "$(wc -l <"$TMP/want")" = 18 ] || fail 1.6 "want 18 articles, the database has $(wc -l <"$TMP/want")"
etag=$(header ETag)
expect_status 1.7 GET /sitemap.xml 304 -H "If-None-Match: $etag"
expect_status 1.8 GET /sitemap.xml 200 -H 'Accept-Encoding: gzip'
[ "$(header Content-Encoding)" = gzip ] || fail 1.9 "sitemap not gzip'd"

# feed_check CASE: parses the feed, prints "slug updated" per entry
feed_check() {
	req GET /feed.atom
	header Content-Type | grep -qx 'application/atom+xml; charset=utf-8' ||
	    fail "$1" "Content-Type: $(header Content-Type)"
	wellformed "$1" "$BODY"
	python3 - "$BODY" "$BASE" >"$TMP/feed" <<'EOF' || fail "$1" "feed: $(tail -3 "$TMP/feed")"
import sys, re, xml.etree.ElementTree as E
A = "{http://www.w3.org/2005/Atom}"
base = sys.argv[2]
f = E.parse(sys.argv[1]).getroot()
assert f.tag == A + "feed", f.tag
assert f.find(A + "id").text == base + "/feed.atom"
assert f.find(A + "title").text == "Hilfe & FAQ"
assert f.find(A + "author/" + A + "name").text
self = [l for l in f.findall(A + "link") if l.get("rel") == "self"]
assert self and self[0].get("href") == base + "/feed.atom"
date = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
fu = f.find(A + "updated").text
assert date.fullmatch(fu), fu
entries = f.findall(A + "entry")
assert 0 < len(entries) <= 30, len(entries)
last = None
for e in entries:
    i = e.find(A + "id").text
    assert i.startswith(base + "/a/"), i
    link = e.find(A + "link")
    assert link.get("href") == i and link.get("rel") == "alternate"
    assert e.find(A + "title").text
    u, p = e.find(A + "updated").text, e.find(A + "published").text
    assert date.fullmatch(u) and date.fullmatch(p) and p <= u, (p, u)
    assert u <= fu
    assert last is None or u <= last, "not newest first"
    last = u
    assert e.find(A + "summary").text
    c = e.find(A + "content")
    assert c.get("type") == "html" and c.text.startswith("<"), c.text[:40]
    print(i[len(base) + 3:], u)
EOF
}

# 2: feed
feed_check 2.1
[ "$(wc -l <"$TMP/feed")" = 18 ] || fail 2.2 "feed has $(wc -l <"$TMP/feed") entries, want 18"
grep -q '<summary>Mit IMAP bleiben alle Ihre Nachrichten' "$BODY" || fail 2.3 "imap's summary"
# an edit moves an article to the top ("updated" is in seconds: the edit
# comes in a later second than the newest entry's)
newest=$(head -1 "$TMP/feed" | cut -d' ' -f2)
later_second() { [ "$(date -u +%s)" -gt "$(date -u -d "$newest" +%s)" ]; }
wait_until 2 later_second || die "the clock did not pass $newest"
printf '\nEin neuer Absatz.\n' >>"$dir/dns-pruefung.md"
rm "$dir/mailspool.md"
sighup
feed_check 2.4
head -1 "$TMP/feed" | grep -q '^dns-pruefung ' || fail 2.5 "the edited article is not first: $(head -2 "$TMP/feed")"
[ "$(sed -n 1p "$TMP/feed" | cut -d' ' -f2)" \> "$(sed -n 2p "$TMP/feed" | cut -d' ' -f2)" ] ||
    fail 2.6 "the edit did not make it the newest: $(head -2 "$TMP/feed")"
grep -q '^mailspool ' "$TMP/feed" && fail 2.7 "a removed article is in the feed"
req GET /sitemap.xml
grep -q '/a/mailspool<' "$BODY" && fail 2.8 "a removed article is in the sitemap"
grep -q '/a/dns-pruefung<' "$BODY" || fail 2.9 "dns-pruefung left the sitemap"

# 3: OpenSearch
expect_status 3.1 GET /opensearch.xml 200
header Content-Type | grep -qx 'application/opensearchdescription+xml; charset=utf-8' ||
    fail 3.2 "Content-Type: $(header Content-Type)"
wellformed 3.3 "$BODY"
python3 - "$BODY" "$BASE" <<'EOF' >"$TMP/os" 2>&1 || fail 3.4 "opensearch: $(tail -3 "$TMP/os")"
import sys, xml.etree.ElementTree as E
O = "{http://a9.com/-/spec/opensearch/1.1/}"
base = sys.argv[2]
r = E.parse(sys.argv[1]).getroot()
assert r.tag == O + "OpenSearchDescription", r.tag
name = r.find(O + "ShortName").text
assert 0 < len(name) <= 16, name
assert r.find(O + "InputEncoding").text == "UTF-8"
urls = {u.get("type"): u.get("template") for u in r.findall(O + "Url")}
assert urls["text/html"] == base + "/search?q={searchTerms}", urls
assert urls["application/x-suggestions+json"] == base + "/api/suggest?format=opensearch&q={searchTerms}", urls
assert urls["application/opensearchdescription+xml"] == base + "/opensearch.xml", urls
EOF
expect_json 3.5 "/api/suggest?format=opensearch&q=ima" '(length == 4) and .[0] == "ima"
    and (.[1] | length) > 0 and (.[1] | length) == (.[3] | length)
    and (.[1] | index("Wie verwalte ich Mails über IMAP?")) != null
    and ([.[3][] | startswith("'"$BASE"'/a/")] | all)'
# the search template works
expect_status 3.6 GET "/search?q=imap" 200
stop_kbd 3.7

test_done
