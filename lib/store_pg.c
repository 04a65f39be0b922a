/* store_pg.c - the PostgreSQL store: candle series in two tables, created when missing.
 *
 *   candles(symbol, interval, open_time, open, high, low, close, volume NOT NULL,
 *           close_time, quote_volume, trades, taker_buy_base, taker_buy_quote NULL,
 *           PRIMARY KEY (symbol, interval, open_time))
 *   series_columns(symbol, interval, optional_mask, PRIMARY KEY (symbol, interval))
 *
 * series_columns records which optional columns a series has (struct candles.optional_mask):
 * NULLs alone cannot tell, because a present column may hold missing values.  It is also the
 * list of series, so a series merged from zero candles exists, as its CSV file would.
 *
 * A merge is one transaction: upsert the series' row in series_columns - which locks it, so
 * merges into one series take turns and their counts are exact - COPY the new candles into a
 * temporary staging table, count the rows present, conflicting and enriched, fill NULLs, and
 * insert the rest with ON CONFLICT DO NOTHING.  A read is one statement, so it sees one
 * snapshot.  Values travel only as parameters or through COPY, never spliced into SQL; numbers
 * go out in shortest round-trip text and come back in binary, so every double is exact.
 *
 * A lost connection is reset and the whole operation tried again a few times (each one is
 * atomic and idempotent); after that, or when the server cannot be reached at all, 69.
 */
#include <endian.h>
#include <errno.h>
#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "number.h"
#include "store_backend.h"
#include "symbol.h"
#include "timefmt.h"

#define PG_CONNECT_TRIES 3  /* at open: 0.2 s then 0.4 s between tries */
#define PG_RETRIES 3        /* after a lost connection: 0.2, 0.4, 0.8 s, then give up */
#define PG_BACKOFF_MS 200
#define PG_CONNECT_TIMEOUT "10" /* seconds per try, unless the URI says otherwise */

/* An arbitrary number that names craipto's schema lock among advisory locks. */
#define PG_SCHEMA_LOCK_KEY "7165432117830611"

struct pg_store {
	PGconn *conn;
	char sqlstate[6]; /* of the last failed statement, "" when none */
};

/* ---- errors and retries ---- */

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* libpq's messages span lines and end in a newline: squeeze them onto one line. */
static void one_line(const char *in, char *out, size_t size)
{
	size_t n = 0;
	bool gap = false;
	for (; *in && n + 2 < size; in++) {
		if (*in == ' ' || *in == '\n' || *in == '\t' || *in == '\r') {
			gap = n > 0;
			continue;
		}
		if (gap)
			out[n++] = ' ';
		gap = false;
		out[n++] = *in;
	}
	out[n] = '\0';
}

/* Records a failed statement (res may be NULL) with the server's message, keeps its
 * SQLSTATE for pg_run to judge, and frees res. */
static int pg_fail(struct store *s, PGresult *res, const char *what, struct cra_error *err)
{
	struct pg_store *ps = s->backend;
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	snprintf(ps->sqlstate, sizeof ps->sqlstate, "%s", state ? state : "");
	const char *msg = res ? PQresultErrorMessage(res) : "";
	if (!*msg)
		msg = PQerrorMessage(ps->conn);
	char line[CRA_ERROR_MAX / 2];
	one_line(msg, line, sizeof line);
	PQclear(res);
	return cra_fail(err, EX_UNAVAILABLE, "%s: %s: %s", s->description, what,
			*line ? line : "unknown error");
}

/* Whether another try may succeed: the connection dropped (a server restart, the network,
 * an administrator ending our session), or the server picked us as a deadlock or
 * serialisation victim (SQLSTATE class 40). */
static bool pg_retryable(const struct store *s)
{
	const struct pg_store *ps = s->backend;
	return PQstatus(ps->conn) == CONNECTION_BAD || strncmp(ps->sqlstate, "40", 2) == 0;
}

typedef int (*pg_work)(struct store *s, void *job, struct cra_error *err);

