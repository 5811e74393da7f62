/*
 * One runner for every integration suite.  Each test gets its own forked
 * process, temp state directory, free port and fresh daemons.
 */
#include <stdlib.h>

#include <check.h>
#include <curl/curl.h>

#include "harness.h"

Suite	*foundation_suite(void);
Suite	*requests_suite(void);
Suite	*deploys_suite(void);
Suite	*sandbox_suite(void);
Suite	*cleaner_suite(void);
Suite	*jobs_suite(void);
Suite	*pipeline_suite(void);
Suite	*run_suite(void);

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return (EXIT_FAILURE);
	(void)harness_run_prefix();	/* fixed before the tests fork */
	sr = srunner_create(foundation_suite());
	srunner_add_suite(sr, requests_suite());
	srunner_add_suite(sr, deploys_suite());
	srunner_add_suite(sr, sandbox_suite());
	srunner_add_suite(sr, cleaner_suite());
	srunner_add_suite(sr, jobs_suite());
	srunner_add_suite(sr, pipeline_suite());
	srunner_add_suite(sr, run_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	harness_kill_strays_of(harness_run_prefix());
	srunner_free(sr);
	curl_global_cleanup();
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
