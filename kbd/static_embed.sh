#!/bin/sh
# Writes, on stdout, the C source that carries the files of a static
# folder inside the kbd binary (the Makefile runs it into
# $(BUILD)/static_data.c; nothing it makes is committed).  Each file
# becomes a byte array and a row of static_builtin[], sorted by path as
# static.c's bsearch wants; hidden files are left out as static.c leaves
# them out of a --static folder.  Paths may hold only letters, digits
# and "._-/", so that they go into C strings as they are.
#
#   sh kbd/static_embed.sh DIR >static_data.c
set -eu

dir=${1:?usage: static_embed.sh DIR}
LC_ALL=C
export LC_ALL
IFS='
'

files=$(cd "$dir" && find . -type f ! -path '*/.*' | sed 's|^\./||' | sort)
for f in $files; do
	case $f in
	*[!A-Za-z0-9._/-]*)
		echo "static_embed.sh: $dir/$f: only letters, digits and ._-/ in names" >&2
		exit 1 ;;
	esac
done

echo "/* Generated from $dir/ by kbd/static_embed.sh (see Makefile); do not edit. */"
echo '#include <stddef.h>'
echo
echo '#include "kbd.h"'
i=0
for f in $files; do
	echo
	echo "static const unsigned char f$i[] = {	/* $f */"
	# A trailing 0 keeps an empty file's array legal C.
	od -An -v -tx1 "$dir/$f" | sed 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g; s/^/	/'
	echo '	0 };'
	i=$((i + 1))
done
echo
echo 'const struct static_builtin static_builtin[] = {'
i=0
for f in $files; do
	echo "	{ \"$f\", f$i, sizeof(f$i) - 1 },"
	i=$((i + 1))
done
echo '	{ NULL, NULL, 0 }'
echo '};'
