/* object_directory.c — the object namespace: directory hash chains (37
 * buckets), lookups by path, full paths of named objects, listings. */
#include "model-priv.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define LD_DIR_MAX_BUCKETS 64u
#define LD_DIR_CHAIN_LIMIT 65536u
#define LD_DIR_MAX_DEPTH 32u

uint64_t ld_model_global_ptr(struct ld_kernel *k, uint64_t var_va)
{
	uint64_t v;
	if (!var_va || ld_kernel_read_ptr(k, var_va, &v) != LD_OK || !ld_kernel_is_kva(k, v))
		return 0;
	return v;
}

uint64_t ld_model_root_directory(struct ld_kernel *k)
{
	/* KDBG.ObpRootDirectoryObject is the address of the variable. */
	return ld_model_global_ptr(k, ld_kernel_info(k)->obp_root_directory_object);
}

/* One hash chain: entries linked by ChainLink, Brent-checked for loops. */
static bool chain_walk(struct ld_kernel *k, struct ld_model *m, uint64_t dir, unsigned bucket,
		       uint64_t entry, ld_model_dir_fn fn, void *arg)
{
	/* Brent, with the tortoise taken at the first entry: a self-loop (the
	 * usual tear) is caught before anything is reported twice. */
	uint64_t tortoise = 0;
	size_t power = 1, lam = 1;
	for (size_t n = 0; entry; n++) {
		if (!ld_kernel_is_kva(k, entry)) {
			ld_warn("directory %#llx bucket %u: bad entry pointer %#llx", (unsigned long long)dir,
				bucket, (unsigned long long)entry);
			return true;
		}
		if (entry == tortoise || n >= LD_DIR_CHAIN_LIMIT) {
			ld_warn("directory %#llx bucket %u: chain %s at %#llx after %zu entries",
				(unsigned long long)dir, bucket, entry == tortoise ? "loops" : "too long",
				(unsigned long long)entry, n);
			return true;
		}
		uint64_t obj = ld_model_read_or(k, entry, &m->f.de_object, 0);
		if (obj && ld_kernel_is_kva(k, obj) && !fn(k, m, obj, arg))
			return false;
		if (lam == power) {
			tortoise = entry;
			power *= 2;
			lam = 0;
		}
		lam++;
		uint64_t next;
		if (ld_read_field(k, entry, &m->f.de_chain, &next) != LD_OK) {
			ld_warn("directory %#llx bucket %u: entry %#llx unreadable", (unsigned long long)dir,
				bucket, (unsigned long long)entry);
			return true;
		}
		entry = next;
	}
	return true;
}

ld_status ld_model_dir_each(struct ld_kernel *k, struct ld_model *m, uint64_t dir, ld_model_dir_fn fn,
			    void *arg)
{
	if (!m->f.od_buckets.valid || !m->f.de_object.valid || !m->f.de_chain.valid)
		return ld_fail(LD_ERR_NOT_FOUND, "profile lacks OBJECT_DIRECTORY fields");
	unsigned ps = ld_kernel_ptr_size(k);
	unsigned nb = m->f.od_buckets.count ? m->f.od_buckets.count : 37;
	if (nb > LD_DIR_MAX_BUCKETS)
		nb = LD_DIR_MAX_BUCKETS;
	for (unsigned b = 0; b < nb; b++) {
		uint64_t entry;
		if (ld_kernel_read_ptr(k, dir + m->f.od_buckets.off + (uint64_t)b * ps, &entry) != LD_OK)
			return ld_fail(LD_ERR_PAGED_OUT, "directory %#llx: bucket %u unreadable",
				       (unsigned long long)dir, b);
		if (!chain_walk(k, m, dir, b, entry, fn, arg))
			return LD_OK;
		if (ld_check_interrupt())
			return ld_fail(LD_ERR_INTERRUPTED, "listing directory %#llx", (unsigned long long)dir);
	}
	return LD_OK;
}

struct find_arg {
	const char *name;
	uint64_t found;
};

static bool find_cb(struct ld_kernel *k, struct ld_model *m, uint64_t obj, void *arg)
{
	struct find_arg *fa = arg;
	char name[256];
	uint64_t dir;
	if (!m->f.oh_body.valid)
		return false;
	if (ld_model_object_name(k, m, obj - m->f.oh_body.off, name, sizeof(name), &dir) != LD_OK)
		return true;
	if (strcasecmp(name, fa->name) != 0)
		return true;
	fa->found = obj;
	return false;
}

uint64_t ld_model_dir_find(struct ld_kernel *k, struct ld_model *m, uint64_t dir, const char *name)
{
	struct find_arg fa = { name, 0 };
	(void)ld_model_dir_each(k, m, dir, find_cb, &fa);
	return fa.found;
}

/* Walk "\A\B" from the root; each component must exist. */
static ld_status path_lookup(struct ld_kernel *k, struct ld_model *m, const char *path, uint64_t *out)
{
	uint64_t cur = ld_model_root_directory(k);
	if (!cur)
		return ld_fail(LD_ERR_NOT_FOUND, "the root directory is unknown (no KDBG ObpRootDirectoryObject)");
	const char *p = path;
	while (*p) {
		while (*p == '\\')
			p++;
		if (!*p)
			break;
		char comp[256];
		size_t n = strcspn(p, "\\");
		if (n >= sizeof(comp))
			return ld_fail(LD_ERR_ARG, "path component too long in %s", path);
		memcpy(comp, p, n);
		comp[n] = '\0';
		cur = ld_model_dir_find(k, m, cur, comp);
		if (!cur)
			return ld_fail(LD_ERR_NOT_FOUND, "no object %s in the namespace (at \"%s\")", path, comp);
		p += n;
	}
	*out = cur;
	return LD_OK;
}

