/* output.c - a program's table to stdout or to an atomically written file; see output.h. */
#include "output.h"

#include <string.h>
#include <unistd.h>

int output_open(struct output *o, const char *path, bool tsv, struct cra_error *err)
{
	memset(o, 0, sizeof *o);
	o->to_file = path && strcmp(path, "-") != 0;
	o->name = o->to_file ? path : "<stdout>";
	int fd = STDOUT_FILENO;
	if (o->to_file) {
		int r = atomic_file_open(&o->file, path, err);
		if (r)
			return r;
		fd = o->file.fd;
	}
	tw_init(&o->w, fd, tsv ? '\t' : ',');
	return 0;
}

int output_close(struct output *o, struct cra_error *err)
{
	int r = tw_flush(&o->w, o->name, err);
	if (!o->to_file)
		return r;
	if (r) {
		atomic_file_abort(&o->file);
		return r;
	}
	return atomic_file_commit(&o->file, err);
}

void output_abort(struct output *o)
{
	if (o->to_file)
		atomic_file_abort(&o->file);
}
