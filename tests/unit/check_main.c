/*
 * One runner for every unit suite (as check's own check_check_main.c).
 * Exit status is the number of failed tests, capped at 1.
 */
#include <check.h>

#include "fixture.h"

Suite	*bus_suite(void);
Suite	*conf_suite(void);
Suite	*cron_suite(void);
Suite	*cron_next_suite(void);
Suite	*db_suite(void);
Suite	*deploy_suite(void);
Suite	*deploy_step_suite(void);
Suite	*event_auth_suite(void);
Suite	*executor_suite(void);
Suite	*healthcheck_suite(void);
Suite	*json_filter_suite(void);
Suite	*kerr_cli_suite(void);
Suite	*lockfile_suite(void);
Suite	*log_suite(void);
Suite	*metrics_suite(void);
Suite	*purge_suite(void);
Suite	*readme_suite(void);
Suite	*request_suite(void);
Suite	*run_policy_suite(void);
Suite	*sandbox_path_suite(void);
Suite	*schema_suite(void);
Suite	*slurm_queue_suite(void);
Suite	*supervisor_suite(void);
Suite	*task_env_suite(void);
Suite	*task_event_suite(void);
Suite	*task_id_suite(void);
Suite	*task_search_suite(void);
Suite	*task_stats_suite(void);
Suite	*tokens_suite(void);
Suite	*tzif_suite(void);
Suite	*webhook_suite(void);

int
main(void)
{
	static Suite *(*const suites[])(void) = {
		conf_suite, log_suite, db_suite, bus_suite, schema_suite,
		request_suite, cron_suite, tokens_suite, tzif_suite, cron_next_suite,
		json_filter_suite,
		healthcheck_suite, deploy_suite, deploy_step_suite,
		task_id_suite, task_env_suite,
		task_event_suite, event_auth_suite, executor_suite,
		supervisor_suite, slurm_queue_suite,
		lockfile_suite, run_policy_suite, sandbox_path_suite,
		task_search_suite, task_stats_suite, webhook_suite,
		kerr_cli_suite, metrics_suite, purge_suite, readme_suite, NULL
	};

	return (fixture_run(suites));
}
