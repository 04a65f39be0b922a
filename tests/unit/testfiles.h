/* testfiles.h - scratch files for unit tests, under $CRA_TEST_TMP (or /tmp). */
#ifndef CRA_TESTFILES_H
#define CRA_TESTFILES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A fresh directory for this test program; returns its path (static storage). */
static inline const char *test_dir(const char *name)
{
	static char path[512];
	const char *base = getenv("CRA_TEST_TMP");
	if (!base || !*base)
		base = "/tmp";
	mkdir(base, 0777);
	snprintf(path, sizeof path, "%s/%s-%d", base, name, (int)getpid());
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
	if (system(cmd) != 0 || mkdir(path, 0777) != 0) {
		perror(path);
		exit(2);
	}
	return path;
}

/* Writes text to dir/name and returns the full path (malloc'ed). */
static inline char *write_file(const char *dir, const char *name, const char *text, size_t len)
{
	char *path = malloc(strlen(dir) + strlen(name) + 2);
	sprintf(path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(text, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(2);
	}
	return path;
}

#define WRITE_TEXT(dir, name, text) write_file(dir, name, text, sizeof(text) - 1)

#endif