/* One try; a failure leaves the session idle (rolled back) for whatever comes next. */
static int pg_attempt(struct store *s, pg_work work, void *job, struct cra_error *err)
{
	struct pg_store *ps = s->backend;
	ps->sqlstate[0] = '\0';
	int r = work(s, job, err);
	if (r && PQstatus(ps->conn) == CONNECTION_OK &&
	    PQtransactionStatus(ps->conn) != PQTRANS_IDLE)
		PQclear(PQexec(ps->conn, "ROLLBACK"));
	return r;
}

/* Runs an atomic, idempotent piece of work, resetting the connection and trying again when
 * it was lost.  Only database failures (69) are retried, never data errors. */
static int pg_run(struct store *s, pg_work work, void *job, struct cra_error *err)
{
	struct pg_store *ps = s->backend;
	int r = pg_attempt(s, work, job, err);
	for (int retry = 0; r == EX_UNAVAILABLE && pg_retryable(s) && retry < PG_RETRIES; retry++) {
		sleep_ms((long)PG_BACKOFF_MS << retry);
		if (PQstatus(ps->conn) == CONNECTION_BAD) {
			PQreset(ps->conn);
			if (PQstatus(ps->conn) != CONNECTION_OK) {
				r = pg_fail(s, NULL, "connection lost, reconnecting failed", err);
				continue;
			}
		}
		r = pg_attempt(s, work, job, err);
	}
	return r;
}

/* Runs one statement with text parameters; returns its result, or NULL after recording the
 * failure.  binary asks for results in binary (exact doubles, no parsing). */
static PGresult *pg_exec(struct store *s, const char *sql, int nparams, const char *const *params,
			 int binary, const char *what, struct cra_error *err)
{
	struct pg_store *ps = s->backend;
	PGresult *res = PQexecParams(ps->conn, sql, nparams, NULL, params, NULL, NULL, binary);
	ExecStatusType st = PQresultStatus(res);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return res;
	pg_fail(s, res, what, err);
	return NULL;
}

/* A statement whose result does not matter, only its success. */
static int pg_command(struct store *s, const char *sql, int nparams, const char *const *params,
		      const char *what, struct cra_error *err)
{
	PGresult *res = pg_exec(s, sql, nparams, params, 0, what, err);
	PQclear(res);
	return res ? 0 : EX_UNAVAILABLE;
}

/* ---- binary values (network byte order) ---- */

static int64_t get_int64(const PGresult *res, int row, int col)
{
	uint64_t be;
	memcpy(&be, PQgetvalue(res, row, col), sizeof be);
	return (int64_t)be64toh(be);
}

static int32_t get_int32(const PGresult *res, int row, int col)
{
	uint32_t be;
	memcpy(&be, PQgetvalue(res, row, col), sizeof be);
	return (int32_t)be32toh(be);
}

static double get_double(const PGresult *res, int row, int col)
{
	uint64_t bits = (uint64_t)get_int64(res, row, col);
	double v;
	memcpy(&v, &bits, sizeof v);
	return v;
}

/* close_time and trades are bigint columns; the other values are double precision. */
static bool field_is_integer(int f) { return f == CF_CLOSE_TIME || f == CF_TRADES; }

/* ---- schema ---- */

static const char candles_table_sql[] =
	"CREATE TABLE IF NOT EXISTS candles ("
	" symbol text NOT NULL, \"interval\" text NOT NULL, open_time bigint NOT NULL,"
	" open double precision NOT NULL, high double precision NOT NULL,"
	" low double precision NOT NULL, close double precision NOT NULL,"
	" volume double precision NOT NULL,"
	" close_time bigint, quote_volume double precision, trades bigint,"
	" taker_buy_base double precision, taker_buy_quote double precision,"
	" PRIMARY KEY (symbol, \"interval\", open_time))";

