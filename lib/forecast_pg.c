/* forecast_pg.c - forecasts and leaderboard rows in PostgreSQL; see forecast_pg.h. */
#include "forecast_pg.h"

#include <errno.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PG_TRIES 3           /* connecting, and each write after a lost connection */
#define PG_BACKOFF_MS 200    /* then 400, 800 */
/* An arbitrary number naming this module's schema lock among advisory locks. */
#define PG_SCHEMA_LOCK_KEY "7165432117830612"

struct forecast_db {
	PGconn *conn;
	char description[256];
};

static const char leaderboard_sql[] =
	"CREATE TABLE IF NOT EXISTS leaderboard ("
	" symbol text NOT NULL, \"interval\" text NOT NULL, model text NOT NULL,"
	" horizon integer NOT NULL, period text NOT NULL, steps bigint,"
	" rmse double precision, mae double precision, mape double precision,"
	" directional_accuracy double precision, coverage double precision,"
	" level double precision, band_width double precision, theil_u double precision,"
	" naive_rmse double precision, naive_mae double precision,"
	" accuracy double precision, macro_f1 double precision, weights text,"
	" written_at timestamptz NOT NULL DEFAULT now(),"
	" PRIMARY KEY (symbol, \"interval\", model, horizon, period))";
static const char *const leaderboard_key[] = { "symbol", "interval", "model", "horizon",
					       "period" };

static const char forecasts_sql[] =
	"CREATE TABLE IF NOT EXISTS forecasts ("
	" symbol text NOT NULL, \"interval\" text NOT NULL, model text NOT NULL,"
	" open_time bigint NOT NULL, step integer NOT NULL, method text,"
	" pred double precision, lower double precision, upper double precision,"
	" level double precision, weights text, regime text, p_bull double precision,"
	" p_neutral double precision, p_bear double precision,"
	" written_at timestamptz NOT NULL DEFAULT now(),"
	" PRIMARY KEY (symbol, \"interval\", model, open_time, step))";
static const char *const forecasts_key[] = { "symbol", "interval", "model", "open_time", "step" };

/* ---- statements ------------------------------------------------------------------------- */

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* The server's message on one line, in err, with 69. */
static int db_fail(struct forecast_db *db, PGresult *res, const char *what, struct cra_error *err)
{
	const char *msg = res ? PQresultErrorMessage(res) : "";
	if (!*msg)
		msg = PQerrorMessage(db->conn);
	char line[CRA_ERROR_MAX / 2];
	size_t n = 0;
	for (; *msg && n + 1 < sizeof line; msg++)
		line[n++] = *msg == '\n' || *msg == '\t' ? ' ' : *msg;
	while (n && line[n - 1] == ' ')
		n--;
	line[n] = '\0';
	PQclear(res);
	return cra_fail(err, EX_UNAVAILABLE, "%s: %s: %s", db->description, what,
			n ? line : "unknown error");
}

static int db_command(struct forecast_db *db, const char *sql, const char *what,
		      struct cra_error *err)
{
	PGresult *res = PQexec(db->conn, sql);
	ExecStatusType st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		return db_fail(db, res, what, err);
	PQclear(res);
	return 0;
}

typedef int db_work(struct forecast_db *db, const void *job, struct cra_error *err);

/* Runs one transaction, again after resetting a lost connection (PG_TRIES in all). */
static int db_run(struct forecast_db *db, db_work *work, const void *job, struct cra_error *err)
{
	int r = 0;
	for (int attempt = 0; attempt < PG_TRIES; attempt++) {
		if (attempt) {
			sleep_ms((long)PG_BACKOFF_MS << (attempt - 1));
			PQreset(db->conn);
			if (PQstatus(db->conn) != CONNECTION_OK) {
				r = db_fail(db, NULL, "connection lost, reconnecting failed", err);
				continue;
			}
		}
		if (!(r = work(db, job, err)))
			return 0;
		if (PQstatus(db->conn) == CONNECTION_OK) {
			if (PQtransactionStatus(db->conn) != PQTRANS_IDLE)
				PQclear(PQexec(db->conn, "ROLLBACK"));
			return r; /* the server refused: trying again changes nothing */
		}
	}
	return r;
}

static int create_schema(struct forecast_db *db, const void *unused, struct cra_error *err)
{
	(void)unused;
	const char *what = "creating the forecasts and leaderboard tables";
	return db_command(db, "BEGIN", what, err) ||
			       db_command(db, "SELECT pg_advisory_xact_lock(" PG_SCHEMA_LOCK_KEY ")",
					  what, err) ||
			       db_command(db, leaderboard_sql, what, err) ||
			       db_command(db, forecasts_sql, what, err) ||
			       db_command(db, "COMMIT", what, err)
		       ? EX_UNAVAILABLE : 0;
}

