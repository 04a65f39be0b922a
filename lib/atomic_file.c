/* atomic_file.c - write-to-temp, fsync, rename; see atomic_file.h. */
#include "atomic_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Temporary files not yet committed, removed on exit or on a fatal signal.  A fixed table so
 * that the signal handler touches no heap: unlink() is async-signal-safe. */
#define MAX_PENDING 16
static char *pending[MAX_PENDING];

static void remove_pending(void)
{
	for (int i = 0; i < MAX_PENDING; i++)
		if (pending[i])
			unlink(pending[i]);
}

static void on_fatal_signal(int sig)
{
	remove_pending();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_cleanup(void)
{
	static bool installed;
	if (installed)
		return;
	installed = true;
	atexit(remove_pending);
	const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
		struct sigaction old;
		/* Leave alone a handler the program installed itself (cra-fetch --follow). */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL)
			signal(sigs[i], on_fatal_signal);
	}
}

static void track(char *tmp, bool add)
{
	for (int i = 0; i < MAX_PENDING; i++)
		if (add ? pending[i] == NULL : pending[i] == tmp) {
			pending[i] = add ? tmp : NULL;
			return;
		}
}

/* ".NAME.tmp-" for a file NAME: the prefix all its temporary files share. */
static char *temp_prefix(const char *path)
{
	char *copy = strdup(path), *dir_copy = strdup(path), *out = NULL;
	/* malloc + snprintf, not asprintf(&out): once inlined into a caller, GCC 12 at -O3 takes
	 * the escaped &out for something the result may point to (-Wdangling-pointer). */
	if (copy && dir_copy) {
		const char *dir = dirname(dir_copy), *base = basename(copy);
		size_t size = strlen(dir) + strlen(base) + sizeof "/..tmp-";
		if ((out = malloc(size)))
			snprintf(out, size, "%s/.%s.tmp-", dir, base);
	}
	free(copy);
	free(dir_copy);
	return out;
}

/* A path that is there and is not a regular file - /dev/null, a terminal, a FIFO - is opened
 * and written in place (tmp_path NULL): a rename over it would replace the device itself
 * (as root, /dev/null for every process on the machine) with a plain file.  1 when the path
 * is a regular file or absent. */
static int open_in_place(struct atomic_file *af, const char *path, struct cra_error *err)
{
	struct stat st;
	if (stat(path, &st) != 0 || S_ISREG(st.st_mode))
		return 1;
	if ((af->fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
		return cra_fail(err, EX_CANTCREAT, "%s: cannot open: %s", path, strerror(errno));
	if (!(af->path = strdup(path))) {
		close(af->fd);
		af->fd = -1;
		return cra_fail(err, EX_OSERR, "out of memory");
	}
	return 0;
}

int atomic_file_open(struct atomic_file *af, const char *path, struct cra_error *err)
{
	install_cleanup();
	af->fd = -1;
	af->tmp_path = NULL;
	int r = open_in_place(af, path, err);
	if (r <= 0)
		return r;
	af->path = strdup(path);
	char *prefix = temp_prefix(path);
	af->tmp_path = NULL;
	if (!af->path || !prefix || asprintf(&af->tmp_path, "%sXXXXXX", prefix) < 0) {
		free(prefix);
		free(af->path);
		return cra_fail(err, EX_OSERR, "out of memory");
	}
	free(prefix);
	af->fd = mkostemp(af->tmp_path, O_CLOEXEC);
	if (af->fd < 0) {
		int e = errno;
		free(af->tmp_path);
		free(af->path);
		af->tmp_path = af->path = NULL;
		return cra_fail(err, EX_CANTCREAT, "%s: cannot create: %s", path, strerror(e));
	}
	/* mkstemp makes 0600; a data file is as readable as any other the user creates. */
	mode_t mask = umask(0);
	umask(mask);
	fchmod(af->fd, 0666 & ~mask);
	track(af->tmp_path, true);
	return 0;
}

static void release(struct atomic_file *af)
{
	track(af->tmp_path, false);
	free(af->tmp_path);
	free(af->path);
	af->tmp_path = af->path = NULL;
	af->fd = -1;
}

void atomic_file_abort(struct atomic_file *af)
{
	if (!af->tmp_path) { /* written in place, or nothing open */
		if (af->path && af->fd >= 0)
			close(af->fd);
		release(af);
		return;
	}
	if (af->fd >= 0)
		close(af->fd);
	unlink(af->tmp_path);
	release(af);
}

int atomic_file_commit(struct atomic_file *af, struct cra_error *err)
{
	if (!af->tmp_path) { /* written in place */
		int r = close(af->fd) ? cra_fail(err, EX_IOERR, "%s: cannot write: %s", af->path,
						 strerror(errno)) : 0;
		release(af);
		return r;
	}
	int e = 0;
	if (fsync(af->fd))
		e = errno;
	if (close(af->fd) && !e)
		e = errno;
	af->fd = -1;
	if (!e && rename(af->tmp_path, af->path))
		e = errno;
	if (e) {
		int r = cra_fail(err, EX_IOERR, "%s: cannot write: %s", af->path, strerror(e));
		unlink(af->tmp_path);
		release(af);
		return r;
	}
	/* The rename is durable only once the directory itself is on disk. */
	char *dir_copy = strdup(af->path);
	if (dir_copy) {
		int dfd = open(dirname(dir_copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
		free(dir_copy);
	}
	release(af);
	return 0;
}

void atomic_file_sweep_stale(const char *path)
{
	char *prefix = temp_prefix(path);
	if (!prefix)
		return;
	char *slash = strrchr(prefix, '/');
	*slash = '\0';
	const char *dir = prefix, *name_prefix = slash + 1;
	size_t plen = strlen(name_prefix);
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)))
			if (!strncmp(e->d_name, name_prefix, plen) && strlen(e->d_name) == plen + 6) {
				char *victim;
				if (asprintf(&victim, "%s/%s", dir, e->d_name) >= 0) {
					unlink(victim);
					free(victim);
				}
			}
		closedir(d);
	}
	free(prefix);
}
