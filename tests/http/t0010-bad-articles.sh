#!/usr/bin/env bash
# t0010-bad-articles: broken article files, made here next to a copy of
# articles/.
#   1.x  each kind of broken file is skipped with one stderr line
#        "kbd: <dir>/<file>: skipped: <reason>": no front matter, an empty
#        file, unclosed front matter, no title, an empty title, a title
#        that is a list, too long or has control characters, invalid UTF-8,
#        a NUL byte, invalid YAML, front matter that is not key: value,
#        bad hits (text, negative, fraction), tags that are a map or too
#        many, a file over 1 MB, a bad file name, a folder named x.md;
#        the summary counts them; the good 18 are served; none of the bad
#        ones is; hidden files and files not ending in .md are ignored
#   2.x  a good article whose file becomes broken keeps its old version
#        online (restart and SIGHUP), with its hits; fixing the file brings
#        the new version
#   3.x  odd but valid files are served: CRLF line ends, a byte order
#        mark, "..." closing the front matter, blanks after "---", tags as
#        "a, b", unknown keys, hits: 0, quotes and colons in a title
. "$(dirname "$0")/../lib.sh"

dir=$(copy_articles articles)
bad() {	# bad NAME CONTENT (printf format, so \xff works)
	printf -- "$2" >"$dir/$1"
}
bad no-front.md 'Nur Text, keine Front Matter.\n'
bad empty.md ''
bad unclosed.md '---\ntitle: Offenbleibend\n\nText ohne Ende der Front Matter.\n'
bad no-title.md '---\ncategory: E-Mail\n---\nText.\n'
bad empty-title.md '---\ntitle: ""\n---\nText.\n'
bad title-list.md '---\ntitle: [eins, zwei]\n---\nText.\n'
bad long-title.md "---\ntitle: $(printf 'x%.0s' $(seq 301))\n---\nText.\n"
bad control-title.md '---\ntitle: "Tab\\tim Titel"\n---\nText.\n'
bad bad-utf8.md '---\ntitle: Kaputt\n---\nEin \xff Byte.\n'
bad overlong.md '---\ntitle: Lang \xc0\xaf kodiert\n---\nText.\n'
bad nul.md '---\ntitle: Null\n---\nEin \0 Byte.\n'
bad bad-yaml.md '---\ntitle: [nicht geschlossen\n---\nText.\n'
bad bad-yaml2.md '---\ntitle: a\n  b: c\n d\n---\nText.\n'
bad not-a-map.md '---\nnur ein Satz\n---\nText.\n'
bad hits-text.md '---\ntitle: Hits als Text\nhits: viele\n---\nText.\n'
bad hits-negative.md '---\ntitle: Negative Hits\nhits: -5\n---\nText.\n'
bad hits-fraction.md '---\ntitle: Halbe Hits\nhits: 1.5\n---\nText.\n'
bad tags-map.md '---\ntitle: Tags als Map\ntags: {a: b}\n---\nText.\n'
bad tags-many.md "---\ntitle: Viele Tags\ntags: [$(seq -s, 1 21)]\n---\nText.\n"
{ printf -- '---\ntitle: Zu gross\n---\n'; head -c 1100000 /dev/zero | tr '\0' 'a'; } >"$dir/too-large.md"
bad Bad_Name.md '---\ntitle: Grossbuchstaben im Namen\n---\nText.\n'
bad 'with space.md' '---\ntitle: Leerzeichen im Namen\n---\nText.\n'
bad _underscore.md '---\ntitle: Unterstrich vorne\n---\nText.\n'
bad "$(printf 'n%.0s' $(seq 129)).md" '---\ntitle: Zu langer Name\n---\nText.\n'
mkdir "$dir/folder.md"
# ignored without a word: hidden files and other extensions
bad .hidden.md '---\ntitle: Versteckt\n---\nText.\n'
bad notes.txt 'just notes'
bad README '---\ntitle: Readme\n---\n'

