/* profile_set.c — the catalogue of profiles on the search path:
 * $LPCDUMP_STRUCTS (colon-separated), then the profiles shipped with this
 * program: for a program run from its build tree the source tree's structs/
 * (then the install prefix's), for an installed one only the profiles
 * installed with it, $(pkgdatadir)/structs. The first profile of a name wins. */
#include "types-priv.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A directory with more profile files than this is not a profile directory. */
#define SET_MAX_FILES 4096

struct ld_profile_set {
	struct ld_profile **v;
	size_t n, cap;
};

static bool is_profile_file(const char *name)
{
	size_t n = strlen(name);
	if (name[0] == '.' || strcmp(name, LD_PROFILE_INDEX) == 0)
		return false;
	return (n > 5 && strcmp(name + n - 5, ".json") == 0) ||
	       (n > 8 && strcmp(name + n - 8, ".json.xz") == 0);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static ld_status push(struct ld_profile_set *set, struct ld_profile *p)
{
	if (set->n == set->cap) {
		size_t ncap = set->cap ? set->cap * 2 : 64;
		struct ld_profile **nv = ld_xrealloc(set->v, ncap, sizeof *nv);
		if (!nv)
			return LD_ERR_NOMEM;
		set->v = nv;
		set->cap = ncap;
	}
	set->v[set->n++] = p;
	return LD_OK;
}

ld_status ld_profile_set_add(struct ld_profile_set *set, struct ld_profile *p)
{
	if (!set || !p) {
		ld_profile_free(p);
		return ld_fail(LD_ERR_ARG, "profile set: nothing to add");
	}
	if (ld_profile_set_find(set, p->name)) {
		ld_status st = ld_fail(LD_ERR_ARG, "profile set: a profile named %s is already loaded",
				       p->name);
		ld_profile_free(p);
		return st;
	}
	ld_status st = push(set, p);
	if (st != LD_OK)
		ld_profile_free(p);
	return st;
}

static void add_file(struct ld_profile_set *set, const char *dir, const char *name, json_t *index)
{
	size_t len = strlen(dir) + strlen(name) + 2;
	char *path = malloc(len);
	if (!path)
		return;
	snprintf(path, len, "%s/%s", dir, name);
	json_t *entry = json_object_get(index, name);
	struct ld_profile *p = entry ? ld_profile_from_index(path, entry) : NULL;
	ld_status st = p ? LD_OK : ld_profile_load(path, &p);
	free(path);
	if (st != LD_OK) {
		ld_warn("profile skipped: %s", ld_errmsg());
		return;
	}
	if (ld_profile_set_find(set, p->name) || push(set, p) != LD_OK)
		ld_profile_free(p);
}

/* The directory's profile file names, sorted so the catalogue order does not
 * depend on the file system. */
static ld_status list_dir(const char *dir, char ***names, size_t *n)
{
	*names = NULL;
	*n = 0;
	DIR *d = opendir(dir);
	if (!d)
		return ld_fail(LD_ERR_IO, "profile directory %s: %s", dir, strerror(errno));
	char **v = ld_xcalloc(SET_MAX_FILES, sizeof *v);
	if (!v) {
		closedir(d);
		return LD_ERR_NOMEM;
	}
	size_t k = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && k < SET_MAX_FILES)
		if (is_profile_file(e->d_name) && (v[k] = ld_xstrdup(e->d_name)) != NULL)
			k++;
	if (e)
		ld_warn("profile directory %s: more than %d files, the rest ignored", dir,
			SET_MAX_FILES);
	closedir(d);
	qsort(v, k, sizeof *v, name_cmp);
	*names = v;
	*n = k;
	return LD_OK;
}

ld_status ld_profile_set_add_dir(struct ld_profile_set *set, const char *dir)
{
	char **names;
	size_t n;
	ld_status st = list_dir(dir, &names, &n);
	if (st != LD_OK)
		return st;
	json_t *index = ld_profile_index_load(dir);
	for (size_t i = 0; i < n; i++) {
		add_file(set, dir, names[i], index);
		free(names[i]);
	}
	json_decref(index);
	free(names);
	return LD_OK;
}

/* Directories already read by ld_profile_set_load: the build tree's
 * structs/ is usually also in $LPCDUMP_STRUCTS, and reading it twice would
 * only parse 49 files to throw them away. */
struct seen_dirs {
	char *v[16];
	size_t n;
};

static void add_dir_quiet(struct ld_profile_set *set, struct seen_dirs *seen, const char *dir)
{
	char *real = realpath(dir, NULL);
	if (!real)
		return;   /* a missing directory on the search path is normal */
	for (size_t i = 0; i < seen->n; i++)
		if (strcmp(seen->v[i], real) == 0) {
			free(real);
			return;
		}
	DIR *d = opendir(real);
	if (d) {
		closedir(d);
		ld_profile_set_add_dir(set, dir);
	}
	if (seen->n < LD_ARRAY_SIZE(seen->v))
		seen->v[seen->n++] = real;
	else
		free(real);
}

