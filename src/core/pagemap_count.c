/* pagemap_count: per-range page counts from pread entries, PAGEMAP_SCAN saying where to read, on worker threads. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pagemap.h"
#include "pagemap_impl.h"
#include "pagemap_scan.h"

static void
count_entry(struct pm_counts *c, const struct pm_entry *e)
{
	if (e->flags & PMF_PRESENT)
		c->present++;
	if (e->flags & PMF_SWAPPED)
		c->swapped++;
	if (e->flags & PMF_FILE_SHARED)
		c->file_shared++;
	if (e->flags & PMF_EXCLUSIVE)
		c->exclusive++;
	if (e->flags & PMF_SOFT_DIRTY)
		c->soft_dirty++;
	if (e->flags & PMF_UFFD_WP)
		c->uffd_wp++;
	if (e->flags & PMF_GUARD)
		c->guard++;
}

/*
 * Count n raw entries; returns how many were non-zero, and adds the runs
 * of them to *runs (if set). A sparse range is
 * almost all zero entries (no page, no flag under any layout), and
 * decoding each one made a 1 TB mapping's count 3x slower than the pread
 * alone: skip zero runs eight entries at a time with one OR, and decode
 * only the non-zero entries.
 */
static uint64_t
count_raw(const uint64_t *buf, size_t n, const struct pm_caps *caps,
    struct pm_counts *c, uint64_t *runs)
{
	uint64_t nonzero = 0, nrun = 0;
	size_t i = 0;

	for (;;) {
		/* Find the next block of 8 holding a non-zero entry. */
		while (i + 8 <= n && (buf[i] | buf[i + 1] | buf[i + 2] |
		    buf[i + 3] | buf[i + 4] | buf[i + 5] | buf[i + 6] |
		    buf[i + 7]) == 0)
			i += 8;
		if (i >= n)
			break;
		for (size_t end = i + 8 < n ? i + 8 : n; i < end; i++) {
			struct pm_entry e;

			if (buf[i] == 0)
				continue;
			nonzero++;
			nrun += i == 0 || buf[i - 1] == 0;
			pagemap_decode(buf[i], caps, &e);
			count_entry(c, &e);
		}
	}
	if (runs != NULL)
		*runs += nrun;
	return nonzero;
}

/*
 * Read and count every entry of [start, start + npages pages) into c.
 * Sets *got_pages to the entries read: fewer when pagemap ended early
 * (the rest has no entry); adds the non-zero ones to *nonzero (if set).
 */
static int
count_pread(struct pm_reader *r, uint64_t start, uint64_t npages,
    uint64_t *buf, size_t bufn, struct pm_counts *c, uint64_t *got_pages,
    uint64_t *nonzero)
{
	uint64_t done = 0, nz = 0;

	while (done < npages) {
		size_t n = npages - done > bufn ? bufn : (size_t)(npages - done);
		ssize_t got;

		got = pagemap_read(r, start + (done << r->pageshift), n, buf);
		if (got == -1)
			return -1;
		nz += count_raw(buf, (size_t)got, &r->caps, c, NULL);
		done += (uint64_t)got;
		if ((size_t)got < n)
			break;
	}
	*got_pages = done;
	if (nonzero != NULL)
		*nonzero += nz;
	return 0;
}

/*
 * Optional categories a count cannot do without: a page pread counts
 * must be in some region. A VM_SOFTDIRTY VMA's holes read as soft-dirty
 * and are neither present nor swapped, so where soft-dirty is counted the
 * scan must ask for it (6.8+). Guard markers are also PAGE_IS_SWAPPED.
 */
static uint64_t
count_scan_needs(const struct pm_reader *r)
{
	return (r->caps.known & PMF_SOFT_DIRTY) ? PAGE_IS_SOFT_DIRTY : 0;
}

int
pagemap_count_scans(struct pm_reader *r)
{
	struct pm_region reg;
	uint64_t we, need = count_scan_needs(r);

	if (r->force_pread || r->scan == TRI_NO)
		return 0;
	if (r->scan == TRI_UNKNOWN || (need & ~(r->scan_ok | r->scan_bad)) != 0)
		(void)pagemap_scan(r, 0, r->pagesize, PM_SCAN_COUNT_WANT,
		    &reg, 1, &we);
	return r->scan == TRI_YES && (r->scan_bad & need) == 0;
}

