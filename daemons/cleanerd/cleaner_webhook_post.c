/*
 * One webhook POST over libcurl: the JSON body to the URI, with a
 * deadline for the whole exchange, and given up at once when the
 * daemon stops.  Each webhook worker owns one handle, so connections to
 * a receiver are kept alive between its updates.  Nothing follows a
 * redirect and only http and https are spoken, whatever the URI says.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include <curl/curl.h>

#include "cleaner.h"

struct cleaner_webhook_post {
	CURL			*curl;
	struct curl_slist	*headers;
};

int
cleaner_webhook_post_init(void)
{
	return (curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 :
	    -ENOMEM);
}

void
cleaner_webhook_post_fini(void)
{
	curl_global_cleanup();
}

struct cleaner_webhook_post *
cleaner_webhook_post_new(void)
{
	struct cleaner_webhook_post *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return (NULL);
	/* No "Expect: 100-continue": a receiver that does not answer it
	 * would cost every larger update a second's wait. */
	p->headers = curl_slist_append(NULL,
	    "Content-Type: application/json");
	if (p->headers != NULL)
		p->headers = curl_slist_append(p->headers, "Expect:");
	if (p->headers == NULL || (p->curl = curl_easy_init()) == NULL) {
		cleaner_webhook_post_free(p);
		return (NULL);
	}
	return (p);
}

void
cleaner_webhook_post_free(struct cleaner_webhook_post *p)
{
	if (p == NULL)
		return;
	curl_easy_cleanup(p->curl);
	curl_slist_free_all(p->headers);
	free(p);
}

/* The receiver's answer is not read: only its status counts. */
static size_t
cleaner_webhook_post_discard(char *data, size_t size, size_t n, void *arg)
{
	(void)data;
	(void)arg;
	return (size * n);
}

/* libcurl calls this at least once a second: stop means now. */
static int
cleaner_webhook_post_progress(void *arg, curl_off_t dltotal,
    curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	const atomic_int *stopping = arg;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return (atomic_load(stopping) != 0);
}

static CURLcode
cleaner_webhook_post_setup(struct cleaner_webhook_post *p, const char *uri,
    const char *body, long timeout_ms, const atomic_int *stopping,
    char *err)
{
	CURLcode rc;

	curl_easy_reset(p->curl);	/* keeps the connections */
	if ((rc = curl_easy_setopt(p->curl, CURLOPT_URL, uri)) != CURLE_OK ||
	    (rc = curl_easy_setopt(p->curl, CURLOPT_PROTOCOLS_STR,
	    "http,https")) != CURLE_OK ||
	    (rc = curl_easy_setopt(p->curl, CURLOPT_NOSIGNAL, 1L)) !=
	    CURLE_OK ||
	    (rc = curl_easy_setopt(p->curl, CURLOPT_HTTPHEADER, p->headers)) !=
	    CURLE_OK ||
	    (rc = curl_easy_setopt(p->curl, CURLOPT_POSTFIELDS, body)) !=
	    CURLE_OK ||
	    (rc = curl_easy_setopt(p->curl, CURLOPT_USERAGENT,
	    "kerr-cleanerd")) != CURLE_OK ||
	    (rc = curl_easy_setopt(p->curl, CURLOPT_TIMEOUT_MS, timeout_ms)) !=
	    CURLE_OK ||
	    (rc = curl_easy_setopt(p->curl, CURLOPT_WRITEFUNCTION,
	    cleaner_webhook_post_discard)) != CURLE_OK ||
	    (rc = curl_easy_setopt(p->curl, CURLOPT_NOPROGRESS, 0L)) !=
	    CURLE_OK ||
	    (rc = curl_easy_setopt(p->curl, CURLOPT_XFERINFOFUNCTION,
	    cleaner_webhook_post_progress)) != CURLE_OK ||
	    (rc = curl_easy_setopt(p->curl, CURLOPT_XFERINFODATA,
	    stopping)) != CURLE_OK)
		return (rc);
	return (curl_easy_setopt(p->curl, CURLOPT_ERRORBUFFER, err));
}

int
cleaner_webhook_post_send(struct cleaner_webhook_post *p, const char *uri,
    const char *body, long timeout_ms, const atomic_int *stopping,
    long *ret_status, char *why, size_t whylen)
{
	char		err[CURL_ERROR_SIZE] = "";
	long		status = 0;
	CURLcode	rc;

	rc = cleaner_webhook_post_setup(p, uri, body, timeout_ms, stopping,
	    err);
	if (rc == CURLE_OK)
		rc = curl_easy_perform(p->curl);
	if (rc == CURLE_OK)
		rc = curl_easy_getinfo(p->curl, CURLINFO_RESPONSE_CODE,
		    &status);
	/* The buffer is ours: curl must not write to it past this call. */
	(void)curl_easy_setopt(p->curl, CURLOPT_ERRORBUFFER, NULL);
	if (rc == CURLE_ABORTED_BY_CALLBACK && atomic_load(stopping))
		return (-ECANCELED);
	if (rc != CURLE_OK) {
		(void)snprintf(why, whylen, "%s", err[0] != '\0' ? err :
		    curl_easy_strerror(rc));
		return (-EIO);
	}
	(void)snprintf(why, whylen, "HTTP %ld", status);
	*ret_status = status;
	return (0);
}
