#!/usr/bin/env python3
"""Saves through kbd's staff API, for the benchmark (tests/bench/run).

usage: tests/bench/saves.py PORT TOKEN SLUGS N       N saves, each of a
                                                     different article
       tests/bench/saves.py PORT TOKEN SLUGS -S SECS saves of different
                                                     articles, one after
                                                     the other, for SECS

Each save reads the article (GET /api/admin/articles/<slug>) and writes
it back with a sentence added to its text (PUT, with the revision read),
as the editor does.  The articles are taken from SLUGS (one a line) with
a stride, so that they are spread over the folder; none is saved twice.
kbd's own time for each save is in its access log; this prints only how
many saves were done and how many failed.  Python 3 standard library.
"""
import http.client
import json
import sys
import time


def main():
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__)
    port, token, slugs_file = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    if sys.argv[4] == "-S":
        count, until = None, time.monotonic() + float(sys.argv[5])
    else:
        count, until = int(sys.argv[4]), None
    with open(slugs_file, encoding="utf-8") as f:
        slugs = [s.strip() for s in f if s.strip()]
    stride = 7919 if len(slugs) > 7919 else 97
    while len(slugs) > 1 and len(slugs) % stride == 0:
        stride += 2
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    auth = {"Authorization": "Bearer " + token}
    done = failed = 0
    i = 0
    while True:
        if count is not None and done + failed >= count:
            break
        if until is not None and time.monotonic() >= until:
            break
        if done + failed >= len(slugs):
            break
        slug = slugs[(i * stride) % len(slugs)]
        i += 1
        conn.request("GET", "/api/admin/articles/" + slug, headers=auth)
        r = conn.getresponse()
        body = r.read()
        if r.status != 200:
            failed += 1
            continue
        a = json.loads(body)
        put = {"title": a["title"], "category": a["category"],
               "tags": a["tags"], "rev": a["rev"],
               "markdown": a["markdown"] +
               "\n\nGeändert im Benchmark (%d): Datei speichern, "
               "Vorlage%d prüfen.\n" % (i, i)}
        conn.request("PUT", "/api/admin/articles/" + slug,
                     body=json.dumps(put).encode(),
                     headers=dict(auth, **{"Content-Type":
                                           "application/json"}))
        r = conn.getresponse()
        r.read()
        if r.status == 200:
            done += 1
        else:
            failed += 1
            sys.stderr.write("saves.py: %s: %d\n" % (slug, r.status))
    print("saves=%d failed=%d" % (done, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
