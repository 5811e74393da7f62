/*
 * The cluster-wide records SingularityUI manages beside requests and
 * tasks: request groups (db_group.c), sets of names such as the shuffle
 * blacklist and the inactive hosts (db_name_set.c), single settings such
 * as the priority freeze (db_setting.c), and disabled actions and active
 * disasters (db_disaster.c).  JSON values returned are new references
 * owned by the caller; writers run in the caller's transaction.
 */
#ifndef KERR_DB_CLUSTER_H
#define KERR_DB_CLUSTER_H

#include <stdint.h>

#include <jansson.h>

#include "db.h"

/* db_group.c: SingularityRequestGroup {id, requestIds, metadata}. */
/* Every group, by id. */
int	db_group_list(struct db *db, json_t **ret);
/* -ENOENT when there is no such group. */
int	db_group_get(struct db *db, const char *id, json_t **ret);
/* Insert or replace; *ret_created (may be NULL) tells which. */
int	db_group_put(struct db *db, const json_t *group, int *ret_created);
/* -ENOENT when there was no such group. */
int	db_group_remove(struct db *db, const char *id);

/* db_name_set.c: named sets of strings (DB_SET_*). */
#define DB_SET_SHUFFLE_BLACKLIST	"shuffleBlacklist"
#define DB_SET_INACTIVE_HOSTS		"inactiveHosts"
/* 0 added, 1 was there already. */
int	db_name_set_add(struct db *db, const char *set, const char *name,
	    int64_t now);
/* 0 removed, 1 was not there. */
int	db_name_set_remove(struct db *db, const char *set, const char *name);
int	db_name_set_clear(struct db *db, const char *set);
/* 1 when name is in the set, 0 when not. */
int	db_name_set_has(struct db *db, const char *set, const char *name);
/* The names of a set, sorted: [string]. */
int	db_name_set_list(struct db *db, const char *set, json_t **ret);

/* db_setting.c: one JSON value per name (DB_SETTING_*). */
#define DB_SETTING_PRIORITY_FREEZE		"priorityFreeze"
#define DB_SETTING_AUTOMATED_ACTIONS_DISABLED	"automatedActionsDisabled"
/* -ENOENT when the setting is not set. */
int	db_setting_get(struct db *db, const char *name, json_t **ret);
int	db_setting_put(struct db *db, const char *name, const json_t *value);
/* 0 removed, -ENOENT when it was not set. */
int	db_setting_remove(struct db *db, const char *name);

/* db_disaster.c: disabled actions (SingularityDisabledAction, keyed by
 * its SingularityAction name) and active disasters (by type name). */
int	db_disaster_action_put(struct db *db, const json_t *disabled);
/* -ENOENT when the action is not disabled. */
int	db_disaster_action_get(struct db *db, const char *action,
	    json_t **ret);
/* 0 enabled again, 1 was not disabled. */
int	db_disaster_action_remove(struct db *db, const char *action);
int	db_disaster_action_list(struct db *db, json_t **ret);
/* 0 added, 1 was active already. */
int	db_disaster_add(struct db *db, const char *type, int64_t now);
/* 0 removed, 1 was not active. */
int	db_disaster_remove(struct db *db, const char *type);
/* Active disaster types: [string]. */
int	db_disaster_list(struct db *db, json_t **ret);

#endif
