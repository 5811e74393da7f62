/*
 * The sandbox sweep: finished tasks' sandboxes removed oldest first once
 * sandbox_keep_seconds passed since the task ended, or earlier, still
 * oldest first, while the sandboxes' filesystem has less than
 * sandbox_min_free_percent free (statvfs); the sandboxes of tasks whose
 * history went first (sandbox_orphans) go before either.  At most
 * sandbox_removals_per_second: ext4 slows down for a while after mass
 * deletes (PERFORMANCE.md).
 *
 * A sandbox goes in three moves: renamed into <root>/.kerr-removing (one
 * atomic step: the API finds it gone), recorded in the store
 * (tasks.sandbox_removed_at), then emptied there with unlinkat.  A crash
 * in between leaves either a sandbox already gone, which the next sweep
 * records, or files in the trash, which the next removal empties.  A
 * task's supervisor holds an flock on <sandbox>/.kerr/lock for its whole
 * life: a sandbox whose lock is held is left for a later sweep, whatever
 * the store says.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "cleaner_retention.h"
#include "executor_local.h"
#include "fs.h"
#include "log.h"

#define CLEANER_SANDBOX_TRASH	".kerr-removing"
/* Rows read per step; most steps remove one sandbox and stop. */
#define CLEANER_SANDBOX_BATCH	16

