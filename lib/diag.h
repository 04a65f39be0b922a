/* diag.h - diagnostics on standard error, prefixed with the program's name.
 *
 * Programs call diag_init(argv[0]) first.  Results go to standard output; everything here goes
 * to standard error.  --quiet silences notes and progress, never warnings or errors.
 */
#ifndef CRA_DIAG_H
#define CRA_DIAG_H

#include <stdbool.h>

#include "error.h"

void diag_init(const char *argv0);
const char *diag_program(void);

void diag_set_quiet(bool quiet);
void diag_set_verbose(bool verbose);
bool diag_quiet(void);
bool diag_verbose(void);

/* "prog: message" - an informational line, suppressed by --quiet. */
void diag_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "prog: message" only with --verbose. */
void diag_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "prog: warning: message" - always shown. */
void diag_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "prog: message", then exit(status). */
_Noreturn void diag_die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints a library error and exits with its status. */
_Noreturn void diag_die_error(const struct cra_error *err);

#endif
