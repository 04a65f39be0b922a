/* output.h - where a program's table goes: standard output ("-" or no -o) or a file written
 * atomically (it appears whole when the program succeeds and not at all when it fails). */
#ifndef CRA_OUTPUT_H
#define CRA_OUTPUT_H

#include <stdbool.h>

#include "atomic_file.h"
#include "error.h"
#include "table_writer.h"

struct output {
	struct table_writer w;
	struct atomic_file file;
	bool to_file;
	const char *name;
};

/* path NULL or "-" is standard output.  tsv picks the tab delimiter. */
int output_open(struct output *o, const char *path, bool tsv, struct cra_error *err);
/* Flushes and, for a file, commits it; 74 on a write error (the file is then not created). */
int output_close(struct output *o, struct cra_error *err);
/* Discards a file being written (standard output cannot be taken back). */
void output_abort(struct output *o);

#endif
