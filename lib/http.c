/* http.c - GET requests on one reused libcurl easy handle; see http.h. */
#include "http.h"

#include <ctype.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "version.h"

/* A response body larger than this is not market data: refuse it rather than eat memory. */
#define HTTP_MAX_BODY (256u << 20)

struct http_client {
	CURL *curl;
	const volatile sig_atomic_t *cancel;
	long connections;
	char errbuf[CURL_ERROR_SIZE];
	struct http_response *resp; /* the one being received */
	bool too_big;
	size_t cap;
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_status;

static void global_init(void) { global_status = curl_global_init(CURL_GLOBAL_DEFAULT); }

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
	struct http_client *c = userp;
	struct http_response *r = c->resp;
	size_t n = size * nmemb;
	if (r->len + n + 1 > c->cap) {
		if (r->len + n + 1 > HTTP_MAX_BODY) {
			c->too_big = true;
			return 0; /* makes curl fail with CURLE_WRITE_ERROR */
		}
		size_t cap = c->cap ? c->cap : 16384;
		while (cap < r->len + n + 1)
			cap *= 2;
		char *grown = realloc(r->body, cap);
		if (!grown)
			return 0;
		r->body = grown;
		c->cap = cap;
	}
	memcpy(r->body + r->len, data, n);
	r->len += n;
	r->body[r->len] = '\0';
	return n;
}

static void clear_headers(struct http_response *r)
{
	for (size_t i = 0; i < r->nheaders; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	r->nheaders = 0;
}

/* Called once per header line; a status line starts a new response (after a 100 Continue or a
 * redirect), so the headers collected so far are dropped. */
static size_t on_header(char *line, size_t size, size_t nmemb, void *userp)
{
	struct http_client *c = userp;
	struct http_response *r = c->resp;
	size_t n = size * nmemb;
	if (n >= 5 && !strncmp(line, "HTTP/", 5)) {
		clear_headers(r);
		return n;
	}
	const char *colon = memchr(line, ':', n);
	if (!colon || r->nheaders == HTTP_MAX_HEADERS)
		return n;
	const char *v = colon + 1, *end = line + n;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && isspace((unsigned char)end[-1]))
		end--;
	struct http_header *h = &r->headers[r->nheaders];
	h->name = strndup(line, (size_t)(colon - line));
	h->value = strndup(v, (size_t)(end - v));
	if (!h->name || !h->value) {
		free(h->name);
		free(h->value);
		return 0;
	}
	r->nheaders++;
	return n;
}

static int on_progress(void *userp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	const struct http_client *c = userp;
	return c->cancel && *c->cancel ? 1 : 0;
}

int http_client_new(struct http_client **out, const struct http_options *o,
		    struct cra_error *err)
{
	pthread_once(&global_once, global_init);
	if (global_status != CURLE_OK)
		return cra_fail(err, EX_SOFTWARE, "cannot initialise libcurl: %s",
				curl_easy_strerror(global_status));
	struct http_client *c = calloc(1, sizeof *c);
	if (!c)
		return cra_fail(err, EX_OSERR, "out of memory");
	c->curl = curl_easy_init();
	if (!c->curl) {
		free(c);
		return cra_fail(err, EX_SOFTWARE, "cannot create a libcurl handle");
	}
	c->cancel = o ? o->cancel : NULL;
	long connect_ms = o && o->connect_timeout_ms > 0 ? o->connect_timeout_ms : 10000;
	long total_ms = o && o->timeout_ms > 0 ? o->timeout_ms : 30000;
	CURL *h = c->curl;
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, total_ms);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, ""); /* whatever libcurl can decode */
	curl_easy_setopt(h, CURLOPT_USERAGENT,
			 o && o->user_agent ? o->user_agent : "craipto/" CRA_VERSION);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, c);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, c);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	*out = c;
	return 0;
}

void http_client_free(struct http_client *c)
{
	if (!c)
		return;
	curl_easy_cleanup(c->curl);
	free(c);
}

void http_response_free(struct http_response *r)
{
	clear_headers(r);
	free(r->body);
	memset(r, 0, sizeof *r);
}

static enum http_failure classify(CURLcode rc)
{
	switch (rc) {
	case CURLE_OK:
		return HTTP_OK;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
		return HTTP_CONNECT;
	case CURLE_OPERATION_TIMEDOUT:
		return HTTP_TIMEOUT;
	case CURLE_ABORTED_BY_CALLBACK:
		return HTTP_CANCELLED;
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_BAD_CONTENT_ENCODING:
	case CURLE_WEIRD_SERVER_REPLY:
		return HTTP_TRANSFER;
	default:
		return HTTP_OTHER;
	}
}

int http_get(struct http_client *c, const char *url, struct http_response *resp,
	     enum http_failure *failure, struct cra_error *err)
{
	memset(resp, 0, sizeof *resp);
	c->resp = resp;
	c->cap = 0;
	c->too_big = false;
	c->errbuf[0] = '\0';
	curl_easy_setopt(c->curl, CURLOPT_URL, url);
	curl_easy_setopt(c->curl, CURLOPT_HTTPGET, 1L);
	CURLcode rc = curl_easy_perform(c->curl);
	long connects = 0;
	if (curl_easy_getinfo(c->curl, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK)
		c->connections += connects;
	curl_easy_getinfo(c->curl, CURLINFO_TOTAL_TIME, &resp->elapsed_s);
	c->resp = NULL;
	*failure = classify(rc);
	if (rc == CURLE_OK) {
		curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &resp->status);
		if (!resp->body) { /* an empty body is still a string */
			resp->body = calloc(1, 1);
			if (!resp->body) {
				*failure = HTTP_OTHER;
				return cra_fail(err, EX_OSERR, "out of memory");
			}
		}
		return 0;
	}
	resp->status = 0;
	if (c->too_big)
		return cra_fail(err, EX_UNAVAILABLE, "response body larger than %u MB", HTTP_MAX_BODY >> 20);
	if (rc == CURLE_ABORTED_BY_CALLBACK)
		return cra_fail(err, EX_TEMPFAIL, "request interrupted");
	return cra_fail(err, EX_UNAVAILABLE, "%s", c->errbuf[0] ? c->errbuf : curl_easy_strerror(rc));
}

const char *http_header(const struct http_response *r, const char *name)
{
	const char *found = NULL;
	for (size_t i = 0; i < r->nheaders; i++)
		if (!strcasecmp(r->headers[i].name, name))
			found = r->headers[i].value;
	return found;
}

long http_connections(const struct http_client *c) { return c->connections; }

char *http_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s);
	char *out = malloc(3 * n + 1), *p = out;
	if (!out)
		return NULL;
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
			*p++ = (char)ch;
		} else {
			*p++ = '%';
			*p++ = hex[ch >> 4];
			*p++ = hex[ch & 15];
		}
	}
	*p = '\0';
	return out;
}
