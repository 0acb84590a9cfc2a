/* fixture: open the fixture /proc tree with its "self" link made at run time. */
#ifndef VMPEEK_TEST_FIXTURE_H
#define VMPEEK_TEST_FIXTURE_H

/*
 * `make dist` dereferences symlinks, so tests/fixtures/proc ships without
 * its "self -> 100" link. Build a scratch root instead: one symlink per
 * fixture entry plus self -> 100, in a fresh directory under TMPDIR.
 * Returns an O_DIRECTORY fd of the scratch root, or -1 (message printed).
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procfs.h"

static char fixture_dir[PATH_MAX];

static void
fixture_cleanup(void)
{
	char path[PATH_MAX * 2];
	struct dirent *de;
	DIR *d;

	if (fixture_dir[0] == '\0' || (d = opendir(fixture_dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", fixture_dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(fixture_dir);
}

static int
fixture_open_proc(void)
{
	char src[PATH_MAX], from[PATH_MAX * 2], to[PATH_MAX * 2];
	const char *fx = getenv("FIXTURES"), *tmp = getenv("TMPDIR");
	struct dirent *de;
	DIR *d;
	int fd;

	if (fx == NULL)
		return -1;
	snprintf(src, sizeof(src), "%s/proc", fx);
	snprintf(fixture_dir, sizeof(fixture_dir), "%s/vmpeek-fx.XXXXXX",
	    tmp != NULL ? tmp : "/tmp");
	if (mkdtemp(fixture_dir) == NULL || (d = opendir(src)) == NULL) {
		perror("fixture tree");
		return -1;
	}
	atexit(fixture_cleanup);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "self") == 0)
			continue;
		snprintf(from, sizeof(from), "%s/%s", src, de->d_name);
		snprintf(to, sizeof(to), "%s/%s", fixture_dir, de->d_name);
		if (symlink(from, to) == -1) {
			perror(to);
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	snprintf(to, sizeof(to), "%s/self", fixture_dir);
	if (symlink("100", to) == -1) {
		perror(to);
		return -1;
	}
	if ((fd = procfs_open_root(fixture_dir)) == -1)
		perror(fixture_dir);
	return fd;
}

/*
 * For a test's main(): set *fd to the fixture root. Returns 0, or the exit
 * status to return at once (77 = skip when not run by make check; 1 on
 * failure), with the reason printed.
 */
static int
fixture_start(int *fd)
{
	const char *fx = getenv("FIXTURES");

	if (fx == NULL) {
		fprintf(stderr, "SKIP: FIXTURES not set (run through make "
		    "check)\n");
		return 77;
	}
	if ((*fd = fixture_open_proc()) == -1) {
		fprintf(stderr, "cannot set up the fixture tree from %s\n", fx);
		return 1;
	}
	return 0;
}

#endif