static const char series_table_sql[] =
	"CREATE TABLE IF NOT EXISTS series_columns ("
	" symbol text NOT NULL, \"interval\" text NOT NULL, optional_mask integer NOT NULL,"
	" PRIMARY KEY (symbol, \"interval\"))";

/* Candles written before series_columns existed: their columns are those holding values.
 * (<< and | have equal precedence in SQL: hence the parentheses.) */
_Static_assert(CF_CLOSE_TIME == 5 && CF_QUOTE_VOLUME == 6 && CF_TRADES == 7 &&
		       CF_TAKER_BUY_BASE == 8 && CF_TAKER_BUY_QUOTE == 9,
	       "the masks in series_backfill_sql follow enum candle_field");
static const char series_backfill_sql[] =
	"INSERT INTO series_columns (symbol, \"interval\", optional_mask)"
	" SELECT symbol, \"interval\","
	"  (bool_or(close_time IS NOT NULL)::int << 5) | (bool_or(quote_volume IS NOT NULL)::int << 6)"
	"  | (bool_or(trades IS NOT NULL)::int << 7) | (bool_or(taker_buy_base IS NOT NULL)::int << 8)"
	"  | (bool_or(taker_buy_quote IS NOT NULL)::int << 9)"
	" FROM candles GROUP BY symbol, \"interval\" ON CONFLICT DO NOTHING";

/* Whether a one-row, one-column text result says true. */
static bool result_true(const PGresult *res)
{
	return PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
}

/* Creates the tables when missing.  Usually they exist and one SELECT says so (a user who may
 * not create tables can still use the store); otherwise the creation runs under an advisory
 * lock, because two CREATE TABLE IF NOT EXISTS racing can both try to create the table. */
static int pg_create_schema(struct store *s, void *unused, struct cra_error *err)
{
	(void)unused;
	const char *what = "creating the tables";
	PGresult *res = pg_exec(s,
				"SELECT to_regclass('candles') IS NOT NULL"
				" AND to_regclass('series_columns') IS NOT NULL",
				0, NULL, 0, what, err);
	if (!res)
		return EX_UNAVAILABLE;
	bool ready = result_true(res);
	PQclear(res);
	if (ready)
		return 0;
	const char *key[] = { PG_SCHEMA_LOCK_KEY };
	if (pg_command(s, "BEGIN ISOLATION LEVEL READ COMMITTED", 0, NULL, what, err) ||
	    pg_command(s, "SELECT pg_advisory_xact_lock($1::bigint)", 1, key, what, err))
		return EX_UNAVAILABLE;
	if (!(res = pg_exec(s, "SELECT to_regclass('series_columns') IS NULL", 0, NULL, 0, what,
			    err)))
		return EX_UNAVAILABLE;
	bool backfill = result_true(res);
	PQclear(res);
	if (pg_command(s, candles_table_sql, 0, NULL, what, err) ||
	    pg_command(s, series_table_sql, 0, NULL, what, err) ||
	    (backfill && pg_command(s, series_backfill_sql, 0, NULL, what, err)) ||
	    pg_command(s, "COMMIT", 0, NULL, what, err))
		return EX_UNAVAILABLE;
	return 0;
}

/* ---- load ---- */

struct load_job {
	const char *symbol;
	const struct interval *iv;
	int64_t from, to;
	struct candles *out;
	bool *exists;
};

/* One statement, hence one snapshot, reads the column mask and the rows together; the LEFT
 * JOIN gives one row of NULLs for a series that exists but has no candles in [from, to). */
static const char load_sql[] =
	"SELECT sc.optional_mask::int4, c.open_time::int8,"
	" c.open::float8, c.high::float8, c.low::float8, c.close::float8, c.volume::float8,"
	" c.close_time::int8, c.quote_volume::float8, c.trades::int8,"
	" c.taker_buy_base::float8, c.taker_buy_quote::float8"
	" FROM series_columns sc LEFT JOIN candles c"
	" ON c.symbol = sc.symbol AND c.\"interval\" = sc.\"interval\""
	" AND c.open_time >= $3::int8 AND c.open_time < $4::int8"
	" WHERE sc.symbol = $1 AND sc.\"interval\" = $2"
	" ORDER BY c.open_time";