/* The directory this program runs from, resolved (malloc'd), or NULL when
 * the system does not say. readlink of /proc/self/exe rather than realpath of
 * it: valgrind answers for that one name with the program it runs. */
static char *program_dir(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	char *slash = strrchr(buf, '/');
	if (!slash)
		return NULL;
	slash[slash == buf] = '\0';   /* a program in / keeps its "/" */
	return realpath(buf, NULL);
}

/* Where this program was built and where it installs (Makefile.am); empty
 * when it was built some other way: then nothing counts as installed, and
 * an empty directory name is no directory. */
#ifndef LPCDUMP_BINDIR
#define LPCDUMP_BINDIR ""
#endif
#ifndef LPCDUMP_BUILDDIR
#define LPCDUMP_BUILDDIR ""
#endif
#ifndef LPCDUMP_SRC_STRUCTS
#define LPCDUMP_SRC_STRUCTS ""
#endif
#ifndef LPCDUMP_PKGDATADIR
#define LPCDUMP_PKGDATADIR ""
#endif

/* Run from $(bindir), or from $(bindir) under another root (a DESTDIR
 * staging, a moved prefix): *rootlen is that root's length in dir ("" for
 * the real $(bindir)). $(bindir) is absolute, so a match ends at a '/'. */
static bool installed_root(const char *dir, size_t *rootlen)
{
	size_t d = strlen(dir), b = strlen(LPCDUMP_BINDIR);
	if (b == 0 || d < b || strcmp(dir + d - b, LPCDUMP_BINDIR) != 0)
		return false;
	*rootlen = d - b;
	return true;
}

/* dir is the build tree or below it (lpcdump, the unit tests, the fuzzers). */
static bool in_build_tree(const char *dir)
{
	char *build = realpath(LPCDUMP_BUILDDIR, NULL);
	if (!build)
		return false;
	size_t n = strlen(build);
	bool in = strncmp(dir, build, n) == 0 && (dir[n] == '\0' || dir[n] == '/');
	free(build);
	return in;
}

/* $(pkgdatadir)/structs under root (the first rootlen bytes of root). */
static void add_installed_dir(struct ld_profile_set *set, struct seen_dirs *seen, const char *root,
			      size_t rootlen)
{
	char dir[PATH_MAX];
	if (!LPCDUMP_PKGDATADIR[0])
		return;
	int n = snprintf(dir, sizeof dir, "%.*s%s/structs", (int)rootlen, root, LPCDUMP_PKGDATADIR);
	if (n > 0 && (size_t)n < sizeof dir)
		add_dir_quiet(set, seen, dir);
}

/* An installed program reads only the profiles installed with it: a source
 * tree that outlived the build may hold other (newer, edited, half
 * regenerated) profiles than the ones it shipped with. A program of the build
 * tree reads the source tree's structs/ first, so an edited profile is seen
 * without installing, then the install prefix's. One that cannot tell where
 * it runs from (no /proc) does the same; one found elsewhere (a copied
 * binary) is taken for installed in the configured prefix. */
static void add_shipped_dirs(struct ld_profile_set *set, struct seen_dirs *seen)
{
	char *bin = program_dir();
	size_t rootlen = 0;
	if (bin && installed_root(bin, &rootlen)) {
		add_installed_dir(set, seen, bin, rootlen);
	} else {
		if (!bin || in_build_tree(bin))
			add_dir_quiet(set, seen, LPCDUMP_SRC_STRUCTS);
		add_installed_dir(set, seen, "", 0);
	}
	free(bin);
}

ld_status ld_profile_set_load(struct ld_profile_set **out)
{
	struct ld_profile_set *set = ld_xcalloc(1, sizeof *set);
	if (!set)
		return LD_ERR_NOMEM;
	struct seen_dirs seen = { .n = 0 };
	const char *env = getenv("LPCDUMP_STRUCTS");
	if (env && *env) {
		char *copy = ld_xstrdup(env), *save = NULL;
		if (!copy) {
			ld_profile_set_free(set);
			return LD_ERR_NOMEM;
		}
		for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
			add_dir_quiet(set, &seen, dir);
		free(copy);
	}
	add_shipped_dirs(set, &seen);
	for (size_t i = 0; i < seen.n; i++)
		free(seen.v[i]);
	*out = set;
	return LD_OK;
}

void ld_profile_set_free(struct ld_profile_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++)
		ld_profile_free(set->v[i]);
	free(set->v);
	free(set);
}

size_t ld_profile_set_count(const struct ld_profile_set *set)
{
	return set ? set->n : 0;
}

const struct ld_profile *ld_profile_set_at(const struct ld_profile_set *set, size_t i)
{
	return set && i < set->n ? set->v[i] : NULL;
}

const struct ld_profile *ld_profile_set_find(const struct ld_profile_set *set, const char *name)
{
	if (!set || !name)
		return NULL;
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->v[i]->name, name) == 0)
			return set->v[i];
	return NULL;
}
