/*
 * The history purge's side in cleanerd: a pass of db_purge (what the
 * [cleanerd] *_keep_* keys allow), stepped by the retention thread, the
 * space each step freed given back to the filesystem with an incremental
 * vacuum step after it, and one notice line with what went and how much.
 */
#include <errno.h>
#include <string.h>

#include "clock.h"
#include "cleaner_retention.h"
#include "log.h"

/* Pages given back per vacuum step (4 KiB each: 1 MiB). */
#define CLEANER_PURGE_VACUUM_PAGES	256

void
cleaner_purge_convert(struct cleaner_retention *rt)
{
	int64_t	t0 = clock_mono_ms();
	int	converted, r;

	if ((r = db_space_convert(rt->db, &converted)) < 0)
		log_warnx("Failed to set the store to incremental vacuum: %s, "
		    "purged rows will leave free pages in it", strerror(-r));
	else if (converted)
		log_notice("Store set to incremental vacuum (one VACUUM, "
		    "%lld ms): the space purged history frees goes back to "
		    "the filesystem", (long long)(clock_mono_ms() - t0));
}

void
cleaner_purge_begin(struct cleaner_retention *rt)
{
	const struct conf	*c = rt->conf;
	struct db_purge_policy	 p = {
		.task_keep = c->task_history_keep_per_request,
		.deploy_keep = c->deploy_history_keep_per_request,
		.request_history_keep = c->request_history_keep_per_request,
	};

	if (c->task_history_keep_days > 0)
		p.task_ended_before = clock_now_ms() -
		    (int64_t)c->task_history_keep_days * 86400000;
	db_purge_run_start(&rt->purge, &p);
	rt->purging = 1;
	rt->vacuuming = 0;
	rt->freed_bytes = 0;
	rt->busy_ms = 0;
	rt->purge_started = clock_mono_ms();
}

static void
cleaner_purge_report(struct cleaner_retention *rt)
{
	const struct db_purge_run *p = &rt->purge;

	if (p->tasks + p->deploys + p->request_history == 0 &&
	    rt->freed_bytes == 0)
		return;
	log_notice("History purge: %lld tasks, %lld deploys, %lld request "
	    "history rows purged, %lld bytes given back to the filesystem, "
	    "in %lld ms (%lld ms of CPU)", (long long)p->tasks,
	    (long long)p->deploys, (long long)p->request_history,
	    (long long)rt->freed_bytes,
	    (long long)(clock_mono_ms() - rt->purge_started),
	    (long long)rt->busy_ms);
}

/* One vacuum step: 1 while free pages are left, 0 done. */
static int
cleaner_purge_vacuum_step(struct cleaner_retention *rt)
{
	struct db_space	sp;
	int64_t		freed = 0;
	int		r;

	/* A few free pages are left for the next inserts to reuse: giving
	 * them back would only have the file grow again. */
	if ((r = db_space_get(rt->db, &sp)) < 0 || !sp.incremental ||
	    sp.free_pages <= CLEANER_PURGE_VACUUM_PAGES)
		return (0);
	if ((r = db_space_vacuum_step(rt->db, CLEANER_PURGE_VACUUM_PAGES,
	    &freed)) < 0) {
		log_debug("History purge: incremental vacuum: %s",
		    strerror(-r));
		return (r == -EBUSY);
	}
	rt->freed_bytes += freed;
	return (1);
}

int
cleaner_purge_step(struct cleaner_retention *rt)
{
	int r;

	if (rt->purging) {
		if ((r = db_purge_run_step(rt->db, &rt->purge)) < 0) {
			/* A busy store: the same step again after the
			 * pause; anything else ends the pass. */
			if (r == -EBUSY)
				return (1);
			log_warnx("History purge failed: %s, retrying at the "
			    "next check", strerror(-r));
			rt->purge.phase = DB_PURGE_DONE;
		}
		/*
		 * Give the pages back as they come free: freeing a page at
		 * the end of the file means finding it in the free list,
		 * which costs more the longer that list; a list kept short
		 * costs little (a 1 M-row purge vacuumed at its end took
		 * longer than the purge itself).
		 */
		(void)cleaner_purge_vacuum_step(rt);
		if (r != 0 && rt->purge.phase != DB_PURGE_DONE)
			return (1);
		rt->purging = 0;
		rt->vacuuming = 1;
		return (1);
	}
	if (rt->vacuuming && cleaner_purge_vacuum_step(rt) == 0) {
		/* So that the truncation reaches the file now. */
		(void)db_space_checkpoint(rt->db);
		rt->vacuuming = 0;
		cleaner_purge_report(rt);
		db_purge_run_free(&rt->purge);
	}
	return (rt->vacuuming);
}