static int pg_load_once(struct store *s, void *arg, struct cra_error *err)
{
	struct load_job *job = arg;
	char from[NUMBER_BUF], to[NUMBER_BUF], what[64];
	number_format_int64(job->from, from);
	number_format_int64(job->to, to);
	snprintf(what, sizeof what, "reading %s %s", job->symbol, job->iv->name);
	const char *params[] = { job->symbol, job->iv->name, from, to };
	struct candles *out = job->out;
	candles_clear(out);
	PGresult *res = pg_exec(s, load_sql, 4, params, 1, what, err);
	if (!res)
		return EX_UNAVAILABLE;
	int rows = PQntuples(res);
	*job->exists = rows > 0;
	if (rows == 1 && PQgetisnull(res, 0, 1))
		rows = 0; /* the series exists, but not one candle in range */
	if (*job->exists)
		out->optional_mask = (unsigned)get_int32(res, 0, 0) & CANDLE_OPTIONAL_ALL;
	if (candles_reserve(out, (size_t)rows)) {
		PQclear(res);
		return cra_fail(err, EX_OSERR, "out of memory");
	}
	for (int i = 0; i < rows; i++) {
		out->open_time[i] = get_int64(res, i, 1);
		for (int f = 0; f < CANDLE_NFIELDS; f++) {
			int col = f + 2;
			bool absent = f >= CANDLE_NREQUIRED && !(out->optional_mask & (1u << f));
			if (absent || PQgetisnull(res, i, col))
				out->v[f][i] = NAN;
			else
				out->v[f][i] = field_is_integer(f) ? (double)get_int64(res, i, col)
								   : get_double(res, i, col);
		}
	}
	out->n = (size_t)rows;
	PQclear(res);
	return 0;
}

static int pg_load(struct store *s, const char *symbol, const struct interval *iv, int64_t from,
		   int64_t to, struct candles *out, bool *exists, struct cra_error *err)
{
	struct load_job job = { symbol, iv, from, to, out, exists };
	return pg_run(s, pg_load_once, &job, err);
}

/* ---- merge ---- */

struct merge_job {
	const char *symbol;
	const struct interval *iv;
	const struct candles *add;
	struct merge_stats *stats;
	char what[64];
};

/* Taking the series' row (created or widened to the union of columns, as candles_merge
 * does) locks it until commit: concurrent merges into one series run one after the other. */
static const char series_upsert_sql[] =
	"INSERT INTO series_columns (symbol, \"interval\", optional_mask)"
	" VALUES ($1, $2, $3::int)"
	" ON CONFLICT (symbol, \"interval\")"
	" DO UPDATE SET optional_mask = series_columns.optional_mask | EXCLUDED.optional_mask";

static const char staging_sql[] =
	"CREATE TEMP TABLE cra_staging ("
	" open_time bigint NOT NULL, open double precision NOT NULL,"
	" high double precision NOT NULL, low double precision NOT NULL,"
	" close double precision NOT NULL, volume double precision NOT NULL,"
	" close_time bigint, quote_volume double precision, trades bigint,"
	" taker_buy_base double precision, taker_buy_quote double precision) ON COMMIT DROP";

/* The rules of candles_merge for rows already stored: a value differs when both sides have
 * one and they are unequal (conflict: the stored row stays); a row is enriched when it gains
 * a value it lacked and nothing differs; otherwise it is present.  coalesce turns the NULL
 * of comparisons with a missing value into "no difference". */