# want CASE FILE REASON: FILE was skipped with REASON (a substring)
want() {
	local line
	line=$(grep -F "kbd: $dir/$2: skipped" "$LOG")
	if [ -z "$line" ]; then
		fail "$1" "no 'kbd: $dir/$2: skipped' line"
	elif [ "$(wc -l <<<"$line")" != 1 ]; then
		fail "$1" "$2 is reported $(wc -l <<<"$line") times"
	elif [[ $line != *"$3"* ]]; then
		fail "$1" "$2: want the reason '$3', got: $line"
	fi
}

start_kbd --articles "$dir"
want 1.1 no-front.md 'no front matter'
want 1.2 empty.md 'no front matter'
want 1.3 unclosed.md 'front matter is not closed'
want 1.4 no-title.md 'no title'
want 1.5 empty-title.md 'no title'
want 1.6 title-list.md 'title must be a single value'
want 1.7 long-title.md 'title is longer than 300 bytes'
want 1.8 control-title.md 'title has control characters'
want 1.9 bad-utf8.md 'line 4: not valid UTF-8'
want 1.10 overlong.md 'line 2: not valid UTF-8'
want 1.11 nul.md 'line 4: not valid UTF-8'
want 1.12 bad-yaml.md 'not valid YAML'
want 1.13 bad-yaml2.md 'not valid YAML'
want 1.14 not-a-map.md 'key: value'
want 1.15 hits-text.md 'line 3: hits must be a whole number'
want 1.16 hits-negative.md 'hits must be a whole number'
want 1.17 hits-fraction.md 'hits must be a whole number'
want 1.18 tags-map.md 'tags must be a list'
want 1.19 tags-many.md 'more than 20 tags'
want 1.20 too-large.md 'larger than 1048576 bytes'
want 1.21 Bad_Name.md 'the file name must be a slug'
want 1.22 'with space.md' 'the file name must be a slug'
want 1.23 _underscore.md 'the file name must be a slug'
want 1.24 "$(printf 'n%.0s' $(seq 129)).md" 'the file name must be a slug'
want 1.25 folder.md 'not a regular file'
grep -q '^kbd: articles: 18 new, 0 changed, 0 unchanged, 0 removed, 25 skipped' "$LOG" ||
    fail 1.26 "summary: $(grep '^kbd: articles:' "$LOG")"
grep -qiE 'hidden|notes\.txt|README' "$LOG" && fail 1.27 "ignored files are reported: $(grep -iE 'hidden|notes|README' "$LOG")"
expect_json 1.28 "/api/top?limit=100" '(.articles | length) == 18'
for s in no-front empty unclosed no-title empty-title title-list long-title \
    control-title bad-utf8 overlong nul bad-yaml bad-yaml2 not-a-map hits-text \
    hits-negative hits-fraction tags-map tags-many too-large folder; do
	expect_status 1.29 GET "/api/articles/$s" 404
done
# Words only the broken files have: none of them may be found.  (Other
# articles may match a part of such a word: Halbe is in "innerhalb".)
broken='["no-front","empty","unclosed","no-title","empty-title","title-list",
    "long-title","control-title","bad-utf8","overlong","nul","bad-yaml",
    "bad-yaml2","not-a-map","hits-text","hits-negative","hits-fraction",
    "tags-map","tags-many","too-large","folder"]'
for q in Offenbleibend Kaputt Negative Halbe Versteckt Readme Grossbuchstaben Leerzeichen; do
	expect_json 1.30 "/api/search?q=$q" "[.results[].slug] - $broken == [.results[].slug]"
done
expect_json 1.31 "/api/search?q=imap%20ssl" '.results[0].slug == "imap"'
stop_kbd 1.32

