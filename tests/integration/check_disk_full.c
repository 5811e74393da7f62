/*
 * A full disk, for real: the state directory is a small tmpfs (root
 * only: the suite has no test otherwise), filled up by a file.  Writes
 * answer 507 naming the filesystem, reads answer, no daemon exits, the
 * running task runs on, nothing acknowledged is lost; once the file is
 * removed everything resumes by itself.  With the store elsewhere and
 * only the sandboxes' filesystem full, new tasks wait pending instead
 * of failing, and start once there is room.
 */
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "fixture.h"
#include "harness.h"

Suite	*disk_full_suite(void);

#define V1		"/singularity/v1"
#define FULL_TMPFS	"size=8m,mode=0755"
#define FULL_POSTS_MAX	3000

static char	full_state[1200];	/* <harness dir>/state */

static void
full_unmount(void)
{
	/* Lazily: the daemons may still hold their files on it. */
	if (full_state[0] != '\0')
		(void)umount2(full_state, MNT_DETACH);
	full_state[0] = '\0';
}

/* The daemons on a tmpfs state directory; the store elsewhere when
 * store_elsewhere. */
static void
full_start(int store_elsewhere)
{
	FILE	*fp;
	int	 i;

	harness_prepare(&harness_env, NULL);
	ck_assert_int_lt(snprintf(full_state, sizeof(full_state), "%s/state",
	    harness_env.dir), (int)sizeof(full_state));
	ck_assert_int_eq(mkdir(full_state, 0755), 0);
	/* In a mount namespace of the test's own, which the daemons and
	 * tasks it starts share: the tmpfs goes with the last of them, even
	 * when a failed test runs no teardown. */
	ck_assert_msg(unshare(CLONE_NEWNS) == 0, "unshare: %s",
	    strerror(errno));
	ck_assert_int_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	ck_assert_msg(mount("kerr-test", full_state, "tmpfs", MS_NOSUID |
	    MS_NODEV, FULL_TMPFS) == 0, "mount tmpfs: %s", strerror(errno));
	if (store_elsewhere) {
		snprintf(harness_env.db_path, sizeof(harness_env.db_path),
		    "%s/kerr.db", harness_env.dir);
		ck_assert_ptr_nonnull(fp = fopen(harness_env.conf_path, "a"));
		fprintf(fp, "[common]\ndb_path = %s\n", harness_env.db_path);
		ck_assert_int_eq(fclose(fp), 0);
	}
	for (i = 0; i < HARNESS_NDAEMONS; i++)
		harness_spawn(&harness_env, (enum harness_daemon)i);
	harness_wait_ready(&harness_env);
}

static void
full_setup(void)
{
	full_start(0);
}

static void
full_setup_store_elsewhere(void)
{
	full_start(1);
}

static void
full_teardown(void)
{
	full_unmount();
	harness_teardown();
}

/* <state>/filler, written until the filesystem takes no more. */
static void
full_fill(void)
{
	static const char	zeros[65536];
	char			path[PATH_MAX];
	size_t			chunk = sizeof(zeros);
	ssize_t			n;
	int			fd;

	snprintf(path, sizeof(path), "%s/filler", full_state);
	ck_assert_int_ge(fd = open(path, O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC, 0600), 0);
	/* Down to single bytes: not a block left. */
	while (chunk > 0) {
		if ((n = write(fd, zeros, chunk)) < 0) {
			ck_assert_int_eq(errno, ENOSPC);
			chunk /= 2;
		}
	}
	ck_assert_int_eq(close(fd), 0);
}

static void
full_unfill(void)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/filler", full_state);
	ck_assert_int_eq(unlink(path), 0);
}

/* Every daemon still there: none exited, none was restarted. */
static void
full_assert_daemons_alive(void)
{
	int i, status;

	for (i = 0; i < HARNESS_NDAEMONS; i++)
		ck_assert_msg(waitpid(harness_env.pid[i], &status, WNOHANG) ==
		    0, "%s exited (wait status 0x%x)", harness_daemon_name(
		    (enum harness_daemon)i), (unsigned)status);
}

static long
full_post_request(const char *id, struct http_resp *resp)
{
	char body[128];

	snprintf(body, sizeof(body), "{\"id\":\"%s\"}", id);
	ck_assert_int_eq(http_do(&harness_env, "POST", V1 "/requests", body,
	    resp), 0);
	return (resp->status);
}

/* POST requests until the store is refused one; how many were taken. */
static int
full_post_until_refused(void)
{
	struct http_resp	resp;
	char			id[32];
	long			status;
	int			i;

	for (i = 0; i < FULL_POSTS_MAX; i++) {
		snprintf(id, sizeof(id), "full-%d", i);
		status = full_post_request(id, &resp);
		if (status == 507) {
			ck_assert_ptr_nonnull(strstr(resp.content_type,
			    "text/plain"));
			ck_assert_ptr_null(strchr(resp.body, '\n'));
			ck_assert_msg(strstr(resp.body, full_state) != NULL,
			    "507 does not name %s: %s", full_state, resp.body);
			http_resp_free(&resp);
			return (i);
		}
		ck_assert_msg(status == 200, "POST %s: %ld %s", id, status,
		    resp.body);
		http_resp_free(&resp);
	}
	ck_abort_msg("%d requests taken on a full disk", FULL_POSTS_MAX);
	return (-1);
}

