/* file_lock.c - flock(2) on a lock file; see file_lock.h. */
#include "file_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

int file_lock_acquire(const char *lock_path, int *fd, struct cra_error *err)
{
	int lfd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (lfd < 0)
		return cra_fail(err, EX_CANTCREAT, "%s: cannot create lock file: %s", lock_path,
				strerror(errno));
	while (flock(lfd, LOCK_EX) != 0) {
		if (errno != EINTR) {
			int e = errno;
			close(lfd);
			return cra_fail(err, EX_IOERR, "%s: cannot lock: %s", lock_path, strerror(e));
		}
	}
	*fd = lfd;
	return 0;
}

void file_lock_release(int fd)
{
	if (fd >= 0) {
		flock(fd, LOCK_UN);
		close(fd);
	}
}