# 2: a good article becomes broken
rm -rf "$dir"/* "$dir"/.hidden.md
cp "$ROOT"/articles/*.md "$dir"/
start_kbd --articles "$dir"
for i in 1 2; do req GET /api/articles/imap; done
req GET /api/articles/smtp
stop_kbd 2.1
# imap loses the end of its front matter, and its text changes
sed -i '6d; s/zigfach/kaputtwort/' "$dir/imap.md"
start_kbd --articles "$dir"
want 2.2 imap.md 'front matter is not closed'
grep -q '^kbd: articles: 0 new, 0 changed, 17 unchanged, 0 removed, 1 skipped' "$LOG" ||
    fail 2.3 "summary: $(grep '^kbd: articles:' "$LOG")"
expect_json 2.4 /api/articles/imap '.title == "Wie verwalte ich Mails über IMAP?" and .hits == 414719'
expect_json 2.5 "/api/search?q=zigfach" '[.results[].slug] == ["imap"]'
expect_json 2.6 "/api/search?q=kaputtwort" '.total == 0'
expect_status 2.7 GET /a/imap 200
# smtp breaks while kbd runs: invalid UTF-8 in its body
mark=$(imports)
printf '\xff\xfe' >>"$dir/smtp.md"
sighup || fail 2.8 "no import summary after SIGHUP"
grep -q "kbd: $dir/smtp.md: skipped: .*not valid UTF-8" "$LOG" ||
    fail 2.8 "the broken smtp.md is not reported after SIGHUP"
expect_imported 2.9 "$mark" "0 new, 0 changed, 0 removed, 2 skipped"
expect_json 2.10 /api/articles/smtp '.title == "Wie versende ich Mails per SMTP?" and .hits == 371206'
expect_json 2.11 "/api/top?limit=100" '(.articles | length) == 18'
# fixing the file brings the new text
mark=$(imports)
sed -i '5a ---' "$dir/imap.md"
sighup || fail 2.12 "no import summary after SIGHUP"
expect_imported 2.12 "$mark" "0 new, 1 changed, 0 removed, 1 skipped"
expect_json 2.13 "/api/search?q=kaputtwort" '[.results[].slug] == ["imap"]'
expect_json 2.14 "/api/search?q=zigfach" '.total == 0'
expect_json 2.15 /api/articles/imap '.hits == 414721'
stop_kbd 2.16

# 3: odd but valid (smtp.md is still broken from 2)
printf -- '---\r\ntitle: Zeilenenden CRLF\r\ntags: [crlf]\r\n---\r\nText mit CRLF.\r\n' >"$dir/crlf.md"
printf -- '\xef\xbb\xbf---\ntitle: Mit BOM\n---\nText mit BOM.\n' >"$dir/bom.md"
printf -- '---\ntitle: Drei Punkte\n...\nText nach Punkten.\n' >"$dir/dots.md"
printf -- '---  \ntitle: Leerzeichen danach\n---\t\nText.\n' >"$dir/blanks.md"
printf -- '---\ntitle: Komma-Tags\ntags: eins, zwei , drei\n---\nText.\n' >"$dir/comma-tags.md"
printf -- '---\ntitle: Unbekannte Felder\nauthor: jemand\nlayout: [a, b]\nhits: 0\n---\nText.\n' >"$dir/unknown-keys.md"
printf -- '---\ntitle: "Frage: Was tun, wenn \\"nichts\\" geht?"\n---\nText.\n' >"$dir/colon-title.md"
printf -- '---\ntitle: Nur Front Matter\n---\n' >"$dir/no-body.md"
start_kbd --articles "$dir"
grep -q '^kbd: articles: 8 new, 0 changed, 17 unchanged, 0 removed, 1 skipped' "$LOG" ||
    fail 3.1 "summary: $(grep '^kbd: articles:' "$LOG"; grep skipped: "$LOG")"
expect_json 3.2 /api/articles/crlf '.title == "Zeilenenden CRLF" and .tags == ["crlf"]'
expect_json 3.3 /api/articles/bom '.title == "Mit BOM"'
expect_json 3.4 /api/articles/dots '.title == "Drei Punkte" and (.html | test("Text nach Punkten"))'
expect_json 3.5 /api/articles/blanks '.title == "Leerzeichen danach"'
expect_json 3.6 /api/articles/comma-tags '.tags == ["eins", "zwei", "drei"]'
expect_json 3.7 /api/articles/unknown-keys '.title == "Unbekannte Felder" and .hits == 1'
expect_json 3.8 /api/articles/colon-title '.title == "Frage: Was tun, wenn \"nichts\" geht?"'
expect_json 3.9 /api/articles/no-body '.title == "Nur Front Matter" and .html == ""'
stop_kbd 3.10

test_done
