#!/usr/bin/env bash
# t0017-install: make install and make uninstall, and the manuals.
#   1.x  make install DESTDIR=… PREFIX=/usr of the kbd under test (its
#        build folder; never rebuilt here) succeeds
#   2.x  the tree: bin/kbd (755, the same file as $KBD),
#        share/kbd/articles (644), share/man/man8/kbd.8 and
#        lib/systemd/system/kbd.service with every @…@ filled in; no
#        share/kbd/static (kbd carries those files)
#   3.x  the installed kbd: --version, and serving the installed articles
#        and its built-in static files
#   4.x  kbd.8 passes mandoc -Tlint and the unit systemd-analyze verify
#        (both installed by kbd/deps.sh test; SKIP without them)
#   5.x  every option of kbd --help, with its argument and default, is in
#        kbd.8 and in README.md's options table
#   6.x  make uninstall removes every file, and share/kbd with them
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
for f in share/kbd/articles/imap.md share/kbd/articles/synonyms.txt \
    share/man/man8/kbd.8 lib/systemd/system/kbd.service; do
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
cmp -s "$ROOT/kbd/kbd.8" "$U/share/man/man8/kbd.8" || fail 2.8 "kbd.8 differs"
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

# 4: the man page and the unit pass their linters
if command -v mandoc >/dev/null 2>&1; then
	# -W style, but lines about this machine rather than the page are
	# left out: its man index ("mandoc.db") and pages named in SEE ALSO
	# that are not installed here (nginx(8) where nginx is not).
	rc=0
	mandoc -Tlint -W style "$U/share/man/man8/kbd.8" >"$TMP/lint" 2>&1 || rc=$?
	grep -v -e 'mandoc\.db' -e 'referenced manual not found' "$TMP/lint" \
	    >"$TMP/lint.page"
	# mandoc's status counts the left-out lines too; only they may
	# explain a non-zero one.
	if [ -s "$TMP/lint.page" ] || [ "$rc" -gt 2 ]; then
		fail 4.1 "mandoc -Tlint (status $rc): $(cat "$TMP/lint.page")"
	fi
else
	skip 4.1 "no mandoc (kbd/deps.sh test installs it)"
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

# 5: --help, kbd.8 and README.md agree.  In kbd.8 each option is an
# ".It … Fl \-name Ar arg" line, whose paragraph names the default; in
# README.md, a table row "| `--name ARG` | `default` |".
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
	row=$(grep -F -- "| \`--$name${arg:+ $arg}\` |" "$ROOT/README.md")
	if [ -z "$row" ]; then
		fail "5.3.$n" "README.md has no row '| \`--$name${arg:+ $arg}\` |'"
	elif [ -n "$def" ] && ! grep -qF -- "\`$def\`" <<<"$row"; then
		fail "5.4.$n" "README.md does not give --$name's default \`$def\`"
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

test_done