/* ---- opening ---------------------------------------------------------------------------- */

static void ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

int forecast_db_open(struct forecast_db **out, const char *uri, struct cra_error *err)
{
	*out = NULL;
	if (strstr(uri, "://") || strchr(uri, '=')) {
		char *why = NULL;
		PQconninfoOption *o = PQconninfoParse(uri, &why);
		if (!o) {
			int r = cra_fail(err, EX_USAGE, "invalid database URI: %s",
					 why ? why : "out of memory");
			PQfreemem(why);
			return r;
		}
		PQconninfoFree(o);
	}
	struct forecast_db *db = calloc(1, sizeof *db);
	if (!db)
		return cra_fail(err, EX_OSERR, "out of memory");
	const char *const keys[] = { "connect_timeout", "fallback_application_name", "dbname", NULL };
	const char *const values[] = { "10", "craipto", uri, NULL };
	for (int attempt = 0; attempt < PG_TRIES; attempt++) {
		if (attempt)
			sleep_ms((long)PG_BACKOFF_MS << (attempt - 1));
		PQfinish(db->conn);
		db->conn = PQconnectdbParams(keys, values, 1);
		if (db->conn && PQstatus(db->conn) == CONNECTION_OK)
			break;
	}
	const char *host = db->conn ? PQhost(db->conn) : NULL, *port = db->conn ? PQport(db->conn) : NULL;
	const char *name = db->conn ? PQdb(db->conn) : NULL;
	snprintf(db->description, sizeof db->description, "PostgreSQL %s:%s/%s",
		 host && *host ? host : "localhost", port && *port ? port : "5432", name ? name : "");
	int r = 0;
	if (!db->conn || PQstatus(db->conn) != CONNECTION_OK)
		r = db_fail(db, NULL, "cannot connect", err);
	else {
		PQsetNoticeProcessor(db->conn, ignore_notice, NULL);
		r = db_run(db, create_schema, NULL, err);
	}
	if (r) {
		forecast_db_close(db);
		return r;
	}
	*out = db;
	return 0;
}

void forecast_db_close(struct forecast_db *db)
{
	if (!db)
		return;
	PQfinish(db->conn);
	free(db);
}

const char *forecast_db_describe(const struct forecast_db *db) { return db->description; }

/* ---- upserts ---------------------------------------------------------------------------- */

/* A table rendered as CSV in memory, by one of the programs' own writers. */
struct csv {
	char *text;
	size_t len;
};

typedef void render_fn(struct table_writer *w, const void *arg);

static int render(render_fn *fn, const void *arg, struct csv *csv, struct cra_error *err)
{
	FILE *f = tmpfile();
	struct table_writer *w = malloc(sizeof *w);
	int r = f && w ? 0 : cra_fail(err, EX_OSERR, "cannot make a temporary file: %s", strerror(errno));
	if (!r) {
		tw_init(w, fileno(f), ',');
		fn(w, arg);
		r = tw_flush(w, "a temporary file", err);
	}
	long len = r ? 0 : lseek(fileno(f), 0, SEEK_END);
	if (!r && (len < 0 || !(csv->text = malloc((size_t)len + 1))))
		r = cra_fail(err, EX_OSERR, "out of memory");
	if (!r && pread(fileno(f), csv->text, (size_t)len, 0) != len)
		r = cra_fail(err, EX_IOERR, "cannot read back a temporary file: %s", strerror(errno));
	if (!r) {
		csv->len = (size_t)len;
		csv->text[len] = '\0';
	}
	free(w);
	if (f)
		fclose(f);
	return r;
}

struct upsert_job {
	const char *table;
	const char *const *key;
	size_t nkey;
	const struct csv *csv;
	char *cols, *set; /* "\"a\", \"b\"", "\"x\" = EXCLUDED.\"x\", ..." */
};

static bool is_key(const struct upsert_job *job, const char *name, size_t len)
{
	for (size_t i = 0; i < job->nkey; i++)
		if (strlen(job->key[i]) == len && !strncmp(job->key[i], name, len))
			return true;
	return false;
}

