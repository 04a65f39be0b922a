/* progress.h - a one-line progress bar on standard error, drawn only when standard error is a
 * terminal and --quiet was not given, redrawn at most ten times a second.  In a cron job or a
 * pipe to a file it draws nothing. */
#ifndef CRA_PROGRESS_H
#define CRA_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct progress {
	bool active;
	const char *label;
	uint64_t total, done;
	int64_t last_draw_ms;
	char suffix[96];
};

void progress_start(struct progress *p, const char *label, uint64_t total);
/* Sets the amount done and an optional text shown after the bar ("loss 0.0123"). */
void progress_update(struct progress *p, uint64_t done, const char *suffix);
/* Draws 100% and moves to the next line. */
void progress_finish(struct progress *p);

#endif
