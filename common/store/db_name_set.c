/*
 * name_sets: sets of strings kept under a name, for the lists an operator
 * keeps by hand (the shuffle blacklist of request ids, the hosts marked
 * inactive).  Each entry remembers when it was added.
 */
#include "db_cluster.h"

static const char SQL_NAME_SET_ADD[] =
	"INSERT INTO name_sets (set_name, name, added_at) VALUES (?1, ?2, ?3)"
	" ON CONFLICT DO NOTHING";
static const char SQL_NAME_SET_REMOVE[] =
	"DELETE FROM name_sets WHERE set_name = ?1 AND name = ?2";
static const char SQL_NAME_SET_CLEAR[] =
	"DELETE FROM name_sets WHERE set_name = ?1";
static const char SQL_NAME_SET_HAS[] =
	"SELECT count(*) FROM name_sets WHERE set_name = ?1 AND name = ?2";
static const char SQL_NAME_SET_LIST[] =
	"SELECT coalesce(json_group_array(name), '[]') FROM (SELECT name"
	" FROM name_sets WHERE set_name = ?1 ORDER BY name)";

int
db_name_set_add(struct db *db, const char *set, const char *name,
    int64_t now)
{
	return (db_run_changed(db, SQL_NAME_SET_ADD, "ssi", set, name, now));
}

int
db_name_set_remove(struct db *db, const char *set, const char *name)
{
	return (db_run_changed(db, SQL_NAME_SET_REMOVE, "ss", set, name));
}

int
db_name_set_clear(struct db *db, const char *set)
{
	return (db_exec_text(db, SQL_NAME_SET_CLEAR, set));
}

int
db_name_set_has(struct db *db, const char *set, const char *name)
{
	int64_t	n = 0;
	int	r;

	if ((r = db_query_ints(db, SQL_NAME_SET_HAS, &n, 1, "ss", set,
	    name)) < 0)
		return (r);
	return (n > 0);
}

int
db_name_set_list(struct db *db, const char *set, json_t **ret)
{
	return (db_query_json(db, SQL_NAME_SET_LIST, ret, "s", set));
}
