/*
 * Unpacking with libarchive (fetch.h), into the sandbox only: entries
 * with "..", absolute paths or a path through a symlink are refused
 * (libarchive's secure-extraction flags), as are hard links and
 * symlinks that point out of the sandbox, and the unpacked size is
 * bounded like a download.
 */
#include <stdio.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "fetch.h"

static const char *const fetch_archive_suffixes[] = {
	".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz",
	".zip", NULL
};

int
fetch_is_archive(const char *name)
{
	size_t	n = strlen(name), s, i;

	for (i = 0; fetch_archive_suffixes[i] != NULL; i++) {
		s = strlen(fetch_archive_suffixes[i]);
		if (n > s && strcmp(name + n - s, fetch_archive_suffixes[i]) == 0)
			return (1);
	}
	return (0);
}

/* A link whose target could lead out of the sandbox. */
static int
fetch_link_escapes(const char *target)
{
	return (target != NULL && (target[0] == '/' ||
	    strcmp(target, "..") == 0 || strncmp(target, "../", 3) == 0 ||
	    strstr(target, "/../") != NULL ||
	    (strlen(target) >= 3 &&
	    strcmp(target + strlen(target) - 3, "/..") == 0)));
}

static int
fetch_copy(struct archive *in, struct archive *out, uint64_t *total,
    const struct fetch_limits *lim, char *err, size_t errlen)
{
	const void	*buf;
	size_t		 len;
	la_int64_t	 off;
	int		 r;

	while ((r = archive_read_data_block(in, &buf, &len, &off)) ==
	    ARCHIVE_OK) {
		if ((*total += len) > lim->max_bytes) {
			(void)snprintf(err, errlen, "unpacks to more than %llu "
			    "MB", (unsigned long long)(lim->max_bytes >> 20));
			return (-1);
		}
		if (archive_write_data_block(out, buf, len, off) !=
		    ARCHIVE_OK) {
			(void)snprintf(err, errlen, "%s",
			    archive_error_string(out));
			return (-1);
		}
	}
	if (r != ARCHIVE_EOF) {
		(void)snprintf(err, errlen, "%s", archive_error_string(in));
		return (-1);
	}
	return (0);
}

static int
fetch_entries(struct archive *in, struct archive *out,
    const struct fetch_limits *lim, char *err, size_t errlen)
{
	struct archive_entry	*e;
	uint64_t		 total = 0;
	int			 r;

	while ((r = archive_read_next_header(in, &e)) == ARCHIVE_OK) {
		if (fetch_link_escapes(archive_entry_symlink(e)) ||
		    fetch_link_escapes(archive_entry_hardlink(e))) {
			(void)snprintf(err, errlen, "entry %s links out of "
			    "the sandbox", archive_entry_pathname(e));
			return (-1);
		}
		if (archive_write_header(out, e) != ARCHIVE_OK) {
			(void)snprintf(err, errlen, "entry %s: %s",
			    archive_entry_pathname(e),
			    archive_error_string(out));
			return (-1);
		}
		if (archive_entry_size(e) > 0 &&
		    fetch_copy(in, out, &total, lim, err, errlen) < 0)
			return (-1);
		if (archive_write_finish_entry(out) != ARCHIVE_OK) {
			(void)snprintf(err, errlen, "%s",
			    archive_error_string(out));
			return (-1);
		}
	}
	if (r != ARCHIVE_EOF) {
		(void)snprintf(err, errlen, "%s", archive_error_string(in));
		return (-1);
	}
	return (0);
}

int
fetch_unpack(const char *path, const struct fetch_limits *lim, char *err,
    size_t errlen)
{
	struct archive	*in = archive_read_new(), *out = archive_write_disk_new();
	int		 r = -1;

	if (in == NULL || out == NULL)
		(void)snprintf(err, errlen, "out of memory");
	else if (archive_read_support_filter_all(in) != ARCHIVE_OK ||
	    archive_read_support_format_tar(in) != ARCHIVE_OK ||
	    archive_read_support_format_zip(in) != ARCHIVE_OK ||
	    archive_write_disk_set_options(out, ARCHIVE_EXTRACT_TIME |
	    ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
	    ARCHIVE_EXTRACT_SECURE_NODOTDOT |
	    ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS) != ARCHIVE_OK)
		(void)snprintf(err, errlen, "%s", archive_error_string(in));
	else if (archive_read_open_filename(in, path, 65536) != ARCHIVE_OK)
		(void)snprintf(err, errlen, "not an archive: %s",
		    archive_error_string(in));
	else
		r = fetch_entries(in, out, lim, err, errlen);
	if (in != NULL)
		archive_read_free(in);
	if (out != NULL)
		archive_write_free(out);
	return (r);
}
