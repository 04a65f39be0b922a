/* options.h - one table-driven option parser for every program.
 *
 * A program describes its options once, in an array of struct opt ending with OPT_END; the
 * parser reads long options (--name, --name=value, --name value), short options (-x, -xVALUE,
 * -x VALUE, bundled flags -qv), takes operands anywhere (options after operands are allowed,
 * "--" ends options, "-" is an operand meaning standard input/output), checks numeric values
 * and their ranges, and answers --help and --version itself.  A usage error prints a message
 * naming the option and exits 64 (EX_USAGE): this is program plumbing, so it may exit.
 */
#ifndef CRA_OPTIONS_H
#define CRA_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

enum opt_kind {
	OPT_FLAG,    /* bool *: set to true */
	OPT_STRING,  /* const char **: last one given wins */
	OPT_INT,     /* long long *: checked against [min, max] when min < max */
	OPT_DOUBLE,  /* double *: finite, checked against [min, max] when min < max */
	OPT_LIST,    /* struct str_list *: every occurrence appended */
};

struct str_list {
	const char **items;
	size_t n, cap;
};

struct opt {
	const char *long_name;
	int short_name;   /* 0 when the option has no short form */
	enum opt_kind kind;
	void *value;
	const char *arg;  /* placeholder in --help ("N", "FILE"); NULL for flags */
	const char *help;
	double min, max;  /* range for OPT_INT / OPT_DOUBLE; ignored when min >= max */
};

#define OPT_END { 0, 0, OPT_FLAG, 0, 0, 0, 0, 0 }

struct program_info {
	const char *name;
	const char *synopsis;     /* lines after "usage: " */
	const char *description;  /* one paragraph */
	const char *examples;     /* shown after the options */
};

/* Parses argv.  Operands are appended to *operands (which may be NULL when the program takes
 * none; operands then are a usage error). */
void opt_parse(const struct program_info *info, const struct opt *opts, int argc, char **argv,
	       struct str_list *operands);

/* Prints "prog: message" and "Try 'prog --help'" to stderr and exits 64. */
_Noreturn void opt_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The time given to option --name (timefmt.h: ms, ISO 8601, "90d" ago), or `none` when text is
 * NULL; a usage error (64) when it is not a time. */
int64_t opt_time(const char *name, const char *text, int64_t none);

void str_list_push(struct str_list *list, const char *item);
void str_list_free(struct str_list *list);

/* Splits "a,b,c" into list items (the strings are copied; free with str_list_free_items). */
void str_list_split(struct str_list *list, const char *csv);
void str_list_free_items(struct str_list *list);

#endif