static const char count_sql[] =
	"SELECT count(*) FILTER (WHERE NOT differs AND NOT enriches)::int8,"
	" count(*) FILTER (WHERE differs)::int8,"
	" count(*) FILTER (WHERE NOT differs AND enriches)::int8"
	" FROM (SELECT coalesce(c.open <> s.open OR c.high <> s.high OR c.low <> s.low"
	"  OR c.close <> s.close OR c.volume <> s.volume OR c.close_time <> s.close_time"
	"  OR c.quote_volume <> s.quote_volume OR c.trades <> s.trades"
	"  OR c.taker_buy_base <> s.taker_buy_base OR c.taker_buy_quote <> s.taker_buy_quote,"
	"  false) AS differs,"
	"  (c.close_time IS NULL AND s.close_time IS NOT NULL)"
	"  OR (c.quote_volume IS NULL AND s.quote_volume IS NOT NULL)"
	"  OR (c.trades IS NULL AND s.trades IS NOT NULL)"
	"  OR (c.taker_buy_base IS NULL AND s.taker_buy_base IS NOT NULL)"
	"  OR (c.taker_buy_quote IS NULL AND s.taker_buy_quote IS NOT NULL) AS enriches"
	"  FROM candles c JOIN cra_staging s ON c.open_time = s.open_time"
	"  WHERE c.symbol = $1 AND c.\"interval\" = $2) m";

/* Stored rows gain the values they lack (conflicting rows too, as in candles_merge); a
 * stored value is never replaced. */
static const char enrich_sql[] =
	"UPDATE candles c SET close_time = coalesce(c.close_time, s.close_time),"
	" quote_volume = coalesce(c.quote_volume, s.quote_volume),"
	" trades = coalesce(c.trades, s.trades),"
	" taker_buy_base = coalesce(c.taker_buy_base, s.taker_buy_base),"
	" taker_buy_quote = coalesce(c.taker_buy_quote, s.taker_buy_quote)"
	" FROM cra_staging s"
	" WHERE c.symbol = $1 AND c.\"interval\" = $2 AND c.open_time = s.open_time"
	" AND ((c.close_time IS NULL AND s.close_time IS NOT NULL)"
	"  OR (c.quote_volume IS NULL AND s.quote_volume IS NOT NULL)"
	"  OR (c.trades IS NULL AND s.trades IS NOT NULL)"
	"  OR (c.taker_buy_base IS NULL AND s.taker_buy_base IS NOT NULL)"
	"  OR (c.taker_buy_quote IS NULL AND s.taker_buy_quote IS NOT NULL))";

static const char insert_sql[] =
	"INSERT INTO candles (symbol, \"interval\", open_time, open, high, low, close, volume,"
	" close_time, quote_volume, trades, taker_buy_base, taker_buy_quote)"
	" SELECT $1::text, $2::text, open_time, open, high, low, close, volume,"
	" close_time, quote_volume, trades, taker_buy_base, taker_buy_quote FROM cra_staging"
	" ON CONFLICT DO NOTHING";

/* Longest COPY line: open_time and ten values, each with its separator. */
#define COPY_ROW_MAX ((CANDLE_NFIELDS + 1) * (NUMBER_BUF + 1))

/* One candle as a line of COPY's text format: tab-separated, \N for a missing value. */
static size_t format_copy_row(const struct candles *c, size_t i, char *out)
{
	char *p = out;
	p += number_format_int64(c->open_time[i], p);
	for (int f = 0; f < CANDLE_NFIELDS; f++) {
		double v = c->v[f][i];
		*p++ = '\t';
		if (f >= CANDLE_NREQUIRED && (!(c->optional_mask & (1u << f)) || isnan(v))) {
			memcpy(p, "\\N", 2);
			p += 2;
		} else if (field_is_integer(f)) {
			p += number_format_int64((int64_t)v, p);
		} else {
			p += number_format_double(v, p);
		}
	}
	*p++ = '\n';
	return (size_t)(p - out);
}

/* Ends a COPY FROM STDIN (with an error message, the server discards it) and collects its
 * outcome. */
