/* diag.c - program-name-prefixed messages on standard error; see diag.h. */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *program = "craipto";
static bool quiet_mode, verbose_mode;

void diag_init(const char *argv0)
{
	if (argv0 && *argv0) {
		const char *slash = strrchr(argv0, '/');
		program = slash ? slash + 1 : argv0;
	}
}

const char *diag_program(void) { return program; }
void diag_set_quiet(bool quiet) { quiet_mode = quiet; }
void diag_set_verbose(bool verbose) { verbose_mode = verbose; }
bool diag_quiet(void) { return quiet_mode; }
bool diag_verbose(void) { return verbose_mode; }

static void vprint(const char *kind, const char *fmt, va_list ap)
{
	/* One fprintf per line so concurrent programs in a pipeline do not interleave words. */
	char line[4096];
	vsnprintf(line, sizeof line, fmt, ap);
	fprintf(stderr, "%s: %s%s\n", program, kind, line);
}

void diag_note(const char *fmt, ...)
{
	if (quiet_mode)
		return;
	va_list ap;
	va_start(ap, fmt);
	vprint("", fmt, ap);
	va_end(ap);
}

void diag_debug(const char *fmt, ...)
{
	if (!verbose_mode)
		return;
	va_list ap;
	va_start(ap, fmt);
	vprint("", fmt, ap);
	va_end(ap);
}

void diag_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprint("warning: ", fmt, ap);
	va_end(ap);
}

void diag_die(int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprint("", fmt, ap);
	va_end(ap);
	exit(status);
}

void diag_die_error(const struct cra_error *err)
{
	int status = err->status ? err->status : EX_SOFTWARE;
	fprintf(stderr, "%s: %s\n", program, err->msg[0] ? err->msg : "unknown error");
	exit(status);
}
