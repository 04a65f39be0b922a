/* bundle.c - reading and writing model bundles; see bundle.h. */
#include "bundle.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "interval.h"
#include "sha256.h"
#include "symbol.h"
#include "version.h"

#define MAGIC "craipto-model"

void bundle_init(struct bundle *b)
{
	b->meta = json_object();
	b->payload = NULL;
	b->npayloads = 0;
}

void bundle_free(struct bundle *b)
{
	json_decref(b->meta);
	for (size_t i = 0; i < b->npayloads; i++) {
		free(b->payload[i].name);
		free(b->payload[i].data);
	}
	free(b->payload);
	b->meta = NULL;
	b->payload = NULL;
	b->npayloads = 0;
}

int bundle_add_payload(struct bundle *b, const char *name, const void *data, size_t len,
		       struct cra_error *err)
{
	struct bundle_payload *p = realloc(b->payload, (b->npayloads + 1) * sizeof *p);
	if (!p)
		return cra_fail(err, EX_OSERR, "out of memory");
	b->payload = p;
	p = &b->payload[b->npayloads];
	p->name = strdup(name);
	p->data = malloc(len ? len : 1);
	p->len = len;
	if (!p->name || !p->data) {
		free(p->name);
		free(p->data);
		return cra_fail(err, EX_OSERR, "out of memory");
	}
	memcpy(p->data, data, len);
	b->npayloads++;
	return 0;
}

