/*
 * GET /auth/user: the caller.  With auth = none (spec 0.5, 1.10) every
 * caller is Singularity's default user "singularity"; with auth = token
 * it is the token's user, its groups and whether they make it an admin.
 */
#include <string.h>

#include "api.h"
#include "api_tokens.h"

/* "a,b" as ["a","b"]. */
static json_t *
api_auth_groups(const char *list)
{
	json_t		*groups = json_array();
	const char	*p = list, *end;

	while (groups != NULL && *p != '\0') {
		end = strchrnul(p, ',');
		if (end > p && json_array_append_new(groups,
		    json_stringn(p, (size_t)(end - p))) != 0) {
			json_decref(groups);
			return (NULL);
		}
		p = *end == ',' ? end + 1 : end;
	}
	return (groups);
}

int
api_auth_user(struct api_req *req, struct api_reply *rep)
{
	const struct api_identity	*who = req->who;

	if (who == NULL)
		return (api_reply_json(rep, 200, json_pack("{s:{s:s, s:[]},"
		    " s:{s:[]}, s:b, s:b}",
		    "user", "id", "singularity", "groups",
		    "settings", "starredRequestIds",
		    "authenticated", 1,
		    "authEnabled", 0)));
	return (api_reply_json(rep, 200, json_pack("{s:{s:s, s:s, s:o,"
	    " s:b, s:b}, s:{s:[]}, s:b, s:b}",
	    "user", "id", who->user, "name", who->user,
	    "groups", api_auth_groups(who->groups),
	    "admin", who->admin, "readOnly", who->read_only,
	    "settings", "starredRequestIds",
	    "authenticated", 1,
	    "authEnabled", 1)));
}