/*
 * The count engine. A range is cut into steps, each claimed by one worker
 * thread and counted from pread entries only, so every page is counted
 * once, from what pagemap itself says (the pread path's meaning exactly).
 * PAGEMAP_SCAN only says where to read: its categories cannot tell
 * exclusive (nor a uffd-wp or device entry's flags), and smaps cannot
 * stand in for it (doc/design.md, "Counting").
 * What a step does depends on what the last one found:
 *  - a scan step asks PAGEMAP_SCAN where something is in its span and
 *    preads only there, regions under PM_COALESCE pages apart in one
 *    pread; a span that held few regions doubles, up to 1/PM_SPAN_MAX_DIV
 *    of the worker's range;
 *  - a pread step reads PM_PREAD_STEP entries straight away: on dense
 *    memory the scan only walks every PTE once more.
 * The switch is by the kernel's cost (count_costs): a scan step switches to
 * pread steps when reading all of its span would have cost less (a short
 * one: under half); a pread step switches back when scanning would have
 * cost under half, or when it found nothing.
 * Workers start on equal parts of the range, and one that runs out takes
 * the upper half of the largest unclaimed rest (an ASan reservation has
 * all its pages in the first 8 GiB of 16 TiB). The kernel walks one mm
 * from several threads under mmap_read_lock, which they share.
 */
/* Tuning (each can be overridden with -D to measure another value). */
#ifndef PM_COUNT_VEC
#define PM_COUNT_VEC	1024	/* regions per scan call of a count */
#endif
#ifndef PM_COALESCE
#define PM_COALESCE	64	/* pages: closer regions share a pread */
#endif
#ifndef PM_SPAN_MIN
#define PM_SPAN_MIN	512	/* pages: the first scan step (2 MiB) */
#endif
#ifndef PM_SPAN_MAX_DIV
#define PM_SPAN_MAX_DIV	8	/* a step spans at most 1/8 of a range */
#endif
/*
 * What the kernel spends, roughly (ns, 6.18 on this project's 2-CPU AMD
 * EPYC VM, bench/RESULTS.txt; only the ratios matter): per empty PTE, a
 * PAGEMAP_SCAN and a pread (into a page-aligned buffer: pagemap_buf_alloc);
 * per page present, what the scan adds (the pread's own cost for it is
 * paid either way); a pread call of its own. Holes above the PTE level
 * cost the scan next to nothing and a pread ~3 ns an entry.
 */
#ifndef PM_COST_SCAN_PTE
#define PM_COST_SCAN_PTE	4
#endif
#ifndef PM_COST_PREAD_PTE
#define PM_COST_PREAD_PTE	7
#endif
#ifndef PM_COST_SCAN_PRESENT
#define PM_COST_SCAN_PRESENT	150
#endif
#ifndef PM_COST_PREAD_CALL
#define PM_COST_PREAD_CALL	1800
#endif
#ifndef PM_PREAD_STEP
#define PM_PREAD_STEP	4096	/* pages per pread step (32 KiB of entries) */
#endif
#ifndef PM_STEAL_MIN
#define PM_STEAL_MIN	1024	/* pages: never split less than this */
#endif
#ifndef PM_THREAD_MIN
#define PM_THREAD_MIN	(1ULL << 18) /* pages: below, one worker */
#endif
#define PM_MAX_THREADS	4

struct count_job;

struct count_worker {
	struct count_job *job;
	struct pm_reader r;	/* own copy: stats and scan state */
	uint64_t cur, end;	/* unclaimed pages [cur, end); job->mu */
	uint64_t span_max;	/* pages */
	uint64_t span;		/* pages of the next scan step */
	bool scan;		/* next step scans (else preads a batch) */
	struct pm_counts c;
	uint64_t *buf;
	size_t bufn;
	struct pm_region *vec;
	size_t vecn;
	int err;		/* errno of a failed step, 0 */
	bool err_scan;		/* ...and it was the ioctl's */
	pthread_t tid;
	bool started;
};

