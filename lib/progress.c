/* progress.c - the terminal progress bar; see progress.h. */
#include "progress.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "timefmt.h"

#define BAR_WIDTH 30

static void draw(struct progress *p)
{
	double frac = p->total ? (double)p->done / (double)p->total : 0;
	if (frac > 1)
		frac = 1;
	int filled = (int)(frac * BAR_WIDTH);
	char bar[BAR_WIDTH + 1];
	memset(bar, '#', (size_t)filled);
	memset(bar + filled, '.', (size_t)(BAR_WIDTH - filled));
	bar[BAR_WIDTH] = '\0';
	fprintf(stderr, "\r%s: %s [%s] %3d%% %s\033[K", diag_program(), p->label, bar,
		(int)(frac * 100), p->suffix);
	fflush(stderr);
}

void progress_start(struct progress *p, const char *label, uint64_t total)
{
	memset(p, 0, sizeof *p);
	p->label = label;
	p->total = total;
	p->active = !diag_quiet() && isatty(STDERR_FILENO);
	if (p->active)
		draw(p);
}

void progress_update(struct progress *p, uint64_t done, const char *suffix)
{
	p->done = done;
	if (suffix)
		snprintf(p->suffix, sizeof p->suffix, "%s", suffix);
	if (!p->active)
		return;
	int64_t now = time_now_ms();
	if (now - p->last_draw_ms < 100 && done < p->total)
		return;
	p->last_draw_ms = now;
	draw(p);
}

void progress_finish(struct progress *p)
{
	if (!p->active)
		return;
	p->done = p->total;
	draw(p);
	fputc('\n', stderr);
	p->active = false;
}
