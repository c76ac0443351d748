#!/usr/bin/env python3
"""The plain FTS5 OR baseline of issue 13, for README's quality tables.

usage: tests/search/fts5-or.py CORPUS_DIR QUERIES_TSV RUN_TSV

Indexes every CORPUS_DIR/*.md (title from the front matter, the rest as
body) in an in-memory SQLite FTS5 table (unicode61, diacritics removed),
asks each query of QUERIES_TSV (shared/eval's format) as its words ORed,
ranked by bm25(), and writes the first 10 slugs of each as a run for
shared/eval/score.py.  No stemming, no compounds, no synonyms: what a
search box over FTS5 gives without anything of kbd's.  Python 3 standard
library (its sqlite3 module must have FTS5, as Debian's has).
"""
import glob
import os
import re
import sqlite3
import sys


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.strip().splitlines()[2])
    corpus, queries, out = sys.argv[1:]
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE f USING fts5(slug UNINDEXED, title, "
               "body, tokenize='unicode61 remove_diacritics 2')")
    for path in sorted(glob.glob(os.path.join(corpus, "*.md"))):
        text = open(path, encoding="utf-8").read()
        title, body = "", text
        m = re.match(r"---\n(.*?)\n---\n(.*)", text, re.S)
        if m:
            body = m.group(2)
            for line in m.group(1).splitlines():
                if line.startswith("title:"):
                    title = line[6:].strip().strip('"')
        db.execute("INSERT INTO f VALUES (?, ?, ?)",
                   (os.path.basename(path)[:-3], title, body))
    with open(out, "w", encoding="utf-8") as o:
        for n, line in enumerate(open(queries, encoding="utf-8")):
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 3 or (n == 0 and cols[0].lower() == "id"):
                continue
            words = re.findall(r"\w+", cols[2].lower())
            if not words:
                continue
            expr = " OR ".join('"%s"' % w for w in words)
            rows = db.execute("SELECT slug FROM f WHERE f MATCH ? "
                              "ORDER BY bm25(f) LIMIT 10", (expr,))
            for rank, (slug,) in enumerate(rows, 1):
                o.write("%s\t%d\t%s\n" % (cols[0], rank, slug))


if __name__ == "__main__":
    main()