struct count_job {
	pthread_mutex_t mu;
	struct count_worker *w;
	size_t nw;
	bool use_scan;
	bool stop;		/* a worker failed: everyone stops */
};

/*
 * Claim the next step for w (a scan step of w->span pages, or a pread step
 * of PM_PREAD_STEP, by the kind it goes on with): *at and the number of
 * pages, 0 when nothing is left (or a worker failed). An idle worker takes
 * the upper half of the largest unclaimed range; what a worker has claimed
 * is never taken from it, so no page is counted twice or missed.
 */
static uint64_t
count_claim(struct count_worker *w, uint64_t *at)
{
	struct count_job *job = w->job;
	uint64_t n = 0, want;

	pthread_mutex_lock(&job->mu);
	if (job->stop)
		goto out;
	if (w->cur >= w->end) {
		struct count_worker *v = NULL;
		uint64_t best = 0;

		for (size_t i = 0; i < job->nw; i++) {
			struct count_worker *o = &job->w[i];

			if (o != w && o->end > o->cur && o->end - o->cur > best) {
				best = o->end - o->cur;
				v = o;
			}
		}
		if (v == NULL || best < PM_STEAL_MIN)
			goto out;
		w->cur = v->cur + best / 2;
		w->end = v->end;
		v->end = w->cur;
		/* Go on as the victim went: no relearning from 2 MiB up. */
		w->scan = v->scan;
		w->span_max = best / 2 / PM_SPAN_MAX_DIV;
		if (w->span_max < PM_SPAN_MIN)
			w->span_max = PM_SPAN_MIN;
		w->span = v->span < w->span_max ? v->span : w->span_max;
	}
	/*
	 * The step kind is known only now: a steal takes the victim's, and
	 * a pread step must fit the worker's buffer whatever span a scan
	 * step had.
	 */
	want = w->scan ? w->span : PM_PREAD_STEP;
	n = w->end - w->cur < want ? w->end - w->cur : want;
	*at = w->cur;
	w->cur += n;
out:
	pthread_mutex_unlock(&job->mu);
	return n;
}

/*
 * What scan steps and pread steps would cost (PM_COST_* units, less what
 * both pay) over n pages holding nreg regions (runs of pages with entries)
 * that cover `covered` pages: a scan walks every PTE, then preads each
 * region; pread steps read every entry.
 */
static void
count_costs(uint64_t n, uint64_t nreg, uint64_t covered, uint64_t *scan,
    uint64_t *pread)
{
	*scan = (n - covered) * PM_COST_SCAN_PTE +
	    covered * PM_COST_SCAN_PRESENT + nreg * PM_COST_PREAD_CALL;
	*pread = (n - covered) * PM_COST_PREAD_PTE;
}

/* pread the joined regions [*ps, *pe) (bytes), if any. */
static int
count_flush(struct count_worker *w, uint64_t *ps, uint64_t *pe)
{
	struct pm_reader *r = &w->r;
	uint64_t got;

	if (*pe <= *ps)
		return 0;
	if (count_pread(r, *ps, (*pe - *ps) >> r->pageshift, w->buf, w->bufn,
	    &w->c, &got, NULL) == -1)
		return -1;
	*ps = *pe = 0;
	return 0;
}

/*
 * Count [s, e) (pages) from preads of where PAGEMAP_SCAN finds something.
 * pagemap_scan() leaves out what a call reports past its walk_end; still,
 * each page is read once: never below `done` again, never past walk_end
 * before the next call reports it. -1 with errno; w->err_scan when the
 * ioctl failed (EINVAL also when it refused a category the count needs).
 */
