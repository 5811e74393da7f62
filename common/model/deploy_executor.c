/*
 * The checks of a deploy's artifacts and of a SingularityExecutor deploy's
 * executorData, beyond their types: what kerr can fetch and place in a
 * sandbox.  Each failure is Singularity's one-line 400 naming the field.
 */
#include <ctype.h>
#include <string.h>

#include <jansson.h>

#include "artifact.h"
#include "deploy.h"
#include "schema.h"

static int
deploy_md5_ok(const json_t *a)
{
	const char	*md5 = json_string_value(json_object_get(a, "md5sum"));
	size_t		 i;

	if (md5 == NULL)
		return (1);
	for (i = 0; md5[i] != '\0'; i++)
		if (!isxdigit((unsigned char)md5[i]))
			return (0);
	return (i == 32);
}

/* filename and md5sum, common to embedded and external artifacts. */
static int
deploy_check_named(const char *list, size_t i, const json_t *a, char *err,
    size_t errlen)
{
	const char	*name = json_string_value(json_object_get(a,
			    "filename"));

	if (!artifact_name_ok(name))
		return (schema_fail(err, errlen, "executorData.%s[%zu].filename "
		    "'%s' is not a file name at the top of the sandbox", list, i,
		    name));
	if (!deploy_md5_ok(a))
		return (schema_fail(err, errlen, "executorData.%s[%zu].md5sum "
		    "is not 32 hexadecimal digits", list, i));
	return (0);
}

int
deploy_check_executor_data(const json_t *data, char *err, size_t errlen)
{
	const json_t	*a;
	size_t		 i;
	int		 r;

	if (json_array_size(json_object_get(data, "s3Artifacts")) > 0)
		return (schema_fail(err, errlen, "executorData.s3Artifacts are "
		    "not supported (kerr has no S3 client); use "
		    "externalArtifacts with an https URL"));
	json_array_foreach(json_object_get(data, "embeddedArtifacts"), i, a) {
		if ((r = deploy_check_named("embeddedArtifacts", i, a, err,
		    errlen)) < 0)
			return (r);
		if (artifact_base64_size(json_string_value(json_object_get(a,
		    "content"))) < 0)
			return (schema_fail(err, errlen, "executorData."
			    "embeddedArtifacts[%zu].content is not base64", i));
	}
	json_array_foreach(json_object_get(data, "externalArtifacts"), i, a) {
		if ((r = deploy_check_named("externalArtifacts", i, a, err,
		    errlen)) < 0)
			return (r);
		if (json_is_true(json_object_get(a, "isArtifactList")))
			return (schema_fail(err, errlen, "executorData."
			    "externalArtifacts[%zu].isArtifactList is not "
			    "supported", i));
	}
	return (0);
}

int
deploy_check_uris(const json_t *uris, char *err, size_t errlen)
{
	const json_t	*a;
	const char	*out;
	size_t		 i;

	json_array_foreach(uris, i, a) {
		out = json_string_value(json_object_get(a, "outputFile"));
		if (out != NULL && !artifact_name_ok(out))
			return (schema_fail(err, errlen, "uris[%zu].outputFile "
			    "'%s' is not a file name at the top of the sandbox",
			    i, out));
	}
	return (0);
}
