#!/usr/bin/env bash
# t0017-install: make install and make uninstall, and the manuals.
#   1.x  make install DESTDIR=… PREFIX=/usr of the kbd under test (its
#        build folder; never rebuilt here) succeeds
#   2.x  the tree: bin/kbd (755, the same file as $KBD),
#        share/kbd/articles (644), every man page of kbd/ (kbd.8,
#        kbd-articles.5, kbd-http.7, kbd-search.7) as
#        share/man/manN/<page>.N (644, the same bytes) and
#        lib/systemd/system/kbd.service with every @…@ filled in; no
#        share/kbd/static (kbd carries those files)
#   3.x  the installed kbd: --version, and serving the installed articles
#        and its built-in static files
#   4.x  every installed man page passes mandoc -Tlint -W style and
#        renders with man; the unit passes systemd-analyze verify
#        (installed by kbd/deps.sh test; SKIP without them)
#   5.x  every option of kbd --help, with its argument and default, is an
#        item of kbd.8, the one place the options are documented
#   6.x  make uninstall removes every file, and share/kbd with them
#   7.x  README.md stays short (under 200 lines), every man page it
#        names exists and every man page of kbd/ is named there, every
#        path of the repository it names exists, and it has no options
#        table (kbd.8 is the one)
. "$(dirname "$0")/../lib.sh"

BUILD=$(dirname "$KBD")
DEST=$TMP/root
MAKELOG=$TMP/make.log

# mk TARGET: make TARGET into DEST, without the make running this test
# (if any) passing its flags down.  -o: the binary is the one under test,
# whatever make thinks of its age.
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	    make -C "$ROOT" --no-print-directory -o "$BUILD/kbd" "$1" \
	    DESTDIR="$DEST" PREFIX=/usr BUILD="$BUILD" >"$MAKELOG" 2>&1
}

# 1: install
if ! mk install; then
	sed 's/^/    make: /' "$MAKELOG"
	die "1.1 make install failed"
fi
[ -d "$DEST/usr" ] || die "1.2 make install made no $DEST/usr"

# 2: the tree
U=$DEST/usr
[ -f "$U/bin/kbd" ] && [ -x "$U/bin/kbd" ] || fail 2.1 "no executable bin/kbd"
cmp -s "$U/bin/kbd" "$KBD" || fail 2.2 "bin/kbd is not $KBD"
[ "$(stat -c %a "$U/bin/kbd")" = 755 ] ||
    fail 2.3 "bin/kbd has mode $(stat -c %a "$U/bin/kbd"), want 755"
# The man pages are every kbd/*.N; each goes to share/man/manN.
pages=()
for p in "$ROOT"/kbd/*.[1-9]; do
	[ -f "$p" ] && pages+=("share/man/man${p##*.}/${p##*/}")
done
[ ${#pages[@]} -ge 4 ] || fail 2.12 "only ${#pages[@]} man pages in kbd/: ${pages[*]}"
for f in share/kbd/articles/imap.md share/kbd/articles/synonyms.txt \
    "${pages[@]}" lib/systemd/system/kbd.service; do
	if [ ! -f "$U/$f" ]; then
		fail 2.4 "no $f"
	elif [ "$(stat -c %a "$U/$f")" != 644 ]; then
		fail 2.5 "$f has mode $(stat -c %a "$U/$f"), want 644"
	fi
done
# kbd carries static/ in itself: nothing of it is installed.
[ ! -e "$U/share/kbd/static" ] || fail 2.6 "share/kbd/static is installed, kbd carries those files"
for f in "$ROOT"/articles/*; do
	cmp -s "$f" "$U/share/kbd/articles/${f##*/}" ||
	    fail 2.7 "articles/${f##*/} is not installed as it is"
done
for f in "${pages[@]}"; do
	cmp -s "$ROOT/kbd/${f##*/}" "$U/$f" 2>/dev/null ||
	    fail 2.8 "$f is not kbd/${f##*/} as it is"
done
UNIT=$U/lib/systemd/system/kbd.service
if grep -n '@[A-Z]*@' "$UNIT"; then
	fail 2.9 "kbd.service has unfilled @…@"
fi
exec_start=$(sed -n 's/^ExecStart=//p' "$UNIT")
case $exec_start in
"/usr/bin/kbd "*"--articles /usr/share/kbd/articles "*) ;;
*) fail 2.10 "ExecStart=$exec_start: not /usr/bin/kbd on share/kbd" ;;
esac
case "$exec_start " in
*" --static "*) fail 2.10 "ExecStart=$exec_start: --static, kbd carries those files" ;;
esac
for want in Type=simple DynamicUser=yes StateDirectory=kbd \
    ProtectSystem=strict 'ExecReload=/bin/kill -HUP $MAINPID'; do
	grep -qxF "$want" "$UNIT" || fail 2.11 "kbd.service lacks $want"
