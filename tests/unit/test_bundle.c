/* Model bundles: round trip, determinism, and every way a file can be damaged. */
#include "bundle.h"
#include "check.h"
#include "sha256.h"
#include "testfiles.h"
#include "version.h"

static struct model_info sample_info(void)
{
	struct model_info in = { 0 };
	strcpy(in.kind, "xgb");
	strcpy(in.task, "return");
	strcpy(in.features, "logret:1,rsi:14");
	strcpy(in.targets, "return:1,return:4");
	in.window = 1;
	in.horizons[0] = 1, in.horizons[1] = 4, in.nhorizons = 2;
	strcpy(in.symbol, "BTCUSDT");
	strcpy(in.interval, "1h");
	in.train_from = 1617566400000LL, in.train_to = 1690000000000LL;
	in.valid_from = 1690003600000LL, in.valid_to = 1703966400000LL;
	in.rows = 19000;
	strcpy(in.data_sha256, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
	return in;
}

static size_t file_size(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 ? (size_t)st.st_size : 0;
}

int main(void)
{
	const char *dir = test_dir("bundle");
	char path[600], path2[600];
	snprintf(path, sizeof path, "%s/m.bundle", dir);
	snprintf(path2, sizeof path2, "%s/m2.bundle", dir);
	struct cra_error err = { 0 };
	struct bundle b, back;
	bundle_init(&b);
	struct model_info in = sample_info(), out;
	CHECK_INT(bundle_set_info(&b, &in, &err), 0);
	json_object_set_new(b.meta, "scaler", json_pack("{s:[f,f]}", "mean", 0.1, 1.0 / 3));
	unsigned char weights[1000];
	for (size_t i = 0; i < sizeof weights; i++)
		weights[i] = (unsigned char)(i * 7);
	CHECK_INT(bundle_add_payload(&b, "h1", weights, sizeof weights, &err), 0);
	CHECK_INT(bundle_add_payload(&b, "h4", "{\"x\":1}\n", 8, &err), 0);
	CHECK_INT(bundle_save(&b, path, &err), 0);
	CHECK_INT(bundle_save(&b, path2, &err), 0);

	/* Same model, same bytes. */
	char cmd[1400];
	snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", path, path2);
	CHECK_INT(system(cmd), 0);

	CHECK_INT(bundle_load(&back, path, &err), 0);
	CHECK_INT(bundle_get_info(&back, path, &out, &err), 0);
	CHECK_STR(out.kind, "xgb");
	CHECK_STR(out.features, "logret:1,rsi:14");
	CHECK_INT(out.nhorizons, 2);
	CHECK_INT(out.horizons[1], 4);
	CHECK_INT(out.valid_to, in.valid_to);
	CHECK_STR(out.library_version, CRA_VERSION);
	json_t *mean = json_object_get(json_object_get(back.meta, "scaler"), "mean");
	CHECK(json_real_value(json_array_get(mean, 1)) == 1.0 / 3); /* exact */
	const struct bundle_payload *p = bundle_find_payload(&back, "h1");
	CHECK(p && p->len == sizeof weights && !memcmp(p->data, weights, sizeof weights));
	CHECK(bundle_find_payload(&back, "h4") && bundle_find_payload(&back, "h4")->len == 8);
	CHECK(bundle_find_payload(&back, "h9") == NULL);
	CHECK_INT(bundle_check_series(&out, path, "BTCUSDT", "1h", &err), 0);
	CHECK_INT(bundle_check_series(&out, path, "ETHUSDT", "1h", &err), EX_DATAERR);
	CHECK(strstr(err.msg, "trained on BTCUSDT 1h, not ETHUSDT 1h"));
	bundle_free(&back);

	/* Damage: a flipped bit anywhere, truncation, garbage, a newer format, a missing file. */
	size_t size = file_size(path);
	FILE *f;
	char damaged[600];
	snprintf(damaged, sizeof damaged, "%s/damaged.bundle", dir);
	unsigned char *bytes = malloc(size);
	f = fopen(path, "rb");
	CHECK(fread(bytes, 1, size, f) == size);
	fclose(f);
	size_t positions[] = { 100, 200, size - 500, size - 1 };
	for (size_t k = 0; k < 4; k++) {
		bytes[positions[k]] ^= 0x10;
		f = fopen(damaged, "wb");
		fwrite(bytes, 1, size, f);
		fclose(f);
		bytes[positions[k]] ^= 0x10;
		CHECK_INT(bundle_load(&back, damaged, &err), EX_DATAERR);
		CHECK(strstr(err.msg, "corrupted") || strstr(err.msg, "not a craipto"));
	}
	f = fopen(damaged, "wb");
	fwrite(bytes, 1, size - 300, f);
	fclose(f);
	CHECK_INT(bundle_load(&back, damaged, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "truncated"));
	f = fopen(damaged, "wb");
	fputs("craipto-model 2 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n", f);
	fclose(f);
	CHECK_INT(bundle_load(&back, damaged, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "format 2 is newer"));
	f = fopen(damaged, "wb");
	fputs("open_time,open\n1,2\n", f);
	fclose(f);
	CHECK_INT(bundle_load(&back, damaged, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "not a craipto model bundle"));
	/* Payload lengths that add up to the bytes there are (none) without being lengths, under
	 * a valid checksum: refused before anything is read past the end of the file (found by
	 * tests/fuzz/fuzz_bundle; AddressSanitizer saw the read). */
	const char *body = "{\"payloads\":[{\"length\":64,\"name\":\"a\"},"
			   "{\"length\":-64,\"name\":\"b\"}]}\n";
	char hex[SHA256_HEX];
	sha256_hex(body, strlen(body), hex);
	f = fopen(damaged, "wb");
	fprintf(f, "craipto-model 1 %s\n%s", hex, body);
	fclose(f);
	CHECK_INT(bundle_load(&back, damaged, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "malformed payload list"));
	CHECK_INT(bundle_load(&back, "/nonexistent.bundle", &err), EX_NOINPUT);
	free(bytes);

	/* The training data hash depends on every value and on nothing else. */
	struct candles c;
	candles_init(&c);
	double row[CANDLE_NFIELDS] = { 10, 12, 9, 11, 1, NAN, NAN, NAN, NAN, NAN };
	candles_push(&c, 1000, row);
	candles_push(&c, 2000, row);
	char h1[65], h2[65];
	candles_sha256(&c, 0, 2, h1);
	c.v[CF_VOLUME][1] = 1.0000000000000002;
	candles_sha256(&c, 0, 2, h2);
	CHECK(strcmp(h1, h2) != 0);
	c.v[CF_VOLUME][1] = 1;
	candles_sha256(&c, 0, 2, h2);
	CHECK_STR(h1, h2);
	candles_free(&c);
	bundle_free(&b);

	/* The default place: $CRA_MODELS, created when missing. */
	char models[600], where[700];
	snprintf(models, sizeof models, "%s/models", dir);
	setenv("CRA_MODELS", models, 1);
	CHECK_INT(bundle_default_path("BTCUSDT", "1h", "xgb", where, sizeof where, &err), 0);
	CHECK_STR(strrchr(where, '/'), "/BTCUSDT-1h-xgb.bundle");
	struct stat st;
	CHECK(stat(models, &st) == 0 && S_ISDIR(st.st_mode));
	CHECK_INT(bundle_default_path("BTCUSDT", "1h", "xgb", where, 20, &err), EX_CANTCREAT);
	setenv("CRA_MODELS", path, 1); /* a file, not a directory */
	CHECK_INT(bundle_default_path("BTCUSDT", "1h", "xgb", where, sizeof where, &err), EX_CANTCREAT);
	CHECK(strstr(err.msg, "not a directory"));
	return check_finish();
}
