/* Stored step output: gzip, read back also from the zlib streams of
 * earlier records. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "steps.h"
#include "util.h"

/* gzip, so that the files beside the records are read with zcat */
int wf_compress(const char *in, size_t len, unsigned char **out, size_t *out_len)
{
	z_stream zs;
	size_t cap = len + len / 1000 + 64;
	unsigned char *buf = xmalloc(cap);
	int zr;

	*out = NULL;
	*out_len = 0;
	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(buf);
		return -1;
	}
	cap = deflateBound(&zs, (uLong)len) + 32;
	buf = xrealloc(buf, cap);
	zs.next_in = (Bytef *)(in ? in : "");
	zs.avail_in = (uInt)len;
	zs.next_out = buf;
	zs.avail_out = (uInt)cap;
	zr = (uLong)len == len && (uInt)len == len ? deflate(&zs, Z_FINISH) : Z_STREAM_ERROR;
	*out_len = zs.total_out;
	deflateEnd(&zs);
	if (zr != Z_STREAM_END) {
		free(buf);
		*out_len = 0;
		return -1;
	}
	*out = buf;
	return 0;
}

int wf_decompress(const unsigned char *in, size_t len, char **out, size_t *out_len)
{
	z_stream zs;
	size_t cap = len * 4 + 256, used = 0;
	char *buf;
	int zr;

	*out = NULL;
	*out_len = 0;
	if (len == 0) {
		*out = xstrdup("");
		return 0;
	}
	memset(&zs, 0, sizeof(zs));
	/* 15 + 32: gzip (records since JSON) or zlib (earlier ones) */
	if (inflateInit2(&zs, 15 + 32) != Z_OK)
		return -1;
	buf = xmalloc(cap + 1);
	zs.next_in = (Bytef *)in;
	zs.avail_in = 0;
	for (;;) {
		if (zs.avail_in == 0) {
			size_t consumed = (size_t)(zs.next_in - (const Bytef *)in);
			size_t rest = len - consumed;
			zs.avail_in = rest > 0x40000000u ? 0x40000000u : (uInt)rest;
		}
		if (used == cap) {
			cap *= 2;
			buf = xrealloc(buf, cap + 1);
		}
		zs.next_out = (Bytef *)buf + used;
		zs.avail_out = (cap - used) > 0x40000000u ? 0x40000000u : (uInt)(cap - used);
		{
			uInt before = zs.avail_out;
			zr = inflate(&zs, Z_NO_FLUSH);
			used += before - zs.avail_out;
		}
		if (zr == Z_STREAM_END)
			break;
		if (zr == Z_BUF_ERROR && zs.avail_in == 0 && used < cap)
			zr = Z_DATA_ERROR;      /* input ended before the stream did */
		if (zr != Z_OK && zr != Z_BUF_ERROR) {
			inflateEnd(&zs);
			free(buf);
			return -1;
		}
	}
	/* Trailing garbage after the stream is a corrupt record. */
	if ((size_t)(zs.next_in - (const Bytef *)in) != len) {
		inflateEnd(&zs);
		free(buf);
		return -1;
	}
	inflateEnd(&zs);
	buf[used] = '\0';
	*out = buf;
	*out_len = used;
	return 0;
}
