/* options.c - the shared command-line parser; see options.h. */
#include "options.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "diag.h"
#include "timefmt.h"
#include "version.h"

void str_list_push(struct str_list *list, const char *item)
{
	if (list->n == list->cap) {
		list->cap = list->cap ? 2 * list->cap : 8;
		list->items = realloc(list->items, list->cap * sizeof *list->items);
		if (!list->items)
			diag_die(EX_OSERR, "out of memory");
	}
	list->items[list->n++] = item;
}

void str_list_free(struct str_list *list)
{
	free(list->items);
	memset(list, 0, sizeof *list);
}

void str_list_split(struct str_list *list, const char *csv)
{
	const char *p = csv;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len > 0) {
			char *item = strndup(p, len);
			if (!item)
				diag_die(EX_OSERR, "out of memory");
			str_list_push(list, item);
		}
		if (!comma)
			break;
		p = comma + 1;
	}
}

void str_list_free_items(struct str_list *list)
{
	for (size_t i = 0; i < list->n; i++)
		free((char *)list->items[i]);
	str_list_free(list);
}

void opt_usage_error(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s\nTry '%s --help' for more information.\n", diag_program(), msg,
		diag_program());
	exit(EX_USAGE);
}

/* "  -i, --interval INTERVAL": the left column of an option's help line. */
static int option_label(const struct opt *o, char *buf, size_t size)
{
	int n = o->short_name ? snprintf(buf, size, "  -%c, --%s", o->short_name, o->long_name)
			      : snprintf(buf, size, "      --%s", o->long_name);
	if (o->arg && n > 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, " %s", o->arg);
	return n;
}

static void print_help(const struct program_info *info, const struct opt *opts)
{
	printf("usage: %s\n\n%s\n\noptions:\n", info->synopsis, info->description);
	char label[96];
	int width = 20;
	for (const struct opt *o = opts; o->long_name; o++) {
		int n = option_label(o, label, sizeof label);
		if (n > width)
			width = n;
	}
	for (const struct opt *o = opts; o->long_name; o++) {
		option_label(o, label, sizeof label);
		printf("%-*s  %s\n", width, label, o->help ? o->help : "");
	}
	printf("%-*s  %s\n%-*s  %s\n", width, "  -h, --help", "show this help and exit", width,
	       "      --version", "show the version and exit");
	if (info->examples)
		printf("\nexamples:\n%s\n", info->examples);
	printf("\nSee %s(1).\n", info->name);
}

static void store_value(const struct opt *o, const char *shown, const char *value)
{
	char *end;
	switch (o->kind) {
	case OPT_FLAG:
		*(bool *)o->value = true;
		return;
	case OPT_STRING:
		*(const char **)o->value = value;
		return;
	case OPT_LIST:
		str_list_push(o->value, value);
		return;
	case OPT_INT: {
		errno = 0;
		long long v = strtoll(value, &end, 10);
		if (errno || end == value || *end)
			opt_usage_error("%s: expected an integer, got '%s'", shown, value);
		if (o->min < o->max && (v < o->min || v > o->max))
			opt_usage_error("%s: %lld is out of range [%.17g, %.17g]", shown, v, o->min,
					o->max);
		*(long long *)o->value = v;
		return;
	}
	case OPT_DOUBLE: {
		errno = 0;
		double v = strtod(value, &end);
		if (errno || end == value || *end || !isfinite(v))
			opt_usage_error("%s: expected a number, got '%s'", shown, value);
		if (o->min < o->max && (v < o->min || v > o->max))
			opt_usage_error("%s: %g is out of range [%g, %g]", shown, v, o->min, o->max);
		*(double *)o->value = v;
		return;
	}
	}
}

static const struct opt *find_long(const struct opt *opts, const char *name, size_t len)
{
	const struct opt *prefix_match = NULL;
	int prefix_count = 0;
	for (const struct opt *o = opts; o->long_name; o++) {
		if (strlen(o->long_name) == len && !strncmp(o->long_name, name, len))
			return o;
		if (!strncmp(o->long_name, name, len)) {
			prefix_match = o;
			prefix_count++;
		}
	}
	/* Unambiguous prefixes are accepted, as getopt_long does. */
	return prefix_count == 1 ? prefix_match : NULL;
}

static const struct opt *find_short(const struct opt *opts, int c)
{
	for (const struct opt *o = opts; o->long_name; o++)
		if (o->short_name == c)
			return o;
	return NULL;
}

void opt_parse(const struct program_info *info, const struct opt *opts, int argc, char **argv,
	       struct str_list *operands)
{
	bool only_operands = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (only_operands || a[0] != '-' || a[1] == '\0') {
			if (!operands)
				opt_usage_error("unexpected operand '%s'", a);
			str_list_push(operands, a);
			continue;
		}
		if (!strcmp(a, "--")) {
			only_operands = true;
			continue;
		}
		if (a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			if (len == 4 && !strncmp(name, "help", 4)) {
				print_help(info, opts);
				exit(0);
			}
			if (len == 7 && !strncmp(name, "version", 7)) {
				printf("%s (craipto) %s\n", info->name, CRA_VERSION);
				exit(0);
			}
			const struct opt *o = find_long(opts, name, len);
			if (!o)
				opt_usage_error("unknown option '--%.*s'", (int)len, name);
			char shown[80];
			snprintf(shown, sizeof shown, "--%s", o->long_name);
			if (o->kind == OPT_FLAG) {
				if (eq)
					opt_usage_error("%s takes no value", shown);
				store_value(o, shown, NULL);
			} else if (eq) {
				store_value(o, shown, eq + 1);
			} else {
				if (i + 1 >= argc)
					opt_usage_error("%s needs a value (%s)", shown, o->arg ? o->arg : "VALUE");
				store_value(o, shown, argv[++i]);
			}
			continue;
		}
		/* One or more short options: -q, -qv, -i1h, -i 1h. */
		for (const char *p = a + 1; *p; p++) {
			if (*p == 'h') {
				print_help(info, opts);
				exit(0);
			}
			const struct opt *o = find_short(opts, *p);
			if (!o)
				opt_usage_error("unknown option '-%c'", *p);
			char shown[8];
			snprintf(shown, sizeof shown, "-%c", *p);
			if (o->kind == OPT_FLAG) {
				store_value(o, shown, NULL);
				continue;
			}
			if (p[1]) {
				store_value(o, shown, p + 1);
			} else {
				if (i + 1 >= argc)
					opt_usage_error("%s needs a value (%s)", shown, o->arg ? o->arg : "VALUE");
				store_value(o, shown, argv[++i]);
			}
			break;
		}
	}
}

int64_t opt_time(const char *name, const char *text, int64_t none)
{
	int64_t t;
	if (!text)
		return none;
	if (time_parse(text, time_now_ms(), &t))
		opt_usage_error("--%s: expected a time (2023-01-01, 2023-01-01T12:00, ms since the "
				"epoch, or 90d ago), got '%s'", name, text);
	return t;
}