static int copy_end(struct store *s, const char *abort_why, const char *what,
		    struct cra_error *err)
{
	struct pg_store *ps = s->backend;
	bool ended = PQputCopyEnd(ps->conn, abort_why) == 1;
	int r = 0;
	PGresult *res;
	while ((res = PQgetResult(ps->conn))) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && !r)
			r = pg_fail(s, res, what, err);
		else
			PQclear(res);
	}
	if (!ended && !r)
		r = pg_fail(s, NULL, what, err);
	return r;
}

/* Streams the candles into cra_staging with COPY FROM STDIN, 64 KiB at a time. */
static int copy_candles(struct store *s, const struct candles *add, const char *what,
			struct cra_error *err)
{
	struct pg_store *ps = s->backend;
	PGresult *res = PQexec(ps->conn, "COPY cra_staging FROM STDIN");
	if (PQresultStatus(res) != PGRES_COPY_IN)
		return pg_fail(s, res, what, err);
	PQclear(res);
	enum { BUF_SIZE = 1 << 16 };
	char *buf = malloc(BUF_SIZE);
	if (!buf) {
		copy_end(s, "out of memory", what, err);
		return cra_fail(err, EX_OSERR, "out of memory");
	}
	size_t len = 0;
	bool sent = true;
	for (size_t i = 0; i < add->n && sent; i++) {
		len += format_copy_row(add, i, buf + len);
		if (len > BUF_SIZE - COPY_ROW_MAX || i + 1 == add->n) {
			sent = PQputCopyData(ps->conn, buf, (int)len) == 1;
			len = 0;
		}
	}
	free(buf);
	return copy_end(s, sent ? NULL : "craipto could not send the data", what, err);
}

/* A single count from a result in binary format, as size_t. */
static size_t get_count(const PGresult *res, int col) { return (size_t)get_int64(res, 0, col); }

static int pg_merge_once(struct store *s, void *arg, struct cra_error *err)
{
	struct merge_job *job = arg;
	const struct candles *add = job->add;
	char mask[NUMBER_BUF];
	number_format_int64(add->optional_mask & CANDLE_OPTIONAL_ALL, mask);
	const char *params[] = { job->symbol, job->iv->name, mask };
	const char *what = job->what;
	struct merge_stats st = { 0 };
	/* READ COMMITTED whatever the server's default: once we hold the series' row, each
	 * statement's fresh snapshot sees everything committed by the merges before ours. */
	if (pg_command(s, "BEGIN ISOLATION LEVEL READ COMMITTED", 0, NULL, what, err) ||
	    pg_command(s, series_upsert_sql, 3, params, what, err))
		return EX_UNAVAILABLE;
	if (add->n) {
		int r;
		if (pg_command(s, staging_sql, 0, NULL, what, err))
			return EX_UNAVAILABLE;
		if ((r = copy_candles(s, add, what, err)))
			return r;
		PGresult *res = pg_exec(s, count_sql, 2, params, 1, what, err);
		if (!res)
			return EX_UNAVAILABLE;
		st.present = get_count(res, 0);
		st.conflicts = get_count(res, 1);
		st.enriched = get_count(res, 2);
		PQclear(res);
		if (pg_command(s, enrich_sql, 2, params, what, err) ||
		    !(res = pg_exec(s, insert_sql, 2, params, 0, what, err)))
			return EX_UNAVAILABLE;
		int64_t added = 0;
		const char *tuples = PQcmdTuples(res);
		number_parse_int64(tuples, strlen(tuples), &added);
		st.added = (size_t)added;
		PQclear(res);
	}
	if (pg_command(s, "COMMIT", 0, NULL, what, err))
		return EX_UNAVAILABLE;
	*job->stats = st;
	return 0;
}

/* close_time and trades are stored as bigint: their values must be whole and in range, or
 * they would not come back as written.  Checked before anything is sent. */
