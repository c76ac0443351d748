#!/usr/bin/env python3
# tests/cluster/saveload.py: staff saves one after the other through the
# load balancer, for the cluster tests.
#   saveload.py BASE TOKEN SLUG STOPFILE OUTFILE
# Until STOPFILE exists: reads article SLUG through the staff API, and
# writes it back with a line "Speicherprobe N." added, on the revision it
# read.  A 409 (another node was ahead) or a failure is tried again with
# a fresh read.  OUTFILE gets the N of every save answered 200, one a
# line, then "tries T conflicts C failures F".
import http.client
import json
import os
import sys
import urllib.parse

base, token, slug, stop, out = sys.argv[1:6]
host = urllib.parse.urlsplit(base)
auth = {"Authorization": "Bearer " + token,
        "Content-Type": "application/json"}
acked, tries, conflicts, failures = [], 0, 0, 0


def call(method, path, body=None):
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=auth)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


n = 0
while not os.path.exists(stop):
    n += 1
    tries += 1
    path = "/api/admin/articles/" + slug
    try:
        status, data = call("GET", path)
        if status != 200:
            failures += 1
            continue
        cur = json.loads(data)
        text = cur["markdown"].rstrip("\n") + "\n\nSpeicherprobe %d.\n" % n
        body = json.dumps({"title": cur["title"], "markdown": text,
                           "rev": cur["rev"]})
        status, data = call("PUT", path, body)
    except Exception:
        failures += 1
        continue
    if status == 200:
        acked.append(n)
    elif status == 409:
        conflicts += 1
    else:
        failures += 1
with open(out + ".tmp", "w") as f:
    for a in acked:
        f.write("%d\n" % a)
    f.write("tries %d conflicts %d failures %d\n" % (tries, conflicts,
                                                     failures))
os.rename(out + ".tmp", out)
