/* A CMS's database connection, as its recipe's PHP read it from the
 * site's settings file (database.h, docs/database.md): the fields parsed,
 * the host split as the CMSes write it, and the MySQL option file that
 * carries it to the client tools, password and all, so that it is never
 * on a command line. */
#include "database.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void wf_db_conn_free(struct wf_db_conn *c)
{
	free(c->name);
	free(c->user);
	free(c->password);
	free(c->host);
	free(c->port);
	free(c->socket);
	free(c->prefix);
	memset(c, 0, sizeof(*c));
}

static int digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

/* "host", "host:3307", "host:/run/mysqld/mysqld.sock", "/run/...sock",
 * "[::1]:3307" (WordPress's DB_HOST, Magento's host); port, when given
 * apart (Drupal), wins.  An empty host is localhost, as the CMSes say. */
static void split_host(struct wf_db_conn *c, const char *host, const char *port)
{
	const char *colon = strrchr(host, ':');

	if (!*host)
		c->host = xstrdup("localhost");
	else if (host[0] == '/')
		c->socket = xstrdup(host);
	else if (host[0] == '[' && strchr(host, ']')) {
		const char *end = strchr(host, ']');
		c->host = xasprintf("%.*s", (int)(end - host - 1), host + 1);
		if (end[1] == ':' && digits(end + 2))
			c->port = xstrdup(end + 2);
	} else if ((colon = strchr(host, ':')) && colon[1] == '/') {
		c->host = xasprintf("%.*s", (int)(colon - host), host);
		c->socket = xstrdup(colon + 1);
	} else if (colon && !strchr(colon + 1, ':') && digits(colon + 1)) {
		c->host = xasprintf("%.*s", (int)(colon - host), host);
		c->port = xstrdup(colon + 1);
	} else
		c->host = xstrdup(host);
	if (*port) {
		free(c->port);
		c->port = xstrdup(port);
	}
}

int wf_db_conn_parse(const char *buf, size_t len, struct wf_db_conn *c)
{
	const char *f[6];
	size_t at = 0;

	memset(c, 0, sizeof(*c));
	for (int i = 0; i < 6; i++) {
		const char *end = at < len ? memchr(buf + at, '\0', len - at) : NULL;
		if (!end)
			return -1;
		f[i] = buf + at;
		at = (size_t)(end - buf) + 1;
	}
	if (at != len)
		return -1;
	c->name = xstrdup(f[0]);
	c->user = xstrdup(f[1]);
	c->password = xstrdup(f[2]);
	c->prefix = xstrdup(f[5]);
	split_host(c, f[3], f[4]);
	return 0;
}

/* key="value", \ and " escaped (the clients unescape them); a line
 * break cannot be said in an option file. */
static int put(struct sbuf *sb, const char *key, const char *v, char *err, size_t errlen)
{
	if (!v)
		return 0;
	if (strpbrk(v, "\n\r")) {
		snprintf(err, errlen, "its %s has a line break, which a MySQL option file cannot hold", key);
		return -1;
	}
	sbuf_addf(sb, "%s=\"", key);
	for (const char *p = v; *p; p++) {
		if (*p == '\\' || *p == '"')
			sbuf_add(sb, "\\", 1);
		sbuf_add(sb, p, 1);
	}
	sbuf_adds(sb, "\"\n");
	return 0;
}

/* A line break cannot be said in either file. */
static int one_line(const char *key, const char *v, char *err, size_t errlen)
{
	if (v && strpbrk(v, "\n\r")) {
		snprintf(err, errlen, "its %s has a line break, which a %s file cannot hold", key, "connection");
		return -1;
	}
	return 0;
}

char *wf_db_conn_pgservice(const struct wf_db_conn *c, const char *service, char *err, size_t errlen)
{
	/* a socket is libpq's host too: its directory */
	const char *host = c->socket ? c->socket : c->host;

	if (one_line("user", c->user, err, errlen) < 0 || one_line("host", host, err, errlen) < 0)
		return NULL;
	if (c->port && !digits(c->port)) {
		snprintf(err, errlen, "its port '%.20s' is not a number", c->port);
		return NULL;
	}
	return xasprintf("[%s]\n%s%s%s%s%s%s%s%s%s", service, host ? "host=" : "", host ? host : "", host ? "\n" : "",
			 c->port ? "port=" : "", c->port ? c->port : "", c->port ? "\n" : "", c->user ? "user=" : "",
			 c->user ? c->user : "", c->user ? "\n" : "");
}

char *wf_db_conn_pgpass(const struct wf_db_conn *c, char *err, size_t errlen)
{
	struct sbuf sb = SBUF_INIT;

	if (one_line("password", c->password, err, errlen) < 0)
		return NULL;
	sbuf_adds(&sb, "*:*:*:*:");
	for (const char *p = c->password ? c->password : ""; *p; p++) {
		if (*p == '\\' || *p == ':')
			sbuf_add(&sb, "\\", 1);
		sbuf_add(&sb, p, 1);
	}
	sbuf_adds(&sb, "\n");
	return sbuf_detach(&sb);
}

char *wf_db_conn_cnf(const struct wf_db_conn *c, char *err, size_t errlen)
{
	struct sbuf sb = SBUF_INIT;

	sbuf_adds(&sb, "[client]\n");
	if (put(&sb, "user", c->user, err, errlen) < 0 || put(&sb, "password", c->password, err, errlen) < 0 ||
	    put(&sb, "host", c->host, err, errlen) < 0 || put(&sb, "socket", c->socket, err, errlen) < 0 ||
	    (c->port && !digits(c->port) && (snprintf(err, errlen, "its port '%.20s' is not a number", c->port), 1))) {
		sbuf_free(&sb);
		return NULL;
	}
	if (c->port)
		sbuf_addf(&sb, "port=%s\n", c->port);
	return sb.buf ? sb.buf : xstrdup("");
}