done

# 3: the installed kbd runs, on the installed files
[ "$("$U/bin/kbd" --version)" = "$("$KBD" --version)" ] ||
    fail 3.1 "installed kbd --version: $("$U/bin/kbd" --version 2>&1)"
saved=$KBD
KBD=$U/bin/kbd start_kbd --articles "$U/share/kbd/articles"
KBD=$saved
expect_status 3.2 GET /a/imap 200
expect_status 3.3 GET /static/style.css 200
cmp -s "$BODY" "$ROOT/static/style.css" || fail 3.5 "the installed kbd serves another style.css"

stop_kbd 3.4

# 4: the man pages and the unit pass their linters
if command -v mandoc >/dev/null 2>&1; then
	for f in "${pages[@]}"; do
		[ -f "$U/$f" ] || continue
		# -W style, but lines about this machine rather than the page
		# are left out: its man index ("mandoc.db") and pages named in
		# SEE ALSO that are not installed here (nginx(8) where nginx
		# is not, kbd's own pages before they are).
		rc=0
		mandoc -Tlint -W style "$U/$f" >"$TMP/lint" 2>&1 || rc=$?
		grep -v -e 'mandoc\.db' -e 'referenced manual not found' \
		    "$TMP/lint" >"$TMP/lint.page"
		# mandoc's status counts the left-out lines too; only they may
		# explain a non-zero one.
		if [ -s "$TMP/lint.page" ] || [ "$rc" -gt 2 ]; then
			fail 4.1 "${f##*/}: mandoc -Tlint (status $rc): $(cat "$TMP/lint.page")"
		fi
	done
else
	skip 4.1 "no mandoc (kbd/deps.sh test installs it)"