static int check_integer_fields(const char *symbol, const struct interval *iv,
				const struct candles *c, struct cra_error *err)
{
	for (int f = CANDLE_NREQUIRED; f < CANDLE_NFIELDS; f++) {
		if (!field_is_integer(f) || !(c->optional_mask & (1u << f)))
			continue;
		for (size_t i = 0; i < c->n; i++) {
			double v = c->v[f][i];
			if (isnan(v) || (v == trunc(v) && v >= -0x1p63 && v < 0x1p63))
				continue;
			char when[TIME_BUF], text[NUMBER_BUF];
			time_format_iso(c->open_time[i], when);
			number_format_double(v, text);
			return cra_fail(err, EX_DATAERR,
					"%s %s: row %zu (open_time %s): %s %s is not a whole number "
					"(the database stores it as an integer)",
					symbol, iv->name, i + 1, when, candle_field_name[f], text);
		}
	}
	return 0;
}

static int pg_merge(struct store *s, const char *symbol, const struct interval *iv,
		    const struct candles *add, struct merge_stats *stats, struct cra_error *err)
{
	int r = check_integer_fields(symbol, iv, add, err);
	if (r)
		return r;
	struct merge_job job = { symbol, iv, add, stats, "" };
	snprintf(job.what, sizeof job.what, "merging into %s %s", symbol, iv->name);
	return pg_run(s, pg_merge_once, &job, err);
}

/* ---- latest and list ---- */

struct latest_job {
	const char *symbol;
	const struct interval *iv;
	int64_t *open_time;
	bool *exists;
};

static int pg_latest_once(struct store *s, void *arg, struct cra_error *err)
{
	struct latest_job *job = arg;
	char what[64];
	snprintf(what, sizeof what, "reading %s %s", job->symbol, job->iv->name);
	const char *params[] = { job->symbol, job->iv->name };
	PGresult *res = pg_exec(s,
				"SELECT max(open_time)::int8 FROM candles"
				" WHERE symbol = $1 AND \"interval\" = $2",
				2, params, 1, what, err);
	if (!res)
		return EX_UNAVAILABLE;
	*job->exists = PQntuples(res) == 1 && !PQgetisnull(res, 0, 0);
	if (*job->exists)
		*job->open_time = get_int64(res, 0, 0);
	PQclear(res);
	return 0;
}

static int pg_latest(struct store *s, const char *symbol, const struct interval *iv,
		     int64_t *open_time, bool *exists, struct cra_error *err)
{
	bool dummy;
	struct latest_job job = { symbol, iv, open_time, exists ? exists : &dummy };
	return pg_run(s, pg_latest_once, &job, err);
}

struct list_job {
	struct series_info **list;
	size_t *n;
};

static const char list_sql[] =
	"SELECT sc.symbol, sc.\"interval\", n.nrows, n.first_time, n.last_time"
	" FROM series_columns sc, LATERAL (SELECT count(*)::int8 AS nrows,"
	"  coalesce(min(c.open_time), 0)::int8 AS first_time,"
	"  coalesce(max(c.open_time), 0)::int8 AS last_time"
	"  FROM candles c WHERE c.symbol = sc.symbol AND c.\"interval\" = sc.\"interval\") n";

/* A text value of a binary-format result into a fixed buffer; false when it does not fit. */
static bool get_text(const PGresult *res, int row, int col, char *buf, size_t size)
{
	size_t len = (size_t)PQgetlength(res, row, col);
	if (len >= size)
		return false;
	memcpy(buf, PQgetvalue(res, row, col), len);
	buf[len] = '\0';
	return true;
}

static int pg_list_once(struct store *s, void *arg, struct cra_error *err)
{
	struct list_job *job = arg;
	PGresult *res = pg_exec(s, list_sql, 0, NULL, 1, "listing the series", err);
	if (!res)
		return EX_UNAVAILABLE;
	int rows = PQntuples(res);
	struct series_info *list = calloc(rows ? (size_t)rows : 1, sizeof *list);
	if (!list) {
		PQclear(res);
		return cra_fail(err, EX_OSERR, "out of memory");
	}
	size_t n = 0;
	for (int i = 0; i < rows; i++) {
		struct series_info *info = &list[n];
		struct interval iv;
		/* Skip rows that are not ours to read (written by hand with other names). */
		if (!get_text(res, i, 0, info->symbol, sizeof info->symbol) ||
		    !get_text(res, i, 1, info->interval, sizeof info->interval) ||
		    !symbol_valid(info->symbol) || interval_parse(info->interval, &iv))
			continue;
		info->rows = (size_t)get_int64(res, i, 2);
		info->first = get_int64(res, i, 3);
		info->last = get_int64(res, i, 4);
		n++;
	}
	PQclear(res);
	series_info_sort(list, n);
	*job->list = list;
	*job->n = n;
	return 0;
}

