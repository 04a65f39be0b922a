/* http.h - HTTP GET over one reused connection (libcurl's easy interface).
 *
 * One client holds one curl easy handle, so consecutive requests to the same host reuse the
 * TCP/TLS connection (keep-alive).  A request either brings back a response - any status,
 * with its body and headers, for the caller to judge - or fails at the transport level
 * (cannot connect, timed out, connection reset, body shorter than announced, cancelled);
 * the failure kind lets the caller decide whether trying again makes sense.  Like the rest
 * of libcra, nothing here prints or exits.
 */
#ifndef CRA_HTTP_H
#define CRA_HTTP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"

struct http_options {
	long connect_timeout_ms; /* TCP + TLS handshake; 0 means 10 s */
	long timeout_ms;         /* the whole request, body included; 0 means 30 s */
	const char *user_agent;  /* NULL: "craipto/VERSION" */
	/* When *cancel becomes non-zero (a signal handler sets it), a request in flight is
	 * abandoned within about a second and fails with HTTP_CANCELLED.  May be NULL. */
	const volatile sig_atomic_t *cancel;
};

enum http_failure {
	HTTP_OK,          /* a response arrived (check its status) */
	HTTP_CONNECT,     /* name lookup or connection refused/unreachable */
	HTTP_TIMEOUT,     /* connect or total timeout */
	HTTP_TRANSFER,    /* reset, closed early, body shorter than Content-Length */
	HTTP_CANCELLED,   /* *cancel was set */
	HTTP_OTHER,       /* bad URL, TLS setup, out of memory ... */
};

#define HTTP_MAX_HEADERS 48

struct http_header {
	char *name;  /* as sent; compare case-insensitively */
	char *value; /* without surrounding blanks */
};

struct http_response {
	long status;            /* 0 when no response arrived */
	char *body;             /* NUL-terminated (the NUL is not counted in len) */
	size_t len;
	size_t nheaders;
	struct http_header headers[HTTP_MAX_HEADERS];
	double elapsed_s;       /* total time of the request */
};

struct http_client;

int http_client_new(struct http_client **out, const struct http_options *options,
		    struct cra_error *err);
void http_client_free(struct http_client *c);

/* GET url.  Returns 0 when a response arrived (resp filled, any status), otherwise a
 * sysexits status (69 EX_UNAVAILABLE for transport failures) with *failure telling the kind
 * and err the reason.  resp is reset first; release it with http_response_free. */
int http_get(struct http_client *c, const char *url, struct http_response *resp,
	     enum http_failure *failure, struct cra_error *err);

void http_response_free(struct http_response *resp);

/* The value of the last header called name (case-insensitive), or NULL. */
const char *http_header(const struct http_response *resp, const char *name);

/* How many new connections the client has opened so far (1 when keep-alive worked). */
long http_connections(const struct http_client *c);

/* Percent-encodes s for a query string (RFC 3986 unreserved characters kept).  Returns a
 * malloc'ed string or NULL when out of memory. */
char *http_escape(const char *s);

#endif
