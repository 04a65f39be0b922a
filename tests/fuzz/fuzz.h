/* fuzz.h - what the fuzz targets share.
 *
 * Each tests/fuzz/fuzz_NAME.c defines LLVMFuzzerTestOneInput.  Built with -DCRA_FUZZ=ON it is
 * linked with libFuzzer (tests/fuzz/run fuzzes it); in every other build it is linked with
 * replay.c, a main that runs it over the committed corpus, tests/fuzz/corpus/NAME/ - so every
 * input found interesting, and every crash reproducer, stays a regression test (ctest -R fuzz/).
 *
 * A target must not leak, print or exit: the sanitizers report the first two, and the third
 * would end the fuzzer.  FUZZ_CHECK states a property the library promises; a violation
 * aborts, which libFuzzer reports as a crash with the input that caused it.
 */
#ifndef CRA_FUZZ_H
#define CRA_FUZZ_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                   \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed\n", __FILE__, __LINE__, \
				#cond);                                                    \
			abort();                                                           \
		}                                                                          \
	} while (0)

/* An anonymous in-memory file (memfd), for library functions that read by path or descriptor;
 * which = 0 or 1 (a target may need two).  Created once and rewritten for every input: disk
 * files would make fuzzing slow and leave litter. */
struct fuzz_file {
	int fd;
	char path[32]; /* /proc/self/fd/N: opening it gives a fresh descriptor at offset 0 */
};

static inline struct fuzz_file *fuzz_file(int which)
{
	static struct fuzz_file files[2] = { { -1, "" }, { -1, "" } };
	struct fuzz_file *f = &files[which];
	if (f->fd < 0) {
		f->fd = memfd_create("cra-fuzz", 0);
		if (f->fd < 0) {
			perror("memfd_create");
			abort();
		}
		snprintf(f->path, sizeof f->path, "/proc/self/fd/%d", f->fd);
	}
	return f;
}

/* Replaces the content of file `which` with data; returns it with its offset at 0. */
static inline struct fuzz_file *fuzz_file_set(int which, const void *data, size_t size)
{
	struct fuzz_file *f = fuzz_file(which);
	const char *p = data;
	if (ftruncate(f->fd, 0) != 0 || lseek(f->fd, 0, SEEK_SET) != 0) {
		perror("memfd");
		abort();
	}
	while (size > 0) {
		ssize_t n = write(f->fd, p, size);
		if (n <= 0) {
			perror("memfd write");
			abort();
		}
		p += n;
		size -= (size_t)n;
	}
	lseek(f->fd, 0, SEEK_SET);
	return f;
}

/* data as a NUL-terminated string (malloc'ed; the caller frees it).  A NUL inside the input
 * ends the string there, as it would in argv or a C string read from anywhere. */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
