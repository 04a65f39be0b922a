/* error.c - recording a failure's status and message; see error.h. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int cra_fail(struct cra_error *err, int status, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
		err->status = status;
	}
	return status;
}

void cra_error_prefix(struct cra_error *err, const char *fmt, ...)
{
	if (!err)
		return;
	char prefix[CRA_ERROR_MAX], old[CRA_ERROR_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof old);
	size_t plen = strlen(prefix), olen = strnlen(old, sizeof old - 1);
	if (plen + olen >= sizeof err->msg)
		olen = sizeof err->msg - 1 - plen;
	memcpy(err->msg, prefix, plen);
	memcpy(err->msg + plen, old, olen);
	err->msg[plen + olen] = '\0';
}

void cra_error_clear(struct cra_error *err)
{
	if (err) {
		err->status = 0;
		err->msg[0] = '\0';
	}
}
