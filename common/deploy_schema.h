/*
 * The schema tables of a SingularityDeploy (deploy_schema.c), which
 * deploy.c reads posted deploys with.
 */
#ifndef KERR_DEPLOY_SCHEMA_H
#define KERR_DEPLOY_SCHEMA_H

#include "schema.h"

/* The deploy itself, in Singularity's output order. */
extern const struct schema_table	deploy_schema;
/* HealthcheckOptions, also built from the deprecated flat fields. */
extern const struct schema_table	deploy_schema_healthcheck;
/* CanaryDeploySettings, also built from the deprecated step fields. */
extern const struct schema_table	deploy_schema_canary;

#endif
