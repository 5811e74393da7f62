/*
 * One runner for every unit suite (as check's own check_check_main.c).
 * Exit status is the number of failed tests, capped at 1.
 */
#include <stdlib.h>

#include <check.h>

Suite	*bus_suite(void);
Suite	*conf_suite(void);
Suite	*cron_suite(void);
Suite	*cron_next_suite(void);
Suite	*db_suite(void);
Suite	*deploy_suite(void);
Suite	*executor_suite(void);
Suite	*healthcheck_suite(void);
Suite	*json_filter_suite(void);
Suite	*lockfile_suite(void);
Suite	*log_suite(void);
Suite	*request_suite(void);
Suite	*run_policy_suite(void);
Suite	*schema_suite(void);
Suite	*task_env_suite(void);
Suite	*task_event_suite(void);
Suite	*task_id_suite(void);
Suite	*tzif_suite(void);

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(conf_suite());
	srunner_add_suite(sr, log_suite());
	srunner_add_suite(sr, db_suite());
	srunner_add_suite(sr, bus_suite());
	srunner_add_suite(sr, schema_suite());
	srunner_add_suite(sr, request_suite());
	srunner_add_suite(sr, cron_suite());
	srunner_add_suite(sr, tzif_suite());
	srunner_add_suite(sr, cron_next_suite());
	srunner_add_suite(sr, json_filter_suite());
	srunner_add_suite(sr, healthcheck_suite());
	srunner_add_suite(sr, deploy_suite());
	srunner_add_suite(sr, task_id_suite());
	srunner_add_suite(sr, task_env_suite());
	srunner_add_suite(sr, task_event_suite());
	srunner_add_suite(sr, executor_suite());
	srunner_add_suite(sr, lockfile_suite());
	srunner_add_suite(sr, run_policy_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
