/* atomic_file (through output.h): a table written to a file appears only when committed; one
 * written to a device (here /dev/null, through a symbolic link, so that a failure could only
 * replace the link) is written in place - the rename that makes files atomic would replace
 * the device with a plain file.  Aborting leaves nothing behind. */
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "output.h"
#include "testfiles.h"

int main(void)
{
	const char *dir = test_dir("atomic_file");
	char link_path[600], file_path[600];
	snprintf(link_path, sizeof link_path, "%s/null", dir);
	snprintf(file_path, sizeof file_path, "%s/table.csv", dir);
	CHECK(symlink("/dev/null", link_path) == 0);

	struct output o;
	struct cra_error err = { 0 };
	CHECK_INT(output_open(&o, link_path, false, &err), 0);
	tw_str(&o.w, "a");
	tw_end_row(&o.w);
	CHECK_INT(output_close(&o, &err), 0);
	struct stat st;
	CHECK(lstat(link_path, &st) == 0 && S_ISLNK(st.st_mode));  /* still the link */
	CHECK(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode)); /* still the device */

	CHECK_INT(output_open(&o, file_path, false, &err), 0);
	tw_str(&o.w, "b");
	tw_end_row(&o.w);
	CHECK(access(file_path, F_OK) != 0); /* not there until committed */
	CHECK_INT(output_close(&o, &err), 0);
	CHECK(stat(file_path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 2);

	char gone[600];
	snprintf(gone, sizeof gone, "%s/gone.csv", dir);
	struct atomic_file af;
	CHECK_INT(atomic_file_open(&af, gone, &err), 0);
	CHECK(write(af.fd, "x\n", 2) == 2);
	atomic_file_abort(&af);
	CHECK(access(gone, F_OK) != 0);
	CHECK_INT(atomic_file_open(&af, link_path, &err), 0); /* in place: aborting closes it */
	atomic_file_abort(&af);
	CHECK(lstat(link_path, &st) == 0 && S_ISLNK(st.st_mode));
	return check_finish();
}
