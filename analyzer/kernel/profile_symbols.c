/*
 * profile_symbols.c — which ISF in a --symbols directory belongs to this
 * kernel: the one named after the PDB identity in ntoskrnl's RSDS record
 * (kernel_pdb.c), as Volatility 3 lays out its symbol directories
 * (windows/ntkrnlmp.pdb/GUID-AGE.json.xz). The search is bounded in depth and
 * in directory entries.
 */
#include "profile-choose-priv.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define SYMBOLS_DIR_DEPTH 4      /* volatility3/symbols/windows/ntkrnlmp.pdb/GUID-AGE.json.xz */
#define SYMBOLS_DIR_ENTRIES 20000u

static bool name_matches_pdb(const char *file, const struct ld_kernel_pdb *pdb)
{
	char want[3][64];
	snprintf(want[0], sizeof want[0], "%s-%u.json", pdb->guid, pdb->age);
	snprintf(want[1], sizeof want[1], "%s%X.json", pdb->guid, pdb->age);
	snprintf(want[2], sizeof want[2], "%s-%X.json", pdb->guid, pdb->age);
	for (int i = 0; i < 3; i++) {
		size_t n = strlen(want[i]);
		if (strncasecmp(file, want[i], n) == 0 && (file[n] == 0 || strcmp(file + n, ".xz") == 0))
			return true;
	}
	return false;
}

/* Depth-first search for the ISF named after the PDB; *budget bounds entries. */
static bool find_isf(const char *dir, const struct ld_kernel_pdb *pdb, int depth, unsigned *budget,
		     char *out, size_t outlen)
{
	DIR *d = opendir(dir);
	if (!d)
		return false;
	struct dirent *e;
	bool found = false;
	while (!found && (e = readdir(d)) != NULL && (*budget)-- > 0) {
		if (e->d_name[0] == '.')
			continue;
		char path[4096];
		struct stat sb;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (stat(path, &sb) != 0)
			continue;
		if (S_ISDIR(sb.st_mode) && depth > 0)
			found = find_isf(path, pdb, depth - 1, budget, out, outlen);
		else if (S_ISREG(sb.st_mode) && name_matches_pdb(e->d_name, pdb)) {
			snprintf(out, outlen, "%s", path);
			found = true;
		}
	}
	closedir(d);
	return found;
}

ld_status ld_symbols_isf_path(struct ld_kernel *k, const char *symbols, char *path, size_t len)
{
	struct stat sb;
	if (stat(symbols, &sb) != 0)
		return ld_fail(LD_ERR_IO, "--symbols %s: no such file or directory", symbols);
	if (!S_ISDIR(sb.st_mode)) {
		snprintf(path, len, "%s", symbols);
		return LD_OK;
	}
	struct ld_kernel_pdb pdb;
	ld_status st = ld_kernel_pdb_identity(k, &pdb);
	if (st != LD_OK)
		return ld_fail_ctx(st, "--symbols %s: cannot tell which ISF fits this kernel", symbols);
	unsigned budget = SYMBOLS_DIR_ENTRIES;
	if (!find_isf(symbols, &pdb, SYMBOLS_DIR_DEPTH, &budget, path, len))
		return ld_fail(LD_ERR_NOT_FOUND, "--symbols %s: no ISF for %s GUID %s age %u", symbols,
			       *pdb.name ? pdb.name : "the kernel", pdb.guid, pdb.age);
	return LD_OK;
}

