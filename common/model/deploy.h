/*
 * The SingularityDeploy model: validation of a posted deploy against the
 * request it targets and its normalisation into the object kerr stores
 * and serves back (Singularity's output form).  Pure logic: no store, no
 * logging.
 */
#ifndef KERR_DEPLOY_H
#define KERR_DEPLOY_H

#include <stddef.h>

#include <jansson.h>

/* Server settings of Singularity's default configuration (spec 2.3). */
#define DEPLOY_DEFAULT_CPUS			1
#define DEPLOY_DEFAULT_MEMORY_MB		64
#define DEPLOY_MAX_CPUS_PER_INSTANCE		50
#define DEPLOY_MAX_CPUS_PER_REQUEST		900
#define DEPLOY_MAX_MEMORY_MB_PER_INSTANCE	24000
#define DEPLOY_MAX_MEMORY_MB_PER_REQUEST	450000
#define DEPLOY_MAX_DISK_MB_PER_INSTANCE		60000
#define DEPLOY_MAX_DISK_MB_PER_REQUEST		3000000
#define DEPLOY_KILL_UNHEALTHY_AFTER_SECONDS	600
#define DEPLOY_RUN_ID_MAX			100
/* Applied by the scheduler when the deploy leaves them out (spec 3.6). */
#define DEPLOY_DEFAULT_HEALTH_TIMEOUT_SECONDS	120
#define DEPLOY_DEFAULT_HEALTHY_AFTER_SECONDS	5

/*
 * Validate a posted SingularityDeploy for `request` (the stored,
 * normalised SingularityRequest it targets) and build the object kerr
 * stores and serves: resources, canaryDeploySettings and
 * s3UploaderAdditionalFiles always present, deprecated forms converted,
 * unknown fields dropped.  On success returns 0 and *ret is a new
 * reference owned by the caller.  On failure returns -EINVAL (or -ENOMEM)
 * and writes a one-line message naming the field at fault into err.
 */
int	deploy_normalize(const json_t *posted, const json_t *request,
	    json_t **ret, char *err, size_t errlen);

/* deploy_executor.c: a stored executorData's artifacts and what kerr
 * refuses of it; the uris' output files.  0, or -EINVAL with err. */
int	deploy_check_executor_data(const json_t *data, char *err,
	    size_t errlen);
int	deploy_check_uris(const json_t *uris, char *err, size_t errlen);

#endif
