#include "strv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void strv_push_owned(struct strv *sv, char *s)
{
	if (sv->n + 2 > sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 8;
		sv->v = xrealloc(sv->v, sv->cap * sizeof(*sv->v));
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

void strv_push(struct strv *sv, const char *s)
{
	strv_push_owned(sv, xstrdup(s));
}

bool strv_contains(const struct strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return true;
	return false;
}

void strv_line(const char *const *v, size_t n, char *out, size_t size)
{
	char *line = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&line, &len);

	for (size_t i = 0; f && i < n; i++) {
		if (i)
			fputc(' ', f);
		fput_word(f, v[i]);
	}
	if (f == NULL || fclose(f) != 0) {
		snprintf(out, size, "...");
		return;
	}
	snprintf(out, size, "%s", line);
	if (len >= size)
		memcpy(out + size - 4, "...", 4);
	free(line);
}

static int by_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void strv_sort(struct strv *sv)
{
	if (sv->n > 1)
		qsort(sv->v, sv->n, sizeof(*sv->v), by_strcmp);
}

void strv_free(struct strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

char *strv_join(const char *const *v, size_t n, const char *sep)
{
	size_t len = 1, o = 0, ls = strlen(sep);
	char *s;

	for (size_t i = 0; i < n; i++)
		len += strlen(v[i]) + ls;
	s = xmalloc(len);
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(v[i]);

		if (i) {
			memcpy(s + o, sep, ls);
			o += ls;
		}
		memcpy(s + o, v[i], l);
		o += l;
	}
	s[o] = '\0';
	return s;
}

size_t fput_word(FILE *f, const char *w)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)w; *p; p++) {
		if (*p == '\n') {
			n += (size_t)fprintf(f, "\\n");
		} else if (*p == '\t') {
			n += (size_t)fprintf(f, "\\t");
		} else if (*p < 0x20 || *p == 0x7f || *p == '\\') {
			n += (size_t)fprintf(f, "\\x%02x", *p);
		} else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			/* a C1 control in UTF-8 (U+009B is CSI to some terminals) */
			n += (size_t)fprintf(f, "\\u%04x", p[1]);
			p++;
		} else {
			fputc(*p, f);
			n++;
		}
	}
	return n;
}
