/*
 * The API over libcurl: one easy handle for the whole run (its
 * connection is kept alive between the calls of a --wait or logs -f).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kerr.h"

#define KERR_HTTP_TIMEOUT_S	30
#define KERR_HTTP_MAX_BODY	(64L * 1024 * 1024)

static size_t
kerr_http_write(char *data, size_t size, size_t n, void *arg)
{
	struct kerr_resp	*r = arg;
	size_t			 add = size * n;
	char			*nb;

	if ((long)(r->len + add) > KERR_HTTP_MAX_BODY ||
	    (nb = realloc(r->body, r->len + add + 1)) == NULL)
		return (0);
	memcpy(nb + r->len, data, add);
	r->len += add;
	nb[r->len] = '\0';
	r->body = nb;
	return (add);
}

int
kerr_http(struct kerr *k, const char *method, const char *path,
    const char *body, struct kerr_resp *ret)
{
	struct curl_slist	*hdr = NULL, *h;
	char			*url = NULL, *auth = NULL;
	CURLcode		 rc;
	int			 r = -1, answered = 0;

	memset(ret, 0, sizeof(*ret));
	if (asprintf(&url, "%s%s", k->url, path) < 0) {
		url = NULL;
		goto out;
	}
	if ((h = curl_slist_append(hdr, "Accept: application/json, "
	    "text/plain")) == NULL)
		goto out;
	hdr = h;
	if (body != NULL) {
		if ((h = curl_slist_append(hdr,
		    "Content-Type: application/json")) == NULL)
			goto out;
		hdr = h;
	}
	if (k->token != NULL) {
		if (asprintf(&auth, "Authorization: Bearer %s", k->token) < 0) {
			auth = NULL;
			goto out;
		}
		if ((h = curl_slist_append(hdr, auth)) == NULL)
			goto out;
		hdr = h;
	}
	curl_easy_reset(k->curl);
	(void)curl_easy_setopt(k->curl, CURLOPT_URL, url);
	(void)curl_easy_setopt(k->curl, CURLOPT_CUSTOMREQUEST, method);
	(void)curl_easy_setopt(k->curl, CURLOPT_HTTPHEADER, hdr);
	(void)curl_easy_setopt(k->curl, CURLOPT_TIMEOUT,
	    (long)KERR_HTTP_TIMEOUT_S);
	(void)curl_easy_setopt(k->curl, CURLOPT_NOSIGNAL, 1L);
	(void)curl_easy_setopt(k->curl, CURLOPT_WRITEFUNCTION,
	    kerr_http_write);
	(void)curl_easy_setopt(k->curl, CURLOPT_WRITEDATA, ret);
	if (strcmp(method, "GET") == 0)
		(void)curl_easy_setopt(k->curl, CURLOPT_HTTPGET, 1L);
	if (body != NULL)
		(void)curl_easy_setopt(k->curl, CURLOPT_POSTFIELDS, body);
	/* From here a failure has said why itself. */
	answered = 1;
	if ((rc = curl_easy_perform(k->curl)) != CURLE_OK) {
		fprintf(stderr, "kerr: %s %s: %s\n", method, url,
		    curl_easy_strerror(rc));
		kerr_resp_free(ret);
		goto out;
	}
	(void)curl_easy_getinfo(k->curl, CURLINFO_RESPONSE_CODE,
	    &ret->status);
	if (ret->body == NULL && (ret->body = strdup("")) == NULL) {
		fprintf(stderr, "kerr: out of memory\n");
		goto out;
	}
	r = 0;
out:
	if (r < 0 && !answered)
		fprintf(stderr, "kerr: out of memory\n");
	curl_slist_free_all(hdr);
	free(auth);
	free(url);
	return (r);
}

void
kerr_resp_free(struct kerr_resp *r)
{
	free(r->body);
	r->body = NULL;
	r->len = 0;
}

/* The API's one line, as it sent it (trailing newline dropped). */
static void
kerr_http_print_error(const struct kerr_resp *r)
{
	size_t n = r->len;

	while (n > 0 && (r->body[n - 1] == '\n' || r->body[n - 1] == '\r'))
		n--;
	if (n == 0)
		fprintf(stderr, "kerr: HTTP %ld\n", r->status);
	else
		fprintf(stderr, "kerr: %.*s\n", (int)n, r->body);
}

int
kerr_call(struct kerr *k, const char *method, const char *path,
    const json_t *body, json_t **ret, char **ret_raw)
{
	struct kerr_resp	 resp;
	json_error_t		 err;
	json_t			*j = NULL;
	char			*text = NULL;

	if (body != NULL && (text = json_dumps(body, JSON_COMPACT)) == NULL)
		return (kerr_fail("out of memory"));
	if (kerr_http(k, method, path, text, &resp) < 0) {
		free(text);
		return (KERR_EXIT_FAIL);
	}
	free(text);
	if (resp.status < 200 || resp.status > 299) {
		kerr_http_print_error(&resp);
		kerr_resp_free(&resp);
		return (KERR_EXIT_FAIL);
	}
	if (ret != NULL && resp.len > 0 && (j = json_loadb(resp.body,
	    resp.len, JSON_DECODE_ANY, &err)) == NULL) {
		fprintf(stderr, "kerr: %s %s answered what is not JSON: %s\n",
		    method, path, err.text);
		kerr_resp_free(&resp);
		return (KERR_EXIT_FAIL);
	}
	if (ret != NULL)
		*ret = j;
	if (ret_raw != NULL)
		*ret_raw = resp.body;
	else
		kerr_resp_free(&resp);
	return (KERR_EXIT_OK);
}

char *
kerr_path(struct kerr *k, const char *fmt, ...)
{
	va_list	 ap;
	char	*out = NULL, *esc;
	size_t	 len = 0;
	FILE	*f;

	if ((f = open_memstream(&out, &len)) == NULL)
		return (NULL);
	va_start(ap, fmt);
	for (; *fmt != '\0'; fmt++) {
		if (fmt[0] == '%' && fmt[1] == 's') {
			const char *arg = va_arg(ap, const char *);

			if ((esc = curl_easy_escape(k->curl, arg, 0)) != NULL) {
				fputs(esc, f);
				curl_free(esc);
			}
			fmt++;
		} else
			fputc(*fmt, f);
	}
	va_end(ap);
	if (fclose(f) != 0) {
		free(out);
		return (NULL);
	}
	return (out);
}

void
kerr_print_raw(const char *raw)
{
	size_t n = strlen(raw);

	fputs(raw, stdout);
	if (n == 0 || raw[n - 1] != '\n')
		fputc('\n', stdout);
}
