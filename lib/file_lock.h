/* file_lock.h - an exclusive advisory lock (flock) on a lock file, so that two programs that
 * write the same series (two cron jobs) take turns.  The lock is released when the holder
 * exits, however it exits, so a killed writer never leaves a stale lock behind. */
#ifndef CRA_FILE_LOCK_H
#define CRA_FILE_LOCK_H

#include "error.h"

/* Creates lock_path if needed and waits for the exclusive lock; returns 0 with *fd set, or
 * 73 (EX_CANTCREAT) when the lock file cannot be created. */
int file_lock_acquire(const char *lock_path, int *fd, struct cra_error *err);

void file_lock_release(int fd);

#endif