fi
# man itself (man-db and groff here) renders each page: a NAME, the
# page's title, nothing on stderr.
if command -v man >/dev/null 2>&1; then
	for f in "${pages[@]}"; do
		[ -f "$U/$f" ] || continue
		name=${f##*/}
		title=$(printf '%s' "${name%.*}" | tr '[:lower:]' '[:upper:]')
		MANWIDTH=80 man -l "$U/$f" >"$TMP/man.out" 2>"$TMP/man.err" </dev/null ||
		    fail 4.3 "man -l $name failed: $(cat "$TMP/man.err")"
		[ ! -s "$TMP/man.err" ] || fail 4.4 "man -l $name: $(cat "$TMP/man.err")"
		grep -q "^NAME" "$TMP/man.out" && grep -q "^$title(${name##*.})" "$TMP/man.out" ||
		    fail 4.5 "man -l $name does not render its NAME and title"
	done
else
	skip 4.3 "no man (kbd/deps.sh test installs man-db)"
fi
if command -v systemd-analyze >/dev/null 2>&1; then
	# verify wants ExecStart's binary where it says; point it at DEST.
	mkdir -p "$TMP/unit"
	sed "s|^ExecStart=/usr/bin/kbd |ExecStart=$U/bin/kbd |" "$UNIT" \
	    >"$TMP/unit/kbd.service"
	systemd-analyze verify --man=no "$TMP/unit/kbd.service" \
	    >"$TMP/verify" 2>&1 ||
	    fail 4.2 "systemd-analyze verify: $(cat "$TMP/verify")"
else
	skip 4.2 "no systemd-analyze (kbd/deps.sh test installs systemd)"
fi

# 5: --help and kbd.8 agree.  In kbd.8 each option is an
# ".It … Fl \-name Ar arg" line, whose paragraph names the default.  No
# other file repeats the options: README.md and the other pages point to
# kbd.8.
"$KBD" --help >"$TMP/help"
# kbd.8 with "Fl \-name" written as "--name"
sed -e 's/\\-/-/g' -e 's/Fl -/--/g' "$ROOT/kbd/kbd.8" >"$TMP/man"
n=0
re='^ +(-[[:alnum:]], )?--([a-z][a-z0-9-]*)( ([A-Z][A-Z:_]*))?( |$)'
while IFS= read -r line; do
	[[ $line =~ $re ]] || continue
	name=${BASH_REMATCH[2]}
	arg=${BASH_REMATCH[4]}
	def=
	[[ $line =~ \(default:\ (.*)\)$ ]] && def=${BASH_REMATCH[1]}
	n=$((n + 1))
	# kbd.8: the item, then its paragraph up to the next item
	para=$(awk -v name="$name" -v arg="$arg" '
	    BEGIN { want = tolower("--" name (arg == "" ? "" : " Ar " arg)) }
	    /^\.(It|El)( |$)/ { if (on) exit }
	    /^\.It / {
		    s = tolower($0)
		    k = index(s, want)
		    if (k > 0 && k + length(want) - 1 == length(s)) on = 1
	    }
	    on { print }' "$TMP/man")
	if [ -z "$para" ]; then
		fail "5.1.$n" "kbd.8 has no '.It … --$name${arg:+ Ar ${arg,,}}' item"
	elif [ -n "$def" ] && ! grep -qF -- "$def" <<<"$para"; then
		fail "5.2.$n" "kbd.8 does not give --$name's default $def"
	fi
done <"$TMP/help"
[ "$n" -ge 10 ] || fail 5.5 "found only $n options in kbd --help"

# 6: uninstall
if ! mk uninstall; then
	sed 's/^/    make: /' "$MAKELOG"
	fail 6.1 "make uninstall failed"
fi
left=$(find "$DEST" -type f)
[ -z "$left" ] || fail 6.2 "make uninstall left files: $left"
[ ! -e "$U/share/kbd" ] || fail 6.3 "make uninstall left share/kbd"

# 7: README.md is a short guide to the man pages and the tree
R=$ROOT/README.md
lines=$(wc -l <"$R")
[ "$lines" -lt 200 ] || fail 7.1 "README.md has $lines lines, want under 200"
# Pages named as kbd/<page>.N or <page>(N).
named=$(grep -oE 'kbd/kbd(-[a-z]+)?\.[1-9]|\bkbd(-[a-z]+)?\([1-9]\)' "$R" |
    sed -e 's|^kbd/||' -e 's/(\([1-9]\))$/.\1/' | sort -u)
[ -n "$named" ] || fail 7.2 "README.md names no man page"
for p in $named; do
	[ -f "$ROOT/kbd/$p" ] || fail 7.2 "README.md names $p, which kbd/ does not have"
done
for p in "${pages[@]}"; do
	grep -qxF "${p##*/}" <<<"$named" ||
	    fail 7.3 "README.md does not name kbd/${p##*/}"
done
# Paths in `…` below the top folders must exist: the tour is the tree.
grep -oE '`(kbd|articles|static|tests|\.ci)/[^`<>* ]*`' "$R" | tr -d '`' |
    sort -u >"$TMP/paths"
[ -s "$TMP/paths" ] || fail 7.4 "README.md names no path of the repository"
while IFS= read -r p; do
	[ -e "$ROOT/$p" ] || fail 7.4 "README.md names $p, which does not exist"
done <"$TMP/paths"
if grep -n '^| *`--[a-z]' "$R"; then
	fail 7.5 "README.md has rows of an options table; options belong in kbd.8"
fi

test_done
