/*
 * GET /auth/user.  Auth is off (spec 0.5, 1.10): every caller is
 * Singularity's default user "singularity", authenticated, with no
 * settings of its own yet.
 */
#include "api.h"

int
api_auth_user(struct api_req *req, struct api_reply *rep)
{
	(void)req;
	return (api_reply_json(rep, 200, json_pack("{s:{s:s, s:[]},"
	    " s:{s:[]}, s:b, s:b}",
	    "user", "id", "singularity", "groups",
	    "settings", "starredRequestIds",
	    "authenticated", 1,
	    "authEnabled", 0)));
}