static int
count_step_scan(struct count_worker *w, uint64_t s, uint64_t e)
{
	struct pm_reader *r = &w->r;
	uint64_t need = count_scan_needs(r);
	uint64_t cur = s << r->pageshift, end = e << r->pageshift;
	uint64_t done = cur, ps = 0, pe = 0, nreg = 0, covered = 0, got;
	uint64_t cs, cp;
	uint64_t gap = (uint64_t)PM_COALESCE << r->pageshift;

	while (cur < end) {
		uint64_t walk_end;
		ssize_t n = pagemap_scan(r, cur, end, PM_SCAN_COUNT_WANT, w->vec,
		    w->vecn, &walk_end);

		if (n == -1 || (r->scan_bad & need)) {
			if (n != -1)
				errno = EINVAL;
			w->err_scan = true;
			return -1;
		}
		for (ssize_t i = 0; i < n; i++) {
			uint64_t rs = w->vec[i].start, re = w->vec[i].end;

			if (rs < done)
				rs = done;
			if (re > walk_end)
				re = walk_end;
			if (rs >= re)
				continue;
			nreg++;
			covered += (re - rs) >> r->pageshift;
			if (pe > ps && rs - pe <= gap)
				pe = re;
			else {
				if (count_flush(w, &ps, &pe) == -1)
					return -1;
				ps = rs;
				pe = re;
			}
			done = re;
		}
		if (walk_end <= cur) {
			/* No progress (never seen): pread what is left. */
			if (count_flush(w, &ps, &pe) == -1)
				return -1;
			if (done < end && count_pread(r, done, (end - done) >>
			    r->pageshift, w->buf, w->bufn, &w->c, &got,
			    NULL) == -1)
				return -1;
			break;
		}
		cur = walk_end;
	}
	if (count_flush(w, &ps, &pe) == -1)
		return -1;
	count_costs(e - s, nreg, covered, &cs, &cp);
	/*
	 * A step shorter than the pread step it would start is a small
	 * sample (a page in 2 MiB of a 64 TiB mapping): it switches only
	 * when reading costs under half.
	 */
	if (!r->scan_dense && (e - s < PM_PREAD_STEP ? cp * 2 < cs : cp < cs))
		w->scan = false;
	else if (nreg < w->vecn / 2 && w->span < w->span_max) {
		/* Nothing at all: a reservation's empty rest, go fast. */
		uint64_t grow = nreg == 0 ? 16 : 2;

		w->span = w->span <= w->span_max / grow ? w->span * grow :
		    w->span_max;
	}
	return 0;
}

/*
 * Count [s, e) (pages, at most w->bufn) from one pread, and go back to
 * scan steps when they would have cost less than half as much. -1 with
 * errno.
 */
static int
count_step_pread(struct count_worker *w, uint64_t s, uint64_t e)
{
	struct pm_reader *r = &w->r;
	uint64_t nonzero, runs = 0, cs, cp;
	ssize_t got;

	if ((got = pagemap_read(r, s << r->pageshift, (size_t)(e - s),
	    w->buf)) == -1)
		return -1;
	nonzero = count_raw(w->buf, (size_t)got, &r->caps, &w->c, &runs);
	if (!w->job->use_scan || got == 0)
		return 0;
	/*
	 * Back only when scanning costs under half (no flapping), or when
	 * the step found nothing: a reservation's empty terabytes past its
	 * populated start cost a scan next to nothing, pread steps a lot.
	 */
	count_costs((uint64_t)got, runs, nonzero, &cs, &cp);
	if (nonzero == 0 || cs * 2 < cp) {
		w->scan = true;
		w->span = e - s;
	}
	return 0;
}

static void *
count_worker_run(void *arg)
{
	struct count_worker *w = arg;
	uint64_t at, n;

	while ((n = count_claim(w, &at)) > 0) {
		int ret = w->scan ? count_step_scan(w, at, at + n) :
		    count_step_pread(w, at, at + n);

		if (ret == -1) {
			w->err = errno != 0 ? errno : EIO;
			pthread_mutex_lock(&w->job->mu);
			w->job->stop = true;
			pthread_mutex_unlock(&w->job->mu);
			break;
		}
	}
	return NULL;
}

/* Workers for a range of npages: the online CPUs, at most PM_MAX_THREADS. */
static size_t
count_nthreads(const struct pm_reader *r, uint64_t npages)
{
	long ncpu;

	if (r->threads > 0)
		return r->threads < PM_MAX_THREADS ? r->threads :
		    PM_MAX_THREADS;
	if (npages < PM_THREAD_MIN)
		return 1;
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpu <= 1)
		return 1;
	return ncpu < PM_MAX_THREADS ? (size_t)ncpu : PM_MAX_THREADS;
}

