/* libcurl, loaded on first use.  Linking libcurl makes every hook start
 * load ~35 shared libraries (TLS, Kerberos, LDAP, ...) and run their
 * constructors: ~15 ms per process, paid by every update hook run (once
 * per pushed ref) though only an HTTP step ever needs libcurl.  Include this
 * instead of <curl/curl.h>: the curl_* calls below go through wf_curl_*,
 * which dlopen libcurl.so.4 the first time one is called.  If it cannot be
 * loaded, curl_global_init fails, curl_easy_init and curl_slist_append
 * return NULL and curl_easy_strerror says why. */
#ifndef WF_CURL_LAZY_H
#define WF_CURL_LAZY_H

#define CURL_DISABLE_TYPECHECK 1 /* its macros would bypass the names below */
#include <curl/curl.h>

CURLcode wf_curl_global_init(long flags);
/* curl_global_init(CURL_GLOBAL_DEFAULT) the first time; later calls do nothing. */
void wf_curl_init_once(void);
CURL *wf_curl_easy_init(void);
CURLcode wf_curl_easy_setopt(CURL *curl, CURLoption option, ...);
CURLcode wf_curl_easy_perform(CURL *curl);
CURLcode wf_curl_easy_getinfo(CURL *curl, CURLINFO info, ...);
void wf_curl_easy_cleanup(CURL *curl);
const char *wf_curl_easy_strerror(CURLcode code);
char *wf_curl_easy_escape(CURL *curl, const char *s, int len);
void wf_curl_free(void *p);
struct curl_slist *wf_curl_slist_append(struct curl_slist *list, const char *s);
void wf_curl_slist_free_all(struct curl_slist *list);

#ifndef WF_CURL_LAZY_IMPL
#define curl_global_init wf_curl_global_init
#define curl_easy_init wf_curl_easy_init
#undef curl_easy_setopt /* curl.h defines them as macros */
#undef curl_easy_getinfo
#define curl_easy_setopt wf_curl_easy_setopt
#define curl_easy_perform wf_curl_easy_perform
#define curl_easy_getinfo wf_curl_easy_getinfo
#define curl_easy_cleanup wf_curl_easy_cleanup
#define curl_easy_strerror wf_curl_easy_strerror
#define curl_easy_escape wf_curl_easy_escape
#define curl_free wf_curl_free
#define curl_slist_append wf_curl_slist_append
#define curl_slist_free_all wf_curl_slist_free_all
#endif

#endif