START_TEST(test_disk_full_store)
{
	struct http_resp	 resp;
	char			 path[512], id[32], task[256];
	int			 taken, i;

	harness_request("web", "SERVICE", 1);
	harness_deploy("web", "d1", "sleep 600", NULL);
	harness_wait_tasks("web", "TASK_RUNNING", 1, 30);
	harness_wait_deployed("web", "d1", 30000);
	full_fill();
	taken = full_post_until_refused();
	/* Reads answer; nobody exited; the task runs on. */
	json_decref(harness_get_json(V1 "/requests/request/web"));
	json_decref(harness_get_json(V1 "/state"));
	json_decref(harness_get_json(V1 "/tasks/active"));
	sleep(1);
	full_assert_daemons_alive();
	ck_assert_int_eq(harness_processes("sleep"), 1);
	/* The task dies now: its end cannot be stored yet, and must not
	 * be lost (the supervisor sends it until it is committed). */
	ck_assert_int_eq(kill(-(pid_t)harness_count("SELECT task_pgid FROM"
	    " tasks WHERE request_id = 'web'"), SIGKILL), 0);
	sleep(2);
	full_assert_daemons_alive();
	/* Every request answered 200 is there. */
	for (i = 0; i < taken; i++) {
		snprintf(path, sizeof(path), V1 "/requests/request/full-%d", i);
		json_decref(harness_get_json(path));
	}
	/* Space again: the refused one is taken, tasks launch. */
	full_unfill();
	snprintf(id, sizeof(id), "full-%d", taken);
	ck_assert_int_eq(full_post_request(id, &resp), 200);
	http_resp_free(&resp);
	harness_request("after", "RUN_ONCE", 1);
	harness_deploy("after", "d1", "echo back", NULL);
	harness_wait_tasks("after", "TASK_FINISHED", 1, 30);
	harness_sql_text(&harness_env, "SELECT task_id FROM tasks WHERE"
	    " request_id = 'after'", task, sizeof(task));
	snprintf(path, sizeof(path), V1 "/sandbox/%s/read?path=stdout"
	    "&offset=0", task);
	json_decref(harness_wait_json(path, harness_has_data, "back", 5000));
	/* The end was stored, and the service replaced. */
	harness_wait_tasks("web", "TASK_FAILED", 1, 30);
	harness_wait_tasks("web", "TASK_RUNNING", 1, 30);
	full_assert_daemons_alive();
}
END_TEST

/* The sandbox file of request's one task, as the API reads it, once it
 * holds text. */
static void
full_wait_output(const char *request, const char *text)
{
	char	path[512], task[256], sql[128];

	snprintf(sql, sizeof(sql), "SELECT task_id FROM tasks WHERE"
	    " request_id = '%s'", request);
	harness_sql_text(&harness_env, sql, task, sizeof(task));
	snprintf(path, sizeof(path), V1 "/sandbox/%s/read?path=stdout"
	    "&offset=0", task);
	json_decref(harness_wait_json(path, harness_has_data, text, 10000));
}

START_TEST(test_disk_full_sandboxes_wait)
{
	char	path[PATH_MAX], *log;

	/* A service that writes all along, a page (3893 bytes) at a time:
	 * what is left of a page already there takes no more space. */
	harness_request("ticker", "SERVICE", 1);
	harness_deploy("ticker", "d1", "while :; do seq 1000; sleep 0.2;"
	    " done", NULL);
	harness_wait_tasks("ticker", "TASK_RUNNING", 1, 30);
	full_wait_output("ticker", "999\n1000\n");
	full_fill();
	harness_request("wait", "RUN_ONCE", 1);
	harness_deploy("wait", "d1", "echo ran", NULL);
	/* Ten ticks: the task is due, and waits. */
	harness_wait_sql(1, 10, "SELECT count(*) FROM pending_tasks");
	sleep(2);
	ck_assert_int_eq(harness_count("SELECT count(*) FROM tasks WHERE"
	    " request_id = 'wait'"), 0);
	ck_assert_int_eq(harness_count("SELECT count(*) FROM pending_tasks"),
	    1);
	snprintf(path, sizeof(path), "%s/kerr-schedulerd.log",
	    harness_env.dir);
	log = fixture_read_file(path, NULL);
	ck_assert_msg(strstr(log, "tasks wait until there is") != NULL &&
	    strstr(log, full_state) != NULL, "schedulerd did not say why");
	free(log);
	full_assert_daemons_alive();
	ck_assert_int_eq(harness_tasks("ticker", "TASK_RUNNING"), 1);
	full_unfill();
	harness_wait_tasks("wait", "TASK_FINISHED", 1, 30);
	full_wait_output("wait", "ran");
	/* The ticker ran on; its file says what the full disk cost it, on
	 * a line of its own. */
	full_wait_output("ticker", "\nkerr: ");
	full_wait_output("ticker", " bytes of output lost: No space left on"
	    " device\n");
	ck_assert_int_eq(harness_tasks("ticker", "TASK_RUNNING"), 1);
}
END_TEST

Suite *
disk_full_suite(void)
{
	Suite	*s = suite_create("disk_full");
	TCase	*store = tcase_create("store");
	TCase	*sandboxes = tcase_create("sandboxes");

	/* Mounting a tmpfs takes root; CI runs as root. */
	if (geteuid() != 0)
		return (s);
	tcase_add_checked_fixture(store, full_setup, full_teardown);
	tcase_set_timeout(store, 120);
	tcase_add_test(store, test_disk_full_store);
	suite_add_tcase(s, store);
	tcase_add_checked_fixture(sandboxes, full_setup_store_elsewhere,
	    full_teardown);
	tcase_set_timeout(sandboxes, 60);
	tcase_add_test(sandboxes, test_disk_full_sandboxes_wait);
	suite_add_tcase(s, sandboxes);
	return (s);
}