/*
 * Give each of the job's workers an equal part of [sidx, eidx) and its
 * buffers. -1 with errno ENOMEM (job->nw is then how many to free).
 */
static int
count_workers_init(struct count_job *job, const struct pm_reader *r,
    uint64_t sidx, uint64_t eidx)
{
	uint64_t npages = eidx - sidx;
	struct count_worker *w = job->w;

	for (size_t i = 0; i < job->nw; i++) {
		uint64_t part = npages / job->nw;

		w[i].job = job;
		w[i].r = *r;
		w[i].cur = sidx + part * i;
		w[i].end = i + 1 == job->nw ? eidx : sidx + part * (i + 1);
		w[i].span_max = (w[i].end - w[i].cur) / PM_SPAN_MAX_DIV;
		if (w[i].span_max < PM_SPAN_MIN)
			w[i].span_max = PM_SPAN_MIN;
		w[i].span = PM_SPAN_MIN;
		w[i].scan = job->use_scan;
		w[i].bufn = npages < PM_BATCH ? (size_t)npages : PM_BATCH;
		w[i].buf = pagemap_buf_alloc(w[i].bufn, r->pagesize);
		w[i].vecn = r->scan_vec > 0 ? r->scan_vec : PM_COUNT_VEC;
		w[i].vec = job->use_scan ? malloc(w[i].vecn *
		    sizeof(*w[i].vec)) : NULL;
		if (w[i].buf == NULL || (job->use_scan && w[i].vec == NULL)) {
			job->nw = i + 1;
			errno = ENOMEM;
			return -1;
		}
	}
	return 0;
}

/* Run the job: w[0] on this thread, the others on threads of their own. */
static void
count_workers_run(struct count_job *job)
{
	struct count_worker *w = job->w;
	sigset_t all, old;
	size_t i;

	/* Helpers take no signal: the TUI's handlers stay on its thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (i = 1; i < job->nw; i++) {
		if (pthread_create(&w[i].tid, NULL, count_worker_run,
		    &w[i]) != 0)
			break;	/* fewer helpers: the others take its part */
		w[i].started = true;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	count_worker_run(&w[0]);
	for (i = 1; i < job->nw; i++)
		if (w[i].started)
			pthread_join(w[i].tid, NULL);
	/* A helper that never started: its part is counted here. */
	for (i = 1; i < job->nw; i++) {
		if (w[i].started || w[i].cur >= w[i].end || job->stop)
			continue;
		w[0].cur = w[i].cur;
		w[0].end = w[i].end;
		w[i].cur = w[i].end;
		count_worker_run(&w[0]);
	}
}

/*
 * The workers' counts into c and what they learnt into r (each copy
 * started from r's totals). Returns the errno to report, 0; *scan_failed
 * says whether it was the ioctl's (one that is not wins).
 */
static int
count_workers_merge(struct count_job *job, struct pm_reader *r,
    struct pm_counts *c, bool *scan_failed)
{
	uint64_t bytes = 0, preads = 0, ioctls = 0;
	struct count_worker *w = job->w;
	int err = 0;

	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < job->nw; i++) {
		pagemap_counts_add(c, &w[i].c);
		bytes += w[i].r.bytes_read - r->bytes_read;
		preads += w[i].r.preads - r->preads;
		ioctls += w[i].r.ioctls - r->ioctls;
		if (w[i].r.scan == TRI_NO)
			r->scan = TRI_NO;
		else if (w[i].r.scan == TRI_YES && r->scan != TRI_NO)
			r->scan = TRI_YES;
		r->scan_bad |= w[i].r.scan_bad;
		r->scan_ok |= w[i].r.scan_ok;
		if (w[i].err != 0 && (err == 0 || !w[i].err_scan)) {
			err = w[i].err;
			*scan_failed = w[i].err_scan;
		}
	}
	r->scan_ok &= ~r->scan_bad;
	r->bytes_read += bytes;
	r->preads += preads;
	r->ioctls += ioctls;
	return err;
}

