/* replay.c - the fuzz targets' main outside libFuzzer: runs LLVMFuzzerTestOneInput over every
 * file named on the command line and every file in the directories named (in name order, so
 * a failure repeats), then says how many it ran.  This is what makes the committed corpus
 * (tests/fuzz/corpus/TARGET/) a regression test in the normal and the sanitizer builds.
 *
 * A failing input aborts (a FUZZ_CHECK, or a sanitizer's report); its name is printed first
 * so the failure names it.  Exit 0, or 1 when nothing was run: an empty or misnamed corpus
 * would otherwise pass without testing anything. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	size_t cap = 4096, len = 0;
	uint8_t *data = malloc(cap);
	size_t n;
	while (data && (n = fread(data + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap)
			data = realloc(data, cap *= 2);
	}
	fclose(f);
	if (!data) {
		fprintf(stderr, "%s: out of memory\n", path);
		return -1;
	}
	fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
	/* An exact-size copy, so that AddressSanitizer catches a read one byte past the input. */
	uint8_t *exact = malloc(len ? len : 1);
	memcpy(exact, data, len);
	free(data);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int run_dir(const char *dir, size_t *count)
{
	struct dirent **list;
	int n = scandir(dir, &list, NULL, by_name);
	if (n < 0) {
		perror(dir);
		return -1;
	}
	int r = 0;
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;
		snprintf(path, sizeof path, "%s/%s", dir, list[i]->d_name);
		if (list[i]->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			if (run_file(path))
				r = -1;
			else
				(*count)++;
		}
		free(list[i]);
	}
	free(list);
	return r;
}

int main(int argc, char **argv)
{
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	size_t count = 0;
	int failed = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			failed = 1;
		} else if (S_ISDIR(st.st_mode)) {
			failed |= run_dir(argv[i], &count) != 0;
		} else if (run_file(argv[i]) != 0) {
			failed = 1;
		} else {
			count++;
		}
	}
	fprintf(stderr, "replay: %zu inputs\n", count);
	return failed || count == 0;
}
