/*
 * gzip.c (base): compressing answers, with zlib.  Only bodies that are sent
 * many times are compressed (cached answers and static files), once, when they
 * are made; a request never waits for deflate.
 */
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "kbd.h"

#define GZIP_MIN	256	/* smaller bodies are not worth it */

/* Is a body of this Content-Type worth compressing? */
int
gzip_worth(const char *type, size_t len)
{
	if (type == NULL || len < GZIP_MIN)
		return 0;
	return strncmp(type, "text/", 5) == 0 ||
	    strncmp(type, "application/json", 16) == 0 ||
	    strncmp(type, "application/xml", 15) == 0 ||
	    strncmp(type, "application/atom+xml", 20) == 0 ||
	    strncmp(type, "image/svg+xml", 13) == 0;
}

/*
 * Compresses data[0..len) in the gzip format.  Returns the compressed
 * bytes, which the caller frees, with their length in *out_len; or NULL
 * when zlib fails or the result would not be smaller.
 */
char *
gzip_compress(const char *data, size_t len, size_t *out_len)
{
	z_stream	 z;
	char		*out;
	size_t		 cap;
	int		 rc;

	memset(&z, 0, sizeof(z));
	/* 15 window bits + 16: a gzip header instead of zlib's. */
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	cap = deflateBound(&z, (uLong)len);
	out = xmalloc(cap);
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	rc = deflate(&z, Z_FINISH);
	*out_len = cap - z.avail_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END || *out_len >= len) {
		free(out);
		return NULL;
	}
	return out;
}
