/* replay: feed stored fuzz inputs to a target's LLVMFuzzerTestOneInput without libFuzzer (make check). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

/*
 * make check runs this with no arguments: every file of
 * $top_srcdir/tests/fuzz/FUZZ_NAME (seeds and crash regressions). With
 * arguments: those files, or the files in those directories.
 */
#ifndef FUZZ_NAME
#error "FUZZ_NAME must name the target (its corpus directory)"
#endif

static int
run_file(const char *path)
{
	struct stat sb;
	uint8_t *data;
	size_t len = 0;
	ssize_t got;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &sb) == -1) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	/* Exactly the input's size, as libFuzzer does: an over-read is an
	 * ASan error, not a read of slack. */
	if ((data = malloc(sb.st_size > 0 ? (size_t)sb.st_size : 1)) == NULL)
		abort();
	while (len < (size_t)sb.st_size) {
		got = read(fd, data + len, (size_t)sb.st_size - len);
		if (got == -1 && errno == EINTR)
			continue;
		if (got <= 0) {
			fprintf(stderr, "replay: %s: short read\n", path);
			close(fd);
			free(data);
			return -1;
		}
		len += (size_t)got;
	}
	close(fd);
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file in dir, in name order. -1 on error; *n counts. */
static int
run_dir(const char *dir, size_t *n)
{
	struct dirent *de;
	char **names = NULL, **nn, path[4096];
	size_t cnt = 0, i;
	int ret = 0;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if ((nn = reallocarray(names, cnt + 1, sizeof(*nn))) == NULL ||
		    (nn[cnt] = strdup(de->d_name)) == NULL)
			abort();
		names = nn;
		cnt++;
	}
	closedir(d);
	qsort(names, cnt, sizeof(*names), name_cmp);
	for (i = 0; i < cnt; i++) {
		struct stat sb;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
			if (run_file(path) == -1)
				ret = -1;
			else
				(*n)++;
		}
		free(names[i]);
	}
	free(names);
	return ret;
}

int
main(int argc, char **argv)
{
	const char *top = getenv("top_srcdir");
	char dir[4096];
	size_t n = 0;
	int ret = 0;

	if (argc < 2) {
		snprintf(dir, sizeof(dir), "%s/tests/fuzz/%s",
		    top != NULL ? top : ".", FUZZ_NAME);
		ret = run_dir(dir, &n);
	}
	for (int i = 1; i < argc; i++) {
		struct stat sb;

		if (stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode))
			ret |= run_dir(argv[i], &n);
		else if (run_file(argv[i]) == -1)
			ret = -1;
		else
			n++;
	}
	printf("replay %s: %zu inputs\n", FUZZ_NAME, n);
	/* No inputs would be a silent pass: a corpus went missing. */
	if (n == 0) {
		fprintf(stderr, "replay %s: no inputs found\n", FUZZ_NAME);
		return 1;
	}
	return ret == 0 ? 0 : 1;
}
