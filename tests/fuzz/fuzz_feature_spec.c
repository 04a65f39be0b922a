/* fuzz_feature_spec.c - the feature specification parser (feature_spec.h) from arbitrary text.
 *
 * What parses must have a canonical form that parses to the same specification and formats
 * to the same text again (bundles store and compare that text), and the questions asked of a
 * spec before computing it - columns, their names, lookback, history - must stay in bounds.
 */
#include "feature_spec.h"
#include "fuzz.h"

static void check_spec(const struct feature_spec *spec)
{
	static char text[1 << 16], again[1 << 16];
	size_t len = feature_spec_format(spec, text, sizeof text);
	if (len >= sizeof text) /* longer than any input the fuzzer makes could give */
		return;
	FUZZ_CHECK(strlen(text) == len);
	struct feature_spec back;
	struct cra_error err = { 0 };
	int r = feature_spec_parse(text, &back, &err);
	if (r)
		fprintf(stderr, "canonical '%s' does not parse: %s\n", text, err.msg);
	FUZZ_CHECK(r == 0);
	FUZZ_CHECK(back.n == spec->n && back.lags == spec->lags);
	FUZZ_CHECK(feature_spec_ncols(&back) == feature_spec_ncols(spec));
	feature_spec_format(&back, again, sizeof again);
	FUZZ_CHECK(!strcmp(text, again));

	struct interval iv;
	interval_parse("1h", &iv);
	for (size_t i = 0; i < spec->n; i++) {
		const struct feature_item *item = &spec->item[i];
		for (int j = 0; j < feature_kinds[item->kind].noutputs; j++) {
			char name[FEATURE_NAME_MAX];
			feature_item_column(item, j, name);
			FUZZ_CHECK(strlen(name) < FEATURE_NAME_MAX);
		}
		char one[256];
		FUZZ_CHECK(feature_item_format(item, one, sizeof one) < sizeof one);
		FUZZ_CHECK(feature_item_lookback(item, &iv) <= feature_spec_lookback(spec, &iv));
	}
	FUZZ_CHECK(feature_spec_history(spec, &iv) >= feature_spec_lookback(spec, &iv));
	feature_spec_history(spec, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	struct feature_spec *spec = malloc(sizeof *spec);
	struct cra_error err = { 0 };
	if (feature_spec_parse(text, spec, &err) == 0)
		check_spec(spec);
	else
		FUZZ_CHECK(err.status == EX_USAGE && err.msg[0]);
	/* Names are looked up by length, not NUL: the whole input as one name. */
	int k = feature_kind_find((const char *)data, size);
	FUZZ_CHECK(k >= -1 && k < FEATURE_NKINDS);
	free(spec);
	free(text);
	return 0;
}
