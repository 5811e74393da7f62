/*
 * kerr-ui-embed: a build tool, run before kerr-apid is linked.  Writes a C
 * file that defines ui_assets[] (ui_assets.h) from the UI's files, each
 * with its content type, chosen here by extension, and an ETag, a hash of
 * its bytes.  An extension it does not know fails the build rather than
 * serving a file as the wrong type.  Needs libc only: no network, nothing
 * to install.
 *
 *	kerr-ui-embed OUT.c ROOT FILE...	(each FILE relative to ROOT)
 */
#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ui_type {
	const char	*ext;
	const char	*content_type;
};

static const struct ui_type ui_types[] = {
	{ ".html",	"text/html; charset=utf-8" },
	{ ".css",	"text/css; charset=utf-8" },
	{ ".js",	"text/javascript; charset=utf-8" },
	{ ".json",	"application/json" },
	{ ".svg",	"image/svg+xml" },
	{ ".png",	"image/png" },
	{ ".ico",	"image/x-icon" },
};

static const char *
ui_embed_type(const char *path)
{
	const char	*dot = strrchr(path, '.');
	size_t		 i;

	if (dot == NULL || strchr(dot, '/') != NULL)
		return (NULL);
	for (i = 0; i < sizeof(ui_types) / sizeof(ui_types[0]); i++)
		if (strcmp(dot, ui_types[i].ext) == 0)
			return (ui_types[i].content_type);
	return (NULL);
}

/* FNV-1a, 64 bits: a change of content changes the ETag. */
static uint64_t
ui_embed_hash(const unsigned char *data, size_t len)
{
	uint64_t	h = 0xcbf29ce484222325ULL;
	size_t		i;

	for (i = 0; i < len; i++) {
		h ^= data[i];
		h *= 0x100000001b3ULL;
	}
	return (h);
}

static unsigned char *
ui_embed_read(const char *path, size_t *lenp)
{
	unsigned char	*buf = NULL, *nbuf;
	size_t		 len = 0, cap = 0, n;
	FILE		*fp;

	if ((fp = fopen(path, "rb")) == NULL)
		err(1, "%s", path);
	for (;;) {
		if (len == cap) {
			cap = cap == 0 ? 65536 : cap * 2;
			if ((nbuf = realloc(buf, cap)) == NULL)
				err(1, "realloc");
			buf = nbuf;
		}
		n = fread(buf + len, 1, cap - len, fp);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(fp))
		err(1, "%s", path);
	(void)fclose(fp);
	*lenp = len;
	return (buf);
}

static void
ui_embed_bytes(FILE *out, int idx, const unsigned char *data, size_t len)
{
	size_t i;

	/* One extra NUL: an empty file still makes a valid array. */
	fprintf(out, "static const unsigned char ui_data_%d[] = {", idx);
	for (i = 0; i < len; i++)
		fprintf(out, "%s0x%02x,", i % 16 == 0 ? "\n\t" : "", data[i]);
	fprintf(out, "\n\t0x00\n};\n\n");
}

static void
ui_embed_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

int
main(int argc, char *argv[])
{
	char		 tmp[4096], path[4096];
	uint64_t	*hashes;
	size_t		*lens;
	FILE		*out;
	int		 i, n;

	if (argc < 3)
		errx(2, "usage: kerr-ui-embed OUT.c ROOT FILE...");
	n = argc - 3;
	if ((hashes = calloc((size_t)n + 1, sizeof(*hashes))) == NULL ||
	    (lens = calloc((size_t)n + 1, sizeof(*lens))) == NULL)
		err(1, "calloc");
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]) >= (int)sizeof(tmp))
		errx(1, "%s: path too long", argv[1]);
	if ((out = fopen(tmp, "w")) == NULL)
		err(1, "%s", tmp);
	fprintf(out, "/* Written by kerr-ui-embed from %s: do not edit. */\n"
	    "#include \"ui_assets.h\"\n\n", argv[2]);
	for (i = 0; i < n; i++) {
		unsigned char	*data;

		if (ui_embed_type(argv[3 + i]) == NULL)
			errx(1, "%s: no content type known for this "
			    "extension", argv[3 + i]);
		if (snprintf(path, sizeof(path), "%s/%s", argv[2],
		    argv[3 + i]) >= (int)sizeof(path))
			errx(1, "%s: path too long", argv[3 + i]);
		data = ui_embed_read(path, &lens[i]);
		hashes[i] = ui_embed_hash(data, lens[i]);
		ui_embed_bytes(out, i, data, lens[i]);
		free(data);
	}
	fprintf(out, "const struct ui_asset ui_assets[] = {\n");
	for (i = 0; i < n; i++) {
		fprintf(out, "\t{ ");
		ui_embed_string(out, argv[3 + i]);
		fprintf(out, ", \"%s\", \"\\\"%016llx\\\"\", ui_data_%d, %zu "
		    "},\n", ui_embed_type(argv[3 + i]),
		    (unsigned long long)hashes[i], i, lens[i]);
	}
	/* A terminator row keeps the array non-empty with no files. */
	fprintf(out, "\t{ NULL, NULL, NULL, NULL, 0 }\n};\n\n"
	    "const size_t ui_nassets = %d;\n", n);
	free(hashes);
	free(lens);
	if (ferror(out) || fclose(out) != 0)
		err(1, "%s", tmp);
	if (rename(tmp, argv[1]) != 0)
		err(1, "rename %s", argv[1]);
	return (0);
}
