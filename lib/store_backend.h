/* store_backend.h - what a storage backend implements (store_csv.c, store_pg.c).  Arguments
 * have been checked by store.c: symbols are valid, candles are valid and aligned. */
#ifndef CRA_STORE_BACKEND_H
#define CRA_STORE_BACKEND_H

#include "store.h"

struct store_ops {
	int (*load)(struct store *s, const char *symbol, const struct interval *iv, int64_t from,
		    int64_t to, struct candles *out, bool *exists, struct cra_error *err);
	int (*merge)(struct store *s, const char *symbol, const struct interval *iv,
		     const struct candles *add, struct merge_stats *stats, struct cra_error *err);
	int (*latest)(struct store *s, const char *symbol, const struct interval *iv,
		      int64_t *open_time, bool *exists, struct cra_error *err);
	int (*list)(struct store *s, struct series_info **list, size_t *n, struct cra_error *err);
	void (*close)(struct store *s);
};

struct store {
	const struct store_ops *ops;
	char description[256];
	void *backend; /* the backend's own state */
};

int store_csv_open(struct store *s, const char *dir, struct cra_error *err);
int store_pg_open(struct store *s, const char *uri, struct cra_error *err);

/* Sorts a series list by symbol, then interval length (shared by the backends). */
void series_info_sort(struct series_info *list, size_t n);

#endif
