/* See curl_lazy.h: libcurl through dlopen, so that hooks which never make
 * an HTTP call never load it. */
#define WF_CURL_LAZY_IMPL 1
#include "curl_lazy.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stddef.h>

static struct {
	int tried, ok;
	__typeof__(&curl_global_init) global_init;
	__typeof__(&curl_easy_init) easy_init;
	__typeof__(&curl_easy_setopt) easy_setopt;
	__typeof__(&curl_easy_perform) easy_perform;
	__typeof__(&curl_easy_getinfo) easy_getinfo;
	__typeof__(&curl_easy_cleanup) easy_cleanup;
	__typeof__(&curl_easy_strerror) easy_strerror;
	__typeof__(&curl_easy_escape) easy_escape;
	__typeof__(&curl_free) free;
	__typeof__(&curl_slist_append) slist_append;
	__typeof__(&curl_slist_free_all) slist_free_all;
} c;

static int load(void)
{
	void *h;

	if (c.tried)
		return c.ok;
	c.tried = 1;
	h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		h = dlopen("libcurl.so", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return 0;
#define SYM(field, name)                                        \
	do {                                                    \
		*(void **)&c.field = dlsym(h, name);            \
		if (!c.field)                                   \
			return 0;                               \
	} while (0)
	SYM(global_init, "curl_global_init");
	SYM(easy_init, "curl_easy_init");
	SYM(easy_setopt, "curl_easy_setopt");
	SYM(easy_perform, "curl_easy_perform");
	SYM(easy_getinfo, "curl_easy_getinfo");
	SYM(easy_cleanup, "curl_easy_cleanup");
	SYM(easy_strerror, "curl_easy_strerror");
	SYM(easy_escape, "curl_easy_escape");
	SYM(free, "curl_free");
	SYM(slist_append, "curl_slist_append");
	SYM(slist_free_all, "curl_slist_free_all");
#undef SYM
	c.ok = 1;
	return 1;
}

CURLcode wf_curl_global_init(long flags)
{
	return load() ? c.global_init(flags) : CURLE_FAILED_INIT;
}

void wf_curl_init_once(void)
{
	static int done;
	if (!done) {
		wf_curl_global_init(CURL_GLOBAL_DEFAULT);
		done = 1;
	}
}

CURL *wf_curl_easy_init(void)
{
	return load() ? c.easy_init() : NULL;
}

/* curl_easy_setopt is variadic: pass the argument on as the type the
 * option's number range says it has, as libcurl itself reads it. */
CURLcode wf_curl_easy_setopt(CURL *curl, CURLoption option, ...)
{
	va_list ap;
	CURLcode rc;

	if (!load())
		return CURLE_FAILED_INIT;
	va_start(ap, option);
	if (option < CURLOPTTYPE_OBJECTPOINT)
		rc = c.easy_setopt(curl, option, va_arg(ap, long));
	else if (option < CURLOPTTYPE_FUNCTIONPOINT)
		rc = c.easy_setopt(curl, option, va_arg(ap, void *));
	else if (option < CURLOPTTYPE_OFF_T)
		rc = c.easy_setopt(curl, option, va_arg(ap, void (*)(void)));
	else if (option < CURLOPTTYPE_BLOB)
		rc = c.easy_setopt(curl, option, va_arg(ap, curl_off_t));
	else
		rc = c.easy_setopt(curl, option, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

CURLcode wf_curl_easy_perform(CURL *curl)
{
	return load() ? c.easy_perform(curl) : CURLE_FAILED_INIT;
}

/* Every curl_easy_getinfo argument is a pointer. */
CURLcode wf_curl_easy_getinfo(CURL *curl, CURLINFO info, ...)
{
	va_list ap;
	void *p;

	if (!load())
		return CURLE_FAILED_INIT;
	va_start(ap, info);
	p = va_arg(ap, void *);
	va_end(ap);
	return c.easy_getinfo(curl, info, p);
}

void wf_curl_easy_cleanup(CURL *curl)
{
	if (load())
		c.easy_cleanup(curl);
}

const char *wf_curl_easy_strerror(CURLcode code)
{
	return load() ? c.easy_strerror(code) : "libcurl could not be loaded (is libcurl4 installed?)";
}

char *wf_curl_easy_escape(CURL *curl, const char *s, int len)
{
	return load() ? c.easy_escape(curl, s, len) : NULL;
}

void wf_curl_free(void *p)
{
	if (load())
		c.free(p);
}

struct curl_slist *wf_curl_slist_append(struct curl_slist *list, const char *s)
{
	return load() ? c.slist_append(list, s) : NULL;
}

void wf_curl_slist_free_all(struct curl_slist *list)
{
	if (load())
		c.slist_free_all(list);
}
