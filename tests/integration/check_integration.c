/*
 * One runner for every integration suite.  Each test gets its own forked
 * process, temp state directory, free port and fresh daemons.
 */
#include <stdlib.h>

#include <check.h>
#include <curl/curl.h>

#include "fixture.h"
#include "harness.h"

Suite	*foundation_suite(void);
Suite	*requests_suite(void);
Suite	*deploys_suite(void);
Suite	*sandbox_suite(void);
Suite	*cleaner_suite(void);
Suite	*jobs_suite(void);
Suite	*pipeline_suite(void);
Suite	*run_suite(void);
Suite	*machines_suite(void);
Suite	*ui_calls_suite(void);
Suite	*history_search_suite(void);
Suite	*incremental_suite(void);
Suite	*webhooks_suite(void);
Suite	*artifacts_suite(void);
Suite	*auth_suite(void);
Suite	*listen_suite(void);
Suite	*ui_serve_suite(void);
Suite	*cli_suite(void);
Suite	*metrics_suite(void);
Suite	*output_suite(void);
Suite	*disk_full_suite(void);
Suite	*retention_suite(void);

int
main(void)
{
	static Suite *(*const suites[])(void) = {
		foundation_suite, requests_suite, deploys_suite,
		sandbox_suite, cleaner_suite, jobs_suite, pipeline_suite,
		run_suite, ui_calls_suite, machines_suite, history_search_suite,
		incremental_suite, webhooks_suite, artifacts_suite, auth_suite,
		listen_suite, ui_serve_suite, cli_suite, metrics_suite,
		output_suite, disk_full_suite, retention_suite, NULL
	};
	int r;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return (EXIT_FAILURE);
	(void)harness_run_prefix();	/* fixed before the tests fork */
	r = fixture_run(suites);
	/* Whatever a failed test left running, by this run's directories. */
	harness_kill_strays_of(harness_run_prefix());
	curl_global_cleanup();
	return (r);
}