/* The column lists, from the CSV's header (our writers' names: [a-z0-9_] only). */
static int column_lists(struct upsert_job *job, struct cra_error *err)
{
	const char *h = job->csv->text, *end = strchr(h, '\n');
	size_t hlen = end ? (size_t)(end - h) : 0;
	if (!hlen || strspn(h, "abcdefghijklmnopqrstuvwxyz0123456789_,") != hlen)
		return cra_fail(err, EX_SOFTWARE, "%s: unexpected header", job->table);
	job->cols = malloc(3 * hlen + 8);
	job->set = malloc(6 * hlen + 64);
	if (!job->cols || !job->set)
		return cra_fail(err, EX_OSERR, "out of memory");
	char *c = job->cols, *s = job->set;
	for (const char *p = h; p < h + hlen;) {
		size_t n = strcspn(p, ",\n");
		c += sprintf(c, "%s\"%.*s\"", c == job->cols ? "" : ", ", (int)n, p);
		if (!is_key(job, p, n))
			s += sprintf(s, "\"%.*s\" = EXCLUDED.\"%.*s\", ", (int)n, p, (int)n, p);
		p += n + 1;
	}
	strcpy(s, "written_at = now()");
	return 0;
}

static int upsert_once(struct forecast_db *db, const void *arg, struct cra_error *err)
{
	const struct upsert_job *job = arg;
	char what[64], sql[4096], keys[256] = "";
	snprintf(what, sizeof what, "writing to %s", job->table);
	for (size_t i = 0, n = 0; i < job->nkey; i++)
		n += (size_t)snprintf(keys + n, sizeof keys - n, "%s\"%s\"", i ? ", " : "", job->key[i]);
	snprintf(sql, sizeof sql, "CREATE TEMP TABLE cra_staging (LIKE %s INCLUDING DEFAULTS) ON COMMIT DROP", job->table);
	if (db_command(db, "BEGIN", what, err) || db_command(db, sql, what, err))
		return EX_UNAVAILABLE;
	snprintf(sql, sizeof sql, "COPY cra_staging (%s) FROM STDIN (FORMAT csv, HEADER true)",
		 job->cols);
	PGresult *res = PQexec(db->conn, sql);
	if (PQresultStatus(res) != PGRES_COPY_IN)
		return db_fail(db, res, what, err);
	PQclear(res);
	if (PQputCopyData(db->conn, job->csv->text, (int)job->csv->len) != 1 ||
	    PQputCopyEnd(db->conn, NULL) != 1)
		return db_fail(db, NULL, what, err);
	int r = 0;
	while ((res = PQgetResult(db->conn))) {
		if (!r && PQresultStatus(res) != PGRES_COMMAND_OK)
			r = db_fail(db, res, what, err);
		else
			PQclear(res);
	}
	if (r)
		return r;
	snprintf(sql, sizeof sql, "INSERT INTO %s (%s) SELECT %s FROM cra_staging"
		 " ON CONFLICT (%s) DO UPDATE SET %s", job->table, job->cols, job->cols, keys, job->set);
	if (db_command(db, sql, what, err) || db_command(db, "COMMIT", what, err))
		return EX_UNAVAILABLE;
	return 0;
}

static int upsert(struct forecast_db *db, const char *table, const char *const *key, size_t nkey,
		  render_fn *fn, const void *arg, struct cra_error *err)
{
	struct csv csv = { 0 };
	struct upsert_job job = { table, key, nkey, &csv, NULL, NULL };
	int r = render(fn, arg, &csv, err);
	if (!r)
		r = column_lists(&job, err);
	if (!r && strlen(job.cols) + strlen(job.set) > 3000)
		r = cra_fail(err, EX_SOFTWARE, "%s: too many columns", table);
	if (!r)
		r = db_run(db, upsert_once, &job, err);
	free(job.cols);
	free(job.set);
	free(csv.text);
	return r;
}

struct rows_arg {
	const struct leaderboard_row *rows;
	size_t n;
};

static void render_leaderboard(struct table_writer *w, const void *arg)
{
	const struct rows_arg *a = arg;
	leaderboard_write(w, a->rows, a->n);
}

int forecast_db_put_leaderboard(struct forecast_db *db, const struct leaderboard_row *rows,
				size_t n, struct cra_error *err)
{
	struct rows_arg a = { rows, n };
	return upsert(db, "leaderboard", leaderboard_key, 5, render_leaderboard, &a, err);
}

struct forecasts_arg {
	const struct walkforward *wf;
	struct wf_forecast_columns cols;
};

static void render_forecasts(struct table_writer *w, const void *arg)
{
	const struct forecasts_arg *a = arg;
	walkforward_write_forecast_header(w, &a->cols);
	walkforward_write_forecasts(w, a->wf, &a->cols);
}

int forecast_db_put_forecasts(struct forecast_db *db, const struct walkforward *wf,
			      const char *symbol, const char *interval, double level,
			      struct cra_error *err)
{
	struct forecasts_arg a = { wf, { symbol, interval, level, true, true } };
	return upsert(db, "forecasts", forecasts_key, 5, render_forecasts, &a, err);
}
