/* store_pg.c - PostgreSQL backend (placeholder until implemented). */
#include "store_backend.h"

int store_pg_open(struct store *s, const char *uri, struct cra_error *err)
{
	(void)s;
	(void)uri;
	return cra_fail(err, EX_UNAVAILABLE, "PostgreSQL store not implemented yet");
}
