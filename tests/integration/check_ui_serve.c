/*
 * The web UI as apid serves it (issue 18): every file of daemons/apid/ui
 * at /singularity/ui/assets/, byte for byte, with the content type of its
 * extension, an ETag and Cache-Control; index.html for the pages the
 * client routes (/singularity/, /singularity/ui/...); a one-line 404 for
 * an asset that does not exist; 304 on a matching If-None-Match; GET and
 * HEAD only.  The browser test of the pages themselves is make check-ui.
 */
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <check.h>
#include <curl/curl.h>

#include "fixture.h"
#include "harness.h"

Suite	*ui_serve_suite(void);

#define UI_SRC		KERR_SRCDIR "/daemons/apid/ui"
#define UI_ASSETS	"/singularity/ui/assets/"

struct ui_resp {
	long	 status;
	char	*body;
	size_t	 len;
	char	 content_type[128];
	char	 etag[64];
	char	 cache_control[64];
	char	 location[256];
	char	 allow[64];
};

static size_t
ui_collect(char *data, size_t size, size_t nmemb, void *arg)
{
	struct ui_resp	*r = arg;
	size_t		 n = size * nmemb;
	char		*nbuf;

	if ((nbuf = realloc(r->body, r->len + n + 1)) == NULL)
		return (0);
	r->body = nbuf;
	memcpy(r->body + r->len, data, n);
	r->len += n;
	r->body[r->len] = '\0';
	return (n);
}

static void
ui_header_copy(const char *line, size_t n, const char *name, char *dst,
    size_t dstlen)
{
	size_t k = strlen(name);

	if (n > k && strncasecmp(line, name, k) == 0)
		snprintf(dst, dstlen, "%.*s", (int)strcspn(line + k, "\r\n"),
		    line + k);
}

static size_t
ui_header(char *line, size_t size, size_t nmemb, void *arg)
{
	struct ui_resp	*r = arg;
	size_t		 n = size * nmemb;

	ui_header_copy(line, n, "Content-Type: ", r->content_type,
	    sizeof(r->content_type));
	ui_header_copy(line, n, "ETag: ", r->etag, sizeof(r->etag));
	ui_header_copy(line, n, "Cache-Control: ", r->cache_control,
	    sizeof(r->cache_control));
	ui_header_copy(line, n, "Location: ", r->location,
	    sizeof(r->location));
	ui_header_copy(line, n, "Allow: ", r->allow, sizeof(r->allow));
	return (n);
}

/* One call; if_none_match may be NULL.  Asserts an answer came. */
static void
ui_call(const char *method, const char *path, const char *if_none_match,
    struct ui_resp *r)
{
	struct curl_slist	*hdrs = NULL;
	char			 url[4096], inm[128];
	CURL			*curl;

	memset(r, 0, sizeof(*r));
	ck_assert_ptr_nonnull(curl = curl_easy_init());
	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", harness_env.port,
	    path);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, ui_collect);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, ui_header);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	if (if_none_match != NULL) {
		snprintf(inm, sizeof(inm), "If-None-Match: %s", if_none_match);
		hdrs = curl_slist_append(hdrs, inm);
		curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
	}
	ck_assert_msg(curl_easy_perform(curl) == CURLE_OK, "%s %s: no answer",
	    method, path);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(curl);
}

static void
ui_resp_free(struct ui_resp *r)
{
	free(r->body);
	r->body = NULL;
}

static const char *
ui_expected_type(const char *path)
{
	const char *dot = strrchr(path, '.');

	ck_assert_ptr_nonnull(dot);
	if (strcmp(dot, ".html") == 0)
		return ("text/html; charset=utf-8");
	if (strcmp(dot, ".css") == 0)
		return ("text/css; charset=utf-8");
	if (strcmp(dot, ".js") == 0)
		return ("text/javascript; charset=utf-8");
	if (strcmp(dot, ".svg") == 0)
		return ("image/svg+xml");
	ck_abort_msg("%s: a UI file of a type this test does not know", path);
	return (NULL);
}

/* The file at src served as path: same bytes, type, ETag, caching. */
static void
ui_expect_file(const char *path, const char *src, const char *type)
{
	struct ui_resp	 r;
	size_t		 len;
	char		*want = fixture_read_file(src, &len);

	ui_call("GET", path, NULL, &r);
	ck_assert_msg(r.status == 200, "GET %s: %ld", path, r.status);
	ck_assert_str_eq(r.content_type, type);
	ck_assert_msg(r.len == len && memcmp(r.body, want, len) == 0,
	    "GET %s: not the bytes of %s (%zu, want %zu)", path, src, r.len,
	    len);
	ck_assert_msg(r.etag[0] == '"' && strlen(r.etag) > 2 &&
	    r.etag[strlen(r.etag) - 1] == '"', "GET %s: ETag '%s'", path,
	    r.etag);
	ck_assert_str_eq(r.cache_control, "no-cache");
	ui_resp_free(&r);
	free(want);
}

static int	ui_nfiles;