static int pg_list(struct store *s, struct series_info **list, size_t *n, struct cra_error *err)
{
	*list = NULL;
	*n = 0;
	struct list_job job = { list, n };
	return pg_run(s, pg_list_once, &job, err);
}

/* ---- opening and closing ---- */

static void pg_close(struct store *s)
{
	struct pg_store *ps = s->backend;
	PQfinish(ps->conn);
	free(ps);
}

static const struct store_ops pg_ops = {
	.load = pg_load,
	.merge = pg_merge,
	.latest = pg_latest,
	.list = pg_list,
	.close = pg_close,
};

/* The library never prints: notices ("relation already exists, skipping") are dropped. */
static void ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* Connection parameters before the URI's own can be overridden by it; the URI (or a plain
 * database name, or key=value pairs) is expanded in place of dbname. */
static PGconn *pg_connect(const char *uri)
{
	const char *const keys[] = { "connect_timeout", "fallback_application_name", "dbname",
				     NULL };
	const char *const values[] = { PG_CONNECT_TIMEOUT, "craipto", uri, NULL };
	return PQconnectdbParams(keys, values, 1);
}

/* "PostgreSQL host:port/dbname": what libpq resolved, which never includes a password. */
static void describe(struct store *s, const PGconn *conn)
{
	const char *host = PQhost(conn), *port = PQport(conn), *db = PQdb(conn);
	snprintf(s->description, sizeof s->description, "PostgreSQL %s:%s/%s",
		 host && *host ? host : "localhost", port && *port ? port : "5432", db ? db : "");
}

/* A URI or key=value string that libpq cannot parse is a usage error, not an outage. */
static int check_uri(const char *uri, struct cra_error *err)
{
	if (!strstr(uri, "://") && !strchr(uri, '='))
		return 0; /* a plain database name */
	char *why = NULL;
	PQconninfoOption *options = PQconninfoParse(uri, &why);
	if (options) {
		PQconninfoFree(options);
		return 0;
	}
	char line[CRA_ERROR_MAX / 2];
	one_line(why ? why : "out of memory", line, sizeof line);
	PQfreemem(why);
	return cra_fail(err, EX_USAGE, "invalid database URI: %s", line);
}

int store_pg_open(struct store *s, const char *uri, struct cra_error *err)
{
	int r = check_uri(uri, err);
	if (r)
		return r;
	struct pg_store *ps = calloc(1, sizeof *ps);
	if (!ps)
		return cra_fail(err, EX_OSERR, "out of memory");
	s->backend = ps;
	for (int attempt = 0;; attempt++) {
		if (!(ps->conn = pg_connect(uri))) {
			free(ps);
			return cra_fail(err, EX_OSERR, "out of memory");
		}
		describe(s, ps->conn);
		if (PQstatus(ps->conn) == CONNECTION_OK)
			break;
		if (attempt + 1 == PG_CONNECT_TRIES) {
			r = pg_fail(s, NULL, "cannot connect", err);
			pg_close(s);
			return r;
		}
		PQfinish(ps->conn);
		sleep_ms((long)PG_BACKOFF_MS << attempt);
	}
	PQsetNoticeProcessor(ps->conn, ignore_notice, NULL);
	s->ops = &pg_ops;
	if ((r = pg_run(s, pg_create_schema, NULL, err))) {
		pg_close(s);
		return r;
	}
	return 0;
}
