/* plot_gnuplot.c - gnuplot as a child process, its warnings taken as failures; see
 * plot_gnuplot.h. */
#include "plot_gnuplot.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "atomic_file.h"

extern char **environ;

/* A growing byte buffer for what gnuplot writes. */
struct bytes {
	char *buf;
	size_t len, cap;
};

static int bytes_read(struct bytes *b, int fd)
{
	if (b->cap - b->len < 4096) {
		size_t cap = b->cap ? 2 * b->cap : 1 << 16;
		char *p = realloc(b->buf, cap + 1);
		if (!p)
			return -1;
		b->buf = p;
		b->cap = cap;
	}
	ssize_t n = read(fd, b->buf + b->len, b->cap - b->len);
	if (n > 0)
		b->len += (size_t)n;
	return n < 0 && errno != EINTR && errno != EAGAIN ? -1 : (int)(n > 0);
}

/* The first lines of gnuplot's complaint, on one line, for a message. */
static void summarise(const struct bytes *b, char *out, size_t size)
{
	size_t o = 0;
	bool blank = true;
	for (size_t i = 0; i < b->len && o + 1 < size; i++) {
		char c = b->buf[i];
		if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
			if (!blank && o + 1 < size)
				out[o++] = ' ';
			blank = true;
			continue;
		}
		out[o++] = c;
		blank = false;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

/* Feeds the script to gnuplot's standard input while collecting its standard output and
 * standard error, so that neither side can block the other on a full pipe. */
static int exchange(int in_fd, int out_fd, int err_fd, const char *script, size_t len,
		    struct bytes *out, struct bytes *errtext)
{
	size_t sent = 0;
	bool out_open = true, err_open = true;
	while (out_open || err_open) {
		struct pollfd pf[3] = { { out_fd, POLLIN, 0 }, { err_fd, POLLIN, 0 },
					{ in_fd, POLLOUT, 0 } };
		nfds_t n = in_fd >= 0 ? 3 : 2;
		if (!out_open)
			pf[0].fd = -1;
		if (!err_open)
			pf[1].fd = -1;
		if (poll(pf, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (in_fd >= 0 && pf[2].revents) {
			ssize_t w = pf[2].revents & POLLOUT ? write(in_fd, script + sent, len - sent) : -1;
			if (w > 0)
				sent += (size_t)w;
			/* EPIPE: gnuplot stopped reading (it failed); its stderr says why. */
			if (sent == len || (w < 0 && errno != EINTR && errno != EAGAIN)) {
				close(in_fd);
				in_fd = -1;
			}
		}
		int r;
		if (out_open && pf[0].revents && (r = bytes_read(out, out_fd)) <= 0) {
			if (r < 0 && errno == ENOMEM)
				return -1;
			out_open = false;
		}
		if (err_open && pf[1].revents && (r = bytes_read(errtext, err_fd)) <= 0) {
			if (r < 0 && errno == ENOMEM)
				return -1;
			err_open = false;
		}
	}
	if (in_fd >= 0)
		close(in_fd);
	return 0;
}

/* Finds an executable `name` on PATH, as execvp would.  Looked up here rather than left to
 * posix_spawnp: where spawning falls back to fork + exec (older C libraries, valgrind), a
 * missing program shows up only as the child's exit status 127, indistinguishable from a
 * gnuplot that ran and failed. */
static bool is_executable_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

static int find_on_path(const char *name, char *path, size_t size)
{
	const char *dirs = getenv("PATH");
	if (!dirs || !*dirs)
		dirs = "/usr/local/bin:/usr/bin:/bin";
	for (const char *d = dirs;; d++) {
		const char *end = strchrnul(d, ':');
		int n = end > d ? snprintf(path, size, "%.*s/%s", (int)(end - d), d, name)
				: snprintf(path, size, "./%s", name); /* an empty entry is "." */
		if (n > 0 && (size_t)n < size && is_executable_file(path))
			return 0;
		if (!*end)
			return -1;
		d = end;
	}
}

int plot_run_gnuplot(const char *script, size_t len, char **out, size_t *out_len,
		     struct cra_error *err)
{
	char program[4096];
	if (find_on_path("gnuplot", program, sizeof program))
		return cra_fail(err, EX_UNAVAILABLE, "cannot run gnuplot: %s%s", strerror(ENOENT),
				" (it is not on PATH: install gnuplot-nox)");
	int in[2], o[2], e[2];
	if (pipe2(in, O_CLOEXEC) || pipe2(o, O_CLOEXEC) || pipe2(e, O_CLOEXEC))
		return cra_fail(err, EX_OSERR, "cannot make pipes for gnuplot: %s", strerror(errno));
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, o[1], 1);
	posix_spawn_file_actions_adddup2(&fa, e[1], 2);
	char *argv[] = { "gnuplot", NULL };
	pid_t pid;
	int rc = posix_spawn(&pid, program, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(o[1]);
	close(e[1]);
	if (rc) {
		close(in[1]);
		close(o[0]);
		close(e[0]);
		return cra_fail(err, EX_UNAVAILABLE, "cannot run %s: %s", program, strerror(rc));
	}
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	/* A write to a gnuplot that has stopped must come back as EPIPE, not kill us. */
	struct sigaction ignore = { .sa_handler = SIG_IGN }, old;
	sigemptyset(&ignore.sa_mask);
	sigaction(SIGPIPE, &ignore, &old);
	struct bytes sout = { 0 }, serr = { 0 };
	int ex = exchange(in[1], o[0], e[0], script, len, &sout, &serr);
	sigaction(SIGPIPE, &old, NULL);
	close(o[0]);
	close(e[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	rc = 0;
	if (ex)
		rc = cra_fail(err, EX_OSERR, "talking to gnuplot: %s", strerror(errno));
	else if (serr.len > 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		char said[600];
		summarise(&serr, said, sizeof said);
		char how[64];
		if (WIFSIGNALED(status))
			snprintf(how, sizeof how, "killed by signal %d", WTERMSIG(status));
		else if (WEXITSTATUS(status))
			snprintf(how, sizeof how, "exit %d", WEXITSTATUS(status));
		else
			snprintf(how, sizeof how, "a warning");
		rc = cra_fail(err, EX_SOFTWARE, "gnuplot failed (%s): %s%s", how,
			      *said ? said : "(nothing on its standard error)",
			      " [see the script with --script]");
	}
	free(serr.buf);
	if (rc || !out) {
		free(sout.buf);
		return rc;
	}
	*out = sout.buf;
	*out_len = sout.len;
	return 0;
}

/* Whether gnuplot drew anything into the file: it creates the output at "set output" and
 * writes the picture when the plot is done. */
static int check_drawn(const char *tmp, const char *name, struct cra_error *err)
{
	struct stat st;
	if (stat(tmp, &st) || st.st_size == 0)
		return cra_fail(err, EX_SOFTWARE, "gnuplot wrote nothing to %s", name);
	return 0;
}

static int write_all(int fd, const char *p, size_t n, struct cra_error *err)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return cra_fail(err, EX_IOERR, "writing standard output: %s", strerror(errno));
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int plot_render(const struct plot_target *target, const struct plot_script *body,
		struct cra_error *err)
{
	struct plot_script s;
	plot_script_init(&s);
	struct atomic_file af = { -1, NULL, NULL };
	bool to_file = target->output != NULL;
	int rc = 0;
	if (to_file && (rc = atomic_file_open(&af, target->output, err)))
		return rc;
	ps_terminal(&s, target, af.tmp_path);
	ps_append(&s, body->buf ? body->buf : "", body->len);
	char *picture = NULL;
	size_t picture_len = 0;
	rc = plot_script_done(&s, err);
	if (!rc)
		rc = plot_run_gnuplot(s.buf, s.len, to_file ? NULL : &picture, &picture_len, err);
	if (to_file) {
		if (!rc)
			rc = check_drawn(af.tmp_path, af.path, err);
		if (!rc)
			rc = atomic_file_commit(&af, err); /* releases af */
		else
			atomic_file_abort(&af);
	} else if (!rc) {
		if (picture_len == 0)
			rc = cra_fail(err, EX_SOFTWARE, "gnuplot drew nothing");
		else
			rc = write_all(STDOUT_FILENO, picture, picture_len, err);
	}
	free(picture);
	plot_script_free(&s);
	return rc;
}
