/* error.h - how library functions report failure.
 *
 * The library never prints and never exits: a function that can fail returns a sysexits(3)
 * status (0 on success) and, on failure, fills a struct cra_error with a message that names
 * the file, line and field at fault.  Programs print it with the program name prefixed
 * (diag.h) and exit with the status.
 */
#ifndef CRA_ERROR_H
#define CRA_ERROR_H

#include <sysexits.h>

#define CRA_ERROR_MAX 1024

struct cra_error {
	int status;             /* sysexits(3) code; 0 when no error has been recorded */
	char msg[CRA_ERROR_MAX];
};

/* Records a formatted message and a status; returns the status so callers can write
 * `return cra_fail(err, EX_DATAERR, "%s:%zu: ...", ...);`.  err may be NULL. */
int cra_fail(struct cra_error *err, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefixes the message already in err with more context ("while importing X: "). */
void cra_error_prefix(struct cra_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void cra_error_clear(struct cra_error *err);

#endif