int
cleaner_sandbox_open(struct cleaner_retention *rt)
{
	int r;

	conf_sandbox_root(rt->conf, rt->root, sizeof(rt->root));
	if ((rt->rootfd = open(rt->root, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) < 0)
		return (-errno);
	if (mkdirat(rt->rootfd, CLEANER_SANDBOX_TRASH, 0700) != 0 &&
	    errno != EEXIST)
		goto fail;
	if ((rt->trashfd = openat(rt->rootfd, CLEANER_SANDBOX_TRASH,
	    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		goto fail;
	return (0);
fail:
	r = -errno;
	cleaner_sandbox_close(rt);
	return (r);
}

void
cleaner_sandbox_close(struct cleaner_retention *rt)
{
	if (rt->trashfd >= 0)
		(void)close(rt->trashfd);
	if (rt->rootfd >= 0)
		(void)close(rt->rootfd);
	rt->trashfd = rt->rootfd = -1;
}

/* Empty the trash: what a step moved there, and what a stop or a crash
 * left half removed. */
static void
cleaner_sandbox_empty_trash(struct cleaner_retention *rt)
{
	int64_t	n = 0;
	int	r;

	if ((r = fs_empty_dir(rt->trashfd, &n)) < 0)
		log_warnx("Failed to remove all of '%s/%s': %s, retrying on "
		    "the next removal", rt->root, CLEANER_SANDBOX_TRASH,
		    strerror(-r));
}

void
cleaner_sandbox_begin(struct cleaner_retention *rt)
{
	cleaner_sandbox_empty_trash(rt);
	rt->sweeping = 1;
	rt->cursor_end = 0;
	rt->cursor_id[0] = '\0';
	rt->removed = 0;
}

/* Whether the sandboxes' filesystem is short of space now. */
static int
cleaner_sandbox_low_space(struct cleaner_retention *rt)
{
	struct statvfs	vfs;
	int		min = rt->conf->sandbox_min_free_percent, low;

	if (min <= 0 || fstatvfs(rt->rootfd, &vfs) != 0 || vfs.f_blocks == 0)
		return (0);
	low = (double)vfs.f_bavail * 100.0 < (double)min *
	    (double)vfs.f_blocks;
	if (low && !rt->low_space)
		log_notice("Sandbox filesystem '%s' has %.1f%% free, under "
		    "sandbox_min_free_percent = %d: removing the oldest "
		    "finished sandboxes early", rt->root,
		    (double)vfs.f_bavail * 100.0 / (double)vfs.f_blocks, min);
	rt->low_space = low;
	return (low);
}

/*
 * Take the task's sandbox out of the root, into the trash: 1 when there
 * was one, 0 when there is none, -EBUSY while its supervisor holds the
 * claim, or negative errno.
 */
static int
cleaner_sandbox_take(struct cleaner_retention *rt, const char *task_id)
{
	char	lock[64];
	int	fd, lockfd = -1, r;

	if (task_id[0] == '\0' || task_id[0] == '.' || strchr(task_id, '/'))
		return (0);
	if ((fd = openat(rt->rootfd, task_id, O_RDONLY | O_DIRECTORY |
	    O_NOFOLLOW | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return (0);
		if (errno != ENOTDIR && errno != ELOOP)
			return (-errno);
	} else {
		(void)snprintf(lock, sizeof(lock), "%s/%s", EXECUTOR_LOCAL_DIR,
		    EXECUTOR_LOCAL_LOCK);
		lockfd = openat(fd, lock, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		(void)close(fd);
		if (lockfd >= 0 && flock(lockfd, LOCK_EX | LOCK_NB) != 0) {
			r = errno == EWOULDBLOCK ? -EBUSY : -errno;
			(void)close(lockfd);
			return (r);
		}
	}
	/* The lock stays held over the move: no launch can claim it. */
	r = renameat(rt->rootfd, task_id, rt->trashfd, task_id) == 0 ? 1 :
	    -errno;
	if (lockfd >= 0)
		(void)close(lockfd);
	return (r == -ENOENT ? 0 : r);
}

/* The orphans first, their history gone already: the rows done (not
 * those left while their supervisor runs, so the sweep moves on). */
static int
cleaner_sandbox_orphans(struct cleaner_retention *rt, int *ret_taken)
{
	json_t		*rows = NULL, *row;
	const char	*id;
	size_t		 i;
	int		 r, taken, done = 0;

	if ((r = db_retention_orphans(rt->db, CLEANER_SANDBOX_BATCH,
	    &rows)) < 0)
		return (r);
	json_array_foreach(rows, i, row) {
		if ((id = json_string_value(json_array_get(row, 0))) == NULL ||
		    (taken = cleaner_sandbox_take(rt, id)) == -EBUSY)
			continue;
		if (taken < 0)
			log_warnx("Failed to remove the sandbox of task=%s: %s, "
			    "ignoring", id, strerror(-taken));
		if ((r = db_retention_orphan_done(rt->db, id)) < 0)
			break;
		done++;
		if (taken == 1) {
			log_info("task=%s sandbox removed (its history was "
			    "purged)", id);
			*ret_taken = 1;
			break;
		}
	}
	json_decref(rows);
	return (r < 0 ? r : done);
}

/* Mark one due task's sandbox removed, taking it first: 1 when a
 * sandbox was taken, 0 when none was there, -EBUSY to leave it. */
static int
cleaner_sandbox_due_one(struct cleaner_retention *rt, const char *id,
    int64_t now)
{
	int taken, r;

	if ((taken = cleaner_sandbox_take(rt, id)) == -EBUSY)
		return (taken);
	if (taken < 0) {
		log_warnx("Failed to remove the sandbox of task=%s: %s, "
		    "ignoring", id, strerror(-taken));
		return (-EBUSY);
	}
	if ((r = db_retention_sandbox_removed(rt->db, id, now)) < 0)
		return (r);
	if (taken == 1)
		log_info("task=%s sandbox removed%s", id, rt->low_space ?
		    " early, for space" : "");
	return (taken);
}

/* Finished tasks past their keep (any, when short of space), oldest
 * first: the rows read, one transaction for their records. */
static int
cleaner_sandbox_due(struct cleaner_retention *rt, int *ret_taken)
{
	json_t		*rows = NULL, *row;
	const char	*id;
	int64_t		 now = clock_now_ms(), before;
	size_t		 i;
	int		 r, n;

	before = cleaner_sandbox_low_space(rt) ? INT64_MAX :
	    now - (int64_t)rt->conf->sandbox_keep_seconds * 1000;
	if ((r = db_retention_sandboxes_due(rt->db, before, rt->cursor_end,
	    rt->cursor_id, CLEANER_SANDBOX_BATCH, &rows)) < 0)
		return (r);
	if ((n = (int)json_array_size(rows)) == 0 ||
	    (r = db_begin(rt->db)) < 0)
		goto out;
	json_array_foreach(rows, i, row) {
		if ((id = json_string_value(json_array_get(row, 0))) == NULL)
			continue;
		rt->cursor_end = json_integer_value(json_array_get(row, 1));
		(void)snprintf(rt->cursor_id, sizeof(rt->cursor_id), "%s", id);
		if ((r = cleaner_sandbox_due_one(rt, id, now)) == -EBUSY)
			r = 0;
		else if (r < 0 || (*ret_taken = r) == 1)
			break;
	}
	r = db_end(rt->db, r < 0 ? r : 0);
out:
	json_decref(rows);
	return (r < 0 ? r : n);
}

int
cleaner_sandbox_step(struct cleaner_retention *rt)
{
	int64_t	now = clock_mono_ms();
	int	taken = 0, orphans, due = 0;

	if ((orphans = cleaner_sandbox_orphans(rt, &taken)) < 0)
		log_debug("Sandbox sweep: orphans: %s", strerror(-orphans));
	if (taken == 0 && (due = cleaner_sandbox_due(rt, &taken)) < 0)
		log_debug("Sandbox sweep: %s", strerror(-due));
	if (taken > 0) {
		cleaner_sandbox_empty_trash(rt);
		rt->removed++;
		rt->next_removal = now + 1000 /
		    rt->conf->sandbox_removals_per_second;
		return (1);
	}
	rt->next_removal = now;
	if (orphans > 0 || due > 0)
		return (1);
	/* A failing read ends this sweep too: the next check retries. */
	if (rt->removed > 0)
		log_notice("Sandbox sweep: %lld sandboxes removed",
		    (long long)rt->removed);
	return (0);
}