ld_status ld_object_path(struct ld_kernel *k, uint64_t body, char *out, size_t max)
{
	struct ld_model *m;
	ld_status st = ld_model_get(k, &m);
	if (st != LD_OK)
		return st;
	out[0] = '\0';
	uint64_t root = ld_model_root_directory(k);
	if (body == root && root) {
		snprintf(out, max, "\\");
		return LD_OK;
	}
	char comps[LD_DIR_MAX_DEPTH][256];
	unsigned depth = 0;
	uint64_t cur = body;
	while (depth < LD_DIR_MAX_DEPTH) {
		uint64_t dir;
		st = ld_model_object_name(k, m, cur - m->f.oh_body.off, comps[depth], sizeof(comps[0]), &dir);
		if (st != LD_OK)
			return st;
		if (!comps[depth][0])
			return ld_fail(LD_ERR_NOT_FOUND, "object %#llx has no name", (unsigned long long)cur);
		depth++;
		if (!dir || dir == root)
			break;
		cur = dir;
	}
	if (depth == LD_DIR_MAX_DEPTH)
		return ld_fail(LD_ERR_LIMIT, "object %#llx: directory chain deeper than %u",
			       (unsigned long long)body, LD_DIR_MAX_DEPTH);
	size_t pos = 0;
	for (unsigned i = depth; i-- > 0 && pos < max;)
		pos += (size_t)snprintf(out + pos, max - pos, "\\%s", comps[i]);
	return LD_OK;
}

struct list_arg {
	bool (*fn)(const struct ld_dirent *e, void *arg);
	void *arg;
	const char *prefix;
	bool recurse, stop;
	unsigned depth;
	struct ld_vec *listed;       /* directories already listed (recursion) */
};

/* A directory reachable twice (a hostile namespace: A holds A, or A holds B
 * twice) is listed once; otherwise a recursive listing could grow
 * exponentially with the depth. */
static bool first_visit(struct list_arg *la, uint64_t dir)
{
	for (size_t i = 0; i < la->listed->len; i++)
		if (*(uint64_t *)ld_vec_at(la->listed, i) == dir)
			return false;
	return ld_vec_push(la->listed, &dir) == LD_OK;
}

static ld_status dir_list(struct ld_kernel *k, struct ld_model *m, uint64_t dir, struct list_arg *la);

static bool list_cb(struct ld_kernel *k, struct ld_model *m, uint64_t obj, void *arg)
{
	struct list_arg *la = arg;
	struct ld_object o;
	struct ld_dirent e;
	memset(&e, 0, sizeof(e));
	e.object = obj;
	if (ld_object_get(k, obj, &o) == LD_OK) {
		snprintf(e.name, sizeof(e.name), "%s", o.name);
		snprintf(e.type_name, sizeof(e.type_name), "%s", o.type_name);
	}
	bool root = strcmp(la->prefix, "\\") == 0;
	snprintf(e.path, sizeof(e.path), "%s%s%s", la->prefix, root ? "" : "\\", e.name);
	if (!la->fn(&e, la->arg)) {
		la->stop = true;
		return false;
	}
	if (la->recurse && strcmp(e.type_name, "Directory") == 0 && la->depth < LD_DIR_MAX_DEPTH &&
	    first_visit(la, obj)) {
		struct list_arg sub = *la;
		sub.prefix = e.path;
		sub.depth++;
		(void)dir_list(k, m, obj, &sub);
		if (sub.stop) {
			la->stop = true;
			return false;
		}
	}
	return true;
}

static ld_status dir_list(struct ld_kernel *k, struct ld_model *m, uint64_t dir, struct list_arg *la)
{
	return ld_model_dir_each(k, m, dir, list_cb, la);
}

ld_status ld_directory_walk(struct ld_kernel *k, const char *path, bool recurse,
			    bool (*fn)(const struct ld_dirent *e, void *arg), void *arg)
{
	struct ld_model *m;
	ld_status st = ld_model_get(k, &m);
	if (st != LD_OK)
		return st;
	uint64_t dir = 0;
	if ((st = path_lookup(k, m, path ? path : "\\", &dir)) != LD_OK)
		return st;
	/* Listing anything else would read its body as hash buckets. */
	struct ld_object o;
	if (ld_object_get(k, dir, &o) == LD_OK && o.type_name[0] && strcmp(o.type_name, "Directory") != 0)
		return ld_fail(LD_ERR_ARG, "%s is not a directory (it is a%s %s object)", path,
			       strchr("AEIOU", o.type_name[0]) ? "n" : "", o.type_name);
	/* Entries are named by the directory's own path, not the user's spelling. */
	char prefix[512];
	if (ld_object_path(k, dir, prefix, sizeof(prefix)) != LD_OK || !prefix[0])
		snprintf(prefix, sizeof(prefix), "%s", path && path[0] ? path : "\\");
	size_t n = strlen(prefix);
	while (n > 1 && prefix[n - 1] == '\\')
		prefix[--n] = '\0';
	struct ld_vec listed;
	ld_vec_init(&listed, sizeof(uint64_t));
	(void)ld_vec_push(&listed, &dir);
	struct list_arg la = { .fn = fn, .arg = arg, .prefix = prefix, .recurse = recurse, .listed = &listed };
	st = dir_list(k, m, dir, &la);
	ld_vec_free(&listed);
	return st;
}