/*
 * Count the readable pages [sidx, eidx) into c (c->pages and unreadable
 * are the caller's), scanning when use_scan. The reader's stats and scan
 * state get what the workers learnt. -1 with errno; *scan_failed says
 * whether the ioctl was what failed (then pread is worth a try).
 */
static int
count_run(struct pm_reader *r, uint64_t sidx, uint64_t eidx, bool use_scan,
    struct pm_counts *c, bool *scan_failed)
{
	struct count_worker w[PM_MAX_THREADS];
	struct count_job job;
	uint64_t npages = eidx - sidx;
	size_t nw = count_nthreads(r, npages);
	int err;

	*scan_failed = false;
	if (nw > npages / PM_STEAL_MIN)
		nw = npages / PM_STEAL_MIN > 0 ? (size_t)(npages /
		    PM_STEAL_MIN) : 1;
	memset(&job, 0, sizeof(job));
	memset(w, 0, sizeof(w));
	if ((err = pthread_mutex_init(&job.mu, NULL)) != 0) {
		errno = err;
		return -1;
	}
	job.w = w;
	job.nw = nw;
	job.use_scan = use_scan;
	if (count_workers_init(&job, r, sidx, eidx) == -1)
		err = errno;
	else {
		count_workers_run(&job);
		err = count_workers_merge(&job, r, c, scan_failed);
	}
	for (size_t i = 0; i < job.nw; i++) {
		free(w[i].buf);
		free(w[i].vec);
	}
	pthread_mutex_destroy(&job.mu);
	if (err != 0) {
		errno = err;
		return -1;
	}
	return 0;
}

void
pagemap_counts_add(struct pm_counts *a, const struct pm_counts *b)
{
	a->pages += b->pages;
	a->present += b->present;
	a->swapped += b->swapped;
	a->file_shared += b->file_shared;
	a->exclusive += b->exclusive;
	a->soft_dirty += b->soft_dirty;
	a->uffd_wp += b->uffd_wp;
	a->guard += b->guard;
	a->unreadable += b->unreadable;
}

int
pagemap_count(struct pm_reader *r, uint64_t start, uint64_t end,
    struct pm_counts *c)
{
	uint64_t sidx = start >> r->pageshift;
	uint64_t eidx = (end >> r->pageshift) +
	    ((end & (r->pagesize - 1)) != 0);
	uint64_t pages, lim;
	bool scan_failed;

	memset(c, 0, sizeof(*c));
	if (end == 0 && start != 0)	/* [x, 2^64): end wrapped */
		eidx = UINT64_MAX >> r->pageshift;
	if (eidx <= sidx)
		return 0;
	pages = eidx - sidx;
	lim = eidx;
	if (pagemap_count_scans(r)) {
		/* Scan cannot see where pagemap ends: find that first. */
		if (pagemap_readable_limit(r, sidx, eidx, &lim) == -1)
			return -1;
		if (lim > sidx &&
		    count_run(r, sidx, lim, true, c, &scan_failed) == -1) {
			/*
			 * No ioctl after all, EINVAL at a later call (a
			 * category refused, or the ioctl refused outright),
			 * or the range is beyond what the ioctl accepts
			 * (EFAULT): pread the readable part. pread errors
			 * are not retried.
			 */
			if (!scan_failed || (errno != ENOTTY &&
			    errno != EINVAL && errno != EFAULT))
				return -1;
			if (count_run(r, sidx, lim, false, c,
			    &scan_failed) == -1)
				return -1;
		}
		c->pages = pages;
		c->unreadable = pages - (lim - sidx);
		return 0;
	}
	/*
	 * pread alone: entries exist for a prefix of the address space, so
	 * find where they end when the last page has none (1 pread when it
	 * has one, as for every VMA but [vsyscall]).
	 */
	if (pagemap_readable_limit(r, sidx, eidx, &lim) == -1)
		return -1;
	if (lim > sidx && count_run(r, sidx, lim, false, c,
	    &scan_failed) == -1)
		return -1;
	c->pages = pages;
	c->unreadable = pages - (lim - sidx);
	return 0;
}