static int
ui_visit(const char *fpath, const struct stat *sb, int flag, struct FTW *ftw)
{
	char path[PATH_MAX];

	(void)sb;
	(void)ftw;
	if (flag != FTW_F)
		return (0);
	snprintf(path, sizeof(path), "%s%s", UI_ASSETS,
	    fpath + strlen(UI_SRC) + 1);
	ui_expect_file(path, fpath, ui_expected_type(fpath));
	ui_nfiles++;
	return (0);
}

START_TEST(test_ui_every_file_served)
{
	ui_nfiles = 0;
	ck_assert_int_eq(nftw(UI_SRC, ui_visit, 8, FTW_PHYS), 0);
	/* index.html, the stylesheet, the icon and the modules at least. */
	ck_assert_int_ge(ui_nfiles, 10);
}
END_TEST

START_TEST(test_ui_pages_are_index)
{
	static const char *const pages[] = {
		"/singularity/", "/singularity/ui", "/singularity/ui/",
		"/singularity/ui/status", "/singularity/ui/requests",
		"/singularity/ui/requests?state=PAUSED&q=web",
		"/singularity/ui/request/some-request",
		"/singularity/ui/task/web-d1-1-1-host-DEFAULT",
	};
	struct ui_resp	r;
	size_t		i;

	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		ui_expect_file(pages[i], UI_SRC "/index.html",
		    "text/html; charset=utf-8");
	ui_call("GET", "/singularity", NULL, &r);
	ck_assert_int_eq(r.status, 301);
	ck_assert_str_eq(r.location, "/singularity/");
	ui_resp_free(&r);
}
END_TEST

START_TEST(test_ui_unknown_asset_404)
{
	static const char *const missing[] = {
		UI_ASSETS "nope.js", UI_ASSETS "js/nope.js", UI_ASSETS,
		UI_ASSETS "app.css.map",
	};
	struct ui_resp	r;
	size_t		i;

	for (i = 0; i < sizeof(missing) / sizeof(missing[0]); i++) {
		ui_call("GET", missing[i], NULL, &r);
		ck_assert_msg(r.status == 404, "GET %s: %ld", missing[i],
		    r.status);
		ck_assert_str_eq(r.content_type, "text/plain; charset=utf-8");
		ck_assert_ptr_null(strchr(r.body, '\n'));
		ck_assert_msg(strstr(r.body, missing[i]) != NULL,
		    "404 body '%s' does not name %s", r.body, missing[i]);
		ui_resp_free(&r);
	}
	/* Beside the UI and the API: neither answers it. */
	ui_call("GET", "/singularity/uix", NULL, &r);
	ck_assert_int_eq(r.status, 404);
	ui_resp_free(&r);
}
END_TEST

START_TEST(test_ui_etag_revalidates)
{
	struct ui_resp	r, again;
	char		etag[64];

	ui_call("GET", UI_ASSETS "js/main.js", NULL, &r);
	ck_assert_int_eq(r.status, 200);
	snprintf(etag, sizeof(etag), "%s", r.etag);
	ui_resp_free(&r);
	ui_call("GET", UI_ASSETS "js/main.js", etag, &again);
	ck_assert_int_eq(again.status, 304);
	ck_assert_uint_eq(again.len, 0);
	ck_assert_str_eq(again.etag, etag);
	ui_resp_free(&again);
	ui_call("GET", UI_ASSETS "js/main.js", "\"0000000000000000\"", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_gt(r.len, 0);
	ui_resp_free(&r);
	/* Another file, another tag. */
	ui_call("GET", UI_ASSETS "app.css", NULL, &r);
	ck_assert_str_ne(r.etag, etag);
	ui_resp_free(&r);
}
END_TEST

START_TEST(test_ui_methods)
{
	struct ui_resp r;

	ui_call("HEAD", "/singularity/ui/requests", NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.content_type, "text/html; charset=utf-8");
	ck_assert_uint_eq(r.len, 0);
	ui_resp_free(&r);
	ui_call("POST", "/singularity/ui/requests", NULL, &r);
	ck_assert_int_eq(r.status, 405);
	ck_assert_str_eq(r.allow, "GET, HEAD");
	ck_assert_ptr_nonnull(strstr(r.body, "POST"));
	ui_resp_free(&r);
	/* The API beside it is untouched. */
	json_decref(http_json(&harness_env, "GET", HARNESS_V1 "/state", NULL,
	    200));
}
END_TEST

Suite *
ui_serve_suite(void)
{
	const struct fixture_row rows[] = {
		FIXTURE_CASE("serve"),
		FIXTURE_CHECKED(harness_setup, harness_teardown),
		FIXTURE_TEST(test_ui_every_file_served),
		FIXTURE_TEST(test_ui_pages_are_index),
		FIXTURE_TEST(test_ui_unknown_asset_404),
		FIXTURE_TEST(test_ui_etag_revalidates),
		FIXTURE_TEST(test_ui_methods),
		FIXTURE_END
	};

	return (fixture_suite("ui_serve", rows));
}