const struct bundle_payload *bundle_find_payload(const struct bundle *b, const char *name)
{
	for (size_t i = 0; i < b->npayloads; i++)
		if (!strcmp(b->payload[i].name, name))
			return &b->payload[i];
	return NULL;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int bundle_save(const struct bundle *b, const char *path, struct cra_error *err)
{
	/* The metadata records the payloads' names and lengths, in file order. */
	json_t *meta = json_deep_copy(b->meta), *list = json_array();
	for (size_t i = 0; i < b->npayloads; i++)
		json_array_append_new(list, json_pack("{s:s, s:I}", "name", b->payload[i].name,
						       "length", (json_int_t)b->payload[i].len));
	json_object_set_new(meta, "format", json_integer(BUNDLE_FORMAT));
	json_object_set_new(meta, "payloads", list);
	char *text = json_dumps(meta, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
	json_decref(meta);
	if (!text)
		return cra_fail(err, EX_SOFTWARE, "%s: cannot encode the model's metadata", path);

	struct sha256 h;
	unsigned char digest[32];
	char hex[SHA256_HEX];
	sha256_init(&h);
	sha256_update(&h, text, strlen(text));
	sha256_update(&h, "\n", 1);
	for (size_t i = 0; i < b->npayloads; i++)
		sha256_update(&h, b->payload[i].data, b->payload[i].len);
	sha256_final(&h, digest);
	sha256_digest_hex(digest, hex);

	struct atomic_file af;
	int r = atomic_file_open(&af, path, err);
	if (r) {
		free(text);
		return r;
	}
	char first[128];
	int n = snprintf(first, sizeof first, MAGIC " %d %s\n", BUNDLE_FORMAT, hex);
	bool ok = write_all(af.fd, first, (size_t)n) == 0 && write_all(af.fd, text, strlen(text)) == 0 &&
		  write_all(af.fd, "\n", 1) == 0;
	for (size_t i = 0; ok && i < b->npayloads; i++)
		ok = write_all(af.fd, b->payload[i].data, b->payload[i].len) == 0;
	free(text);
	if (!ok) {
		int e = errno;
		atomic_file_abort(&af);
		return cra_fail(err, EX_IOERR, "%s: write error: %s", path, strerror(e));
	}
	return atomic_file_commit(&af, err);
}

static int read_file(const char *path, unsigned char **data, size_t *len, struct cra_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return cra_fail(err, EX_NOINPUT, "%s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		return cra_fail(err, EX_NOINPUT, "%s: not a regular file", path);
	}
	*len = (size_t)st.st_size;
	*data = malloc(*len + 1);
	if (!*data) {
		fclose(f);
		return cra_fail(err, EX_OSERR, "out of memory");
	}
	size_t got = fread(*data, 1, *len, f);
	fclose(f);
	if (got != *len) {
		free(*data);
		return cra_fail(err, EX_IOERR, "%s: read error", path);
	}
	(*data)[*len] = '\0';
	return 0;
}

/* The payload bytes the metadata's list names, or -1 when a length is not a whole number
 * >= 0 or they add up past any file: lengths that wrap round (5 and -5) must not pass for the
 * bytes there are. */
static int64_t payload_bytes(const json_t *list)
{
	int64_t need = 0;
	size_t i;
	const json_t *item;
	json_array_foreach(list, i, item) {
		const json_t *len = json_object_get(item, "length");
		if (!json_is_integer(len) || json_integer_value(len) < 0 ||
		    json_integer_value(len) > INT64_MAX - need)
			return -1;
		need += json_integer_value(len);
	}
	return need;
}

int bundle_load(struct bundle *b, const char *path, struct cra_error *err)
{
	b->meta = NULL;
	b->payload = NULL;
	b->npayloads = 0;
	unsigned char *data = NULL;
	size_t len = 0;
	int r = read_file(path, &data, &len, err);
	if (r)
		return r;
	char *text = (char *)data, *nl = memchr(text, '\n', len);
	int format = 0;
	char hex[SHA256_HEX] = "", want[SHA256_HEX];
	if (!nl || strncmp(text, MAGIC " ", strlen(MAGIC) + 1) ||
	    sscanf(text + strlen(MAGIC), " %d %64[0-9a-f]", &format, hex) != 2 || strlen(hex) != 64) {
		free(data);
		return cra_fail(err, EX_DATAERR, "%s: not a craipto model bundle", path);
	}
	if (format > BUNDLE_FORMAT) {
		free(data);
		return cra_fail(err, EX_DATAERR,
				"%s: bundle format %d is newer than this craipto (%s) reads (%d): "
				"upgrade craipto", path, format, CRA_VERSION, BUNDLE_FORMAT);
	}
	char *body = nl + 1;
	size_t body_len = len - (size_t)(body - text);
	sha256_hex(body, body_len, want);
	char *meta_end = memchr(body, '\n', body_len);
	json_error_t jerr;
	json_t *meta = meta_end ? json_loadb(body, (size_t)(meta_end - body), 0, &jerr) : NULL;
	json_t *list = meta ? json_object_get(meta, "payloads") : NULL;
	int64_t need = payload_bytes(list);
	size_t have = meta_end ? body_len - (size_t)(meta_end + 1 - body) : 0, i;
	json_t *item;
	if (meta && json_is_array(list) && need < 0) {
		json_decref(meta);
		free(data);
		return cra_fail(err, EX_DATAERR, "%s: malformed payload list", path);
	}
	if (meta && json_is_array(list) && have < (size_t)need) {
		json_decref(meta);
		free(data);
		return cra_fail(err, EX_DATAERR, "%s: truncated: %zu payload bytes of %zu", path, have, need);
	}
	if (strcmp(want, hex) || !meta || !json_is_array(list) || have != (size_t)need) {
		json_decref(meta);
		free(data);
		return cra_fail(err, EX_DATAERR, "%s: corrupted (checksum mismatch): the bundle was "
				"changed or damaged after it was written", path);
	}
	b->meta = meta;
	const unsigned char *p = (const unsigned char *)meta_end + 1;
	json_array_foreach(list, i, item) {
		const char *name = json_string_value(json_object_get(item, "name"));
		size_t plen = (size_t)json_integer_value(json_object_get(item, "length"));
		if (!name || bundle_add_payload(b, name, p, plen, err)) {
			bundle_free(b);
			free(data);
			return cra_fail(err, EX_DATAERR, "%s: malformed payload list", path);
		}
		p += plen;
	}
	json_object_del(b->meta, "payloads");
	json_object_del(b->meta, "format");
	free(data);
	return 0;
}

int bundle_set_info(struct bundle *b, const struct model_info *info, struct cra_error *err)
{
	json_t *h = json_array();
	for (int i = 0; i < info->nhorizons; i++)
		json_array_append_new(h, json_integer(info->horizons[i]));
	json_t *o = json_pack(
		"{s:s, s:s, s:s, s:s, s:i, s:o, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:s, s:s}",
		"kind", info->kind, "task", info->task, "features", info->features, "targets",
		info->targets, "window", info->window, "horizons", h, "symbol", info->symbol,
		"interval", info->interval, "train_from", (json_int_t)info->train_from, "train_to",
		(json_int_t)info->train_to, "valid_from", (json_int_t)info->valid_from, "valid_to",
		(json_int_t)info->valid_to, "rows", (json_int_t)info->rows, "data_sha256",
		info->data_sha256, "library_version", CRA_VERSION);
	if (!o)
		return cra_fail(err, EX_SOFTWARE, "cannot encode the model's description");
	json_object_update(b->meta, o);
	json_decref(o);
	return 0;
}

static int get_string(json_t *meta, const char *path, const char *key, char *out, size_t size,
		      struct cra_error *err)
{
	const char *s = json_string_value(json_object_get(meta, key));
	if (!s || strlen(s) >= size)
		return cra_fail(err, EX_DATAERR, "%s: the bundle's '%s' is missing or malformed", path, key);
	strcpy(out, s);
	return 0;
}

static int get_int(json_t *meta, const char *path, const char *key, int64_t *out,
		   struct cra_error *err)
{
	json_t *v = json_object_get(meta, key);
	if (!json_is_integer(v))
		return cra_fail(err, EX_DATAERR, "%s: the bundle's '%s' is missing or malformed", path, key);
	*out = json_integer_value(v);
	return 0;
}

int bundle_get_info(const struct bundle *b, const char *path, struct model_info *info,
		    struct cra_error *err)
{
	memset(info, 0, sizeof *info);
	json_t *m = b->meta;
	int64_t window = 0;
	int r;
	if ((r = get_string(m, path, "kind", info->kind, sizeof info->kind, err)) ||
	    (r = get_string(m, path, "task", info->task, sizeof info->task, err)) ||
	    (r = get_string(m, path, "features", info->features, sizeof info->features, err)) ||
	    (r = get_string(m, path, "targets", info->targets, sizeof info->targets, err)) ||
	    (r = get_string(m, path, "symbol", info->symbol, sizeof info->symbol, err)) ||
	    (r = get_string(m, path, "interval", info->interval, sizeof info->interval, err)) ||
	    (r = get_string(m, path, "data_sha256", info->data_sha256, sizeof info->data_sha256, err)) ||
	    (r = get_string(m, path, "library_version", info->library_version,
			    sizeof info->library_version, err)) ||
	    (r = get_int(m, path, "window", &window, err)) ||
	    (r = get_int(m, path, "train_from", &info->train_from, err)) ||
	    (r = get_int(m, path, "train_to", &info->train_to, err)) ||
	    (r = get_int(m, path, "valid_from", &info->valid_from, err)) ||
	    (r = get_int(m, path, "valid_to", &info->valid_to, err)) ||
	    (r = get_int(m, path, "rows", &info->rows, err)))
		return r;
	info->window = (int)window;
	/* The series is checked here, as a bundle's own fault (65): it goes on to name the
	 * store's files and SQL rows, and there an invalid one would read as a usage error. */
	struct interval iv;
	if (!symbol_valid(info->symbol))
		return cra_fail(err, EX_DATAERR, "%s: the bundle's 'symbol' is missing or malformed", path);
	if (interval_parse(info->interval, &iv))
		return cra_fail(err, EX_DATAERR, "%s: the bundle's 'interval' is missing or malformed",
				path);
	json_t *h = json_object_get(m, "horizons");
	if (!json_is_array(h) || json_array_size(h) == 0 || json_array_size(h) > BUNDLE_MAX_HORIZONS)
		return cra_fail(err, EX_DATAERR, "%s: the bundle's 'horizons' is missing or malformed", path);
	for (size_t i = 0; i < json_array_size(h); i++)
		info->horizons[info->nhorizons++] = (int)json_integer_value(json_array_get(h, i));
	return 0;
}

int bundle_check_series(const struct model_info *info, const char *path, const char *symbol,
			const char *interval, struct cra_error *err)
{
	if (strcmp(info->symbol, symbol) || strcmp(info->interval, interval))
		return cra_fail(err, EX_DATAERR,
				"%s: this model was trained on %s %s, not %s %s", path, info->symbol,
				info->interval, symbol, interval);
	return 0;
}

int bundle_default_path(const char *symbol, const char *interval, const char *kind, char *buf,
			size_t size, struct cra_error *err)
{
	const char *dir = getenv("CRA_MODELS");
	if (!dir || !*dir)
		dir = "./models";
	struct stat st;
	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		return cra_fail(err, EX_CANTCREAT, "%s: cannot create the models directory: %s", dir,
				strerror(errno));
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return cra_fail(err, EX_CANTCREAT, "%s: not a directory", dir);
	if ((size_t)snprintf(buf, size, "%s/%s-%s-%s.bundle", dir, symbol, interval, kind) >= size)
		return cra_fail(err, EX_CANTCREAT, "%s: path too long", dir);
	return 0;
}

void candles_sha256(const struct candles *c, size_t from, size_t to, char hex[65])
{
	struct sha256 h;
	unsigned char digest[32];
	sha256_init(&h);
	for (size_t i = from; i < to && i < c->n; i++) {
		unsigned char row[8 * (1 + CANDLE_NREQUIRED)];
		uint64_t bits[1 + CANDLE_NREQUIRED];
		bits[0] = (uint64_t)c->open_time[i];
		for (int f = 0; f < CANDLE_NREQUIRED; f++)
			memcpy(&bits[1 + f], &c->v[f][i], 8);
		for (int k = 0; k < 1 + CANDLE_NREQUIRED; k++) /* little-endian, whatever the host */
			for (int byte = 0; byte < 8; byte++)
				row[8 * k + byte] = (unsigned char)(bits[k] >> (8 * byte));
		sha256_update(&h, row, sizeof row);
	}
	sha256_final(&h, digest);
	sha256_digest_hex(digest, hex);
}
