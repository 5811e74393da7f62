/*
 * request_groups: SingularityRequestGroup objects as posted, one row per
 * group id.  A request that is purged leaves every group it belonged to
 * (the requests_leave_groups trigger of db_schema.c), so no group names a
 * request that is gone.
 */
#include <errno.h>

#include "db_cluster.h"

static const char SQL_GROUP_LIST[] =
	"SELECT group_json FROM request_groups ORDER BY id";
static const char SQL_GROUP_GET[] =
	"SELECT group_json FROM request_groups WHERE id = ?1";
static const char SQL_GROUP_EXISTS[] =
	"SELECT count(*) FROM request_groups WHERE id = ?1";
static const char SQL_GROUP_PUT[] =
	"INSERT INTO request_groups (id, group_json) VALUES (?1, ?2)"
	" ON CONFLICT (id) DO UPDATE SET group_json = excluded.group_json";
static const char SQL_GROUP_REMOVE[] =
	"DELETE FROM request_groups WHERE id = ?1";

int
db_group_list(struct db *db, json_t **ret)
{
	return (db_query_json_list(db, SQL_GROUP_LIST, ret, ""));
}

int
db_group_get(struct db *db, const char *id, json_t **ret)
{
	return (db_query_json(db, SQL_GROUP_GET, ret, "s", id));
}

int
db_group_put(struct db *db, const json_t *group, int *ret_created)
{
	const char	*id = json_string_value(json_object_get(group, "id"));
	int64_t		 n = 0;
	int		 r;

	if (id == NULL)
		return (-EINVAL);
	if ((r = db_query_ints(db, SQL_GROUP_EXISTS, &n, 1, "s", id)) < 0 ||
	    (r = db_run(db, SQL_GROUP_PUT, NULL, "sj", id, group)) < 0)
		return (r);
	if (ret_created != NULL)
		*ret_created = n == 0;
	return (0);
}

int
db_group_remove(struct db *db, const char *id)
{
	int r = db_run_changed(db, SQL_GROUP_REMOVE, "s", id);

	return (r == 1 ? -ENOENT : r);
}
