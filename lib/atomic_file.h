/* atomic_file.h - output files that appear whole or not at all.
 *
 * A file is written under a temporary name in its own directory (".NAME.tmp-XXXXXX"), then
 * flushed to disk (fsync), renamed over the target (atomic on POSIX file systems) and the
 * directory entry synced.  Readers see the old file or the new one, never a mix.  If the
 * program fails, is interrupted (SIGINT, SIGTERM, SIGHUP, SIGPIPE) or exits without
 * committing, the temporary file is removed; after a kill -9 it is left behind, is never
 * mistaken for data, and is swept by atomic_file_sweep_stale() under the writer's lock.
 * A path that exists and is not a regular file (-o /dev/null, a FIFO) is written in place:
 * there is nothing to make atomic, and a rename would replace the device with a plain file.
 */
#ifndef CRA_ATOMIC_FILE_H
#define CRA_ATOMIC_FILE_H

#include "error.h"

struct atomic_file {
	int fd;          /* write here */
	char *path;      /* the final name */
	char *tmp_path;  /* where the bytes go until commit */
};

/* Creates the temporary file for path; fails with 73 (EX_CANTCREAT). */
int atomic_file_open(struct atomic_file *af, const char *path, struct cra_error *err);

/* fsync, rename over path, fsync the directory; 74 (EX_IOERR) on failure, temp removed. */
int atomic_file_commit(struct atomic_file *af, struct cra_error *err);

/* Discards the temporary file. */
void atomic_file_abort(struct atomic_file *af);

/* Removes temporary files left in path's directory by killed writers of path.  Call only
 * while holding the lock that serialises writers of path. */
void atomic_file_sweep_stale(const char *path);

#endif
