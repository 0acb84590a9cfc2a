/* fuzz_smaps: /proc/PID/smaps text through smaps_parse and, in small chunks, through the streaming reader. */
#include "config.h"

#include <stdbool.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "smaps.h"

static bool
same_list(const struct smaps_list *a, const struct smaps_list *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (memcmp(&a->v[i], &b->v[i], sizeof(a->v[i])) != 0)
			return false;
	return true;
}

/*
 * The streaming reader must parse what smaps_parse parses. Its buffer
 * starts at a fuzzer-chosen few bytes (instead of 64 KiB) so the
 * partial-line carry-over and the buffer growth run on small inputs.
 */
static void
check_reader(const uint8_t *data, size_t size, unsigned int bufsize,
    const struct smaps_list *want, int want_ret)
{
	struct smaps_reader sr;
	struct smaps_list got;
	int fd, r;

	if ((fd = memfd_create("fuzz_smaps", MFD_CLOEXEC)) == -1)
		return;		/* no memfd: nothing to compare */
	FUZZ_CHECK(size == 0 || write(fd, data, size) == (ssize_t)size);
	FUZZ_CHECK(lseek(fd, 0, SEEK_SET) == 0);
	memset(&sr, 0, sizeof(sr));
	sr.fd = fd;
	sr.cap = bufsize;
	sr.buf = malloc(sr.cap);
	FUZZ_CHECK(sr.buf != NULL);
	while ((r = smaps_reader_step(&sr, 1 + bufsize / 2)) == 0)
		continue;
	FUZZ_CHECK(r == (want_ret == 0 ? 1 : -1));
	if (r == 1) {
		smaps_reader_take(&sr, &got);
		FUZZ_CHECK(same_list(&got, want));
		smaps_free(&got);
	}
	smaps_reader_close(&sr);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smaps_list l = { NULL, 0, 0 };
	char flags[4 * SMF_COUNT + 1], line[8 + 4 * SMF_COUNT];
	unsigned int bufsize;
	bool sorted = true;
	int ret;

	/* First byte: the reader's starting buffer size (1..256). */
	if (size < 1)
		return 0;
	bufsize = (unsigned int)data[0] + 1;
	data++;
	size--;

	ret = smaps_parse((const char *)data, size, &l);
	for (size_t i = 0; i < l.n; i++) {
		const struct smaps_vma *v = &l.v[i];
		struct smaps_list one = { NULL, 0, 0 };
		int w;

		FUZZ_CHECK(v->start < v->end);
		FUZZ_CHECK(v->thp_eligible >= -1 && v->thp_eligible <= 1);
		FUZZ_CHECK(v->vmflags >> SMF_COUNT == 0);
		if (i > 0 && l.v[i - 1].start >= v->start)
			sorted = false;

		/* VmFlags printed back by name parse to the same set. */
		smaps_vmflags_str(v->vmflags, flags, sizeof(flags));
		FUZZ_CHECK(strlen(flags) < sizeof(flags));
		w = snprintf(line, sizeof(line), "VmFlags: %s", flags);
		FUZZ_CHECK(w > 0 && (size_t)w < sizeof(line));
		FUZZ_CHECK(smaps_parse_line("1-2 r", 5, &one) == 0);
		FUZZ_CHECK(smaps_parse_line(line, (size_t)w, &one) == 0);
		FUZZ_CHECK(one.n == 1 && one.v[0].vmflags == v->vmflags &&
		    one.v[0].vmflags_unknown == 0);
		smaps_free(&one);
		/* A short buffer truncates, never overflows. */
		smaps_vmflags_str(v->vmflags, flags, 1 + i % 8);
		FUZZ_CHECK(strlen(flags) < 1 + i % 8);
	}
	if (sorted && ret == 0)
		for (size_t i = 0; i < l.n; i++)
			FUZZ_CHECK(smaps_find(&l, l.v[i].start, l.v[i].end) ==
			    &l.v[i]);
	check_reader(data, size, bufsize, &l, ret);
	smaps_free(&l);
	return 0;
}
