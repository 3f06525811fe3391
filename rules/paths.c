/* paths.c — lexical path resolution and the root tests of operands.
 *
 * Nothing here touches the filesystem: symlinks are not followed (the
 * kernel's Landlock rules see real paths; the rules see what was typed). */
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "impl.h"

char *path_resolve(const char *cwd, const char *p)
{
	size_t cl = (p[0] == '/' || cwd == NULL) ? 0 : strlen(cwd);
	size_t pl = strlen(p);
	char *in = xmalloc(cl + pl + 2), *out = xmalloc(cl + pl + 2);
	size_t o = 0;
	char *s;

	if (cl)
		memcpy(in, cwd, cl);
	in[cl] = '/';
	memcpy(in + cl + 1, p, pl + 1);
	for (s = in; *s;) {
		char *e;
		size_t n;

		while (*s == '/')
			s++;
		if (*s == '\0')
			break;
		e = strchr(s, '/');
		n = e ? (size_t)(e - s) : strlen(s);
		if (n == 1 && s[0] == '.') {
			/* nothing */
		} else if (n == 2 && s[0] == '.' && s[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--; /* the slash before the dropped component */
		} else {
			out[o++] = '/';
			memcpy(out + o, s, n);
			o += n;
		}
		s += n;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	free(in);
	return out;
}

bool path_inside(const char *p, const char *root)
{
	size_t n = strlen(root);

	if (n == 1 && root[0] == '/')
		return p[1] != '\0';
	return strncmp(p, root, n) == 0 && p[n] == '/';
}

bool path_under(const char *p, const char *root)
{
	return strcmp(p, root) == 0 || path_inside(p, root);
}

bool path_above(const char *p, const char *root)
{
	return path_under(root, p);
}

bool path_has_git(const char *p)
{
	for (const char *s = strstr(p, "/.git"); s; s = strstr(s + 1, "/.git"))
		if (s[5] == '\0' || s[5] == '/')
			return true;
	return false;
}
