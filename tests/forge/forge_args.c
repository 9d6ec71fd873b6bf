/* forge_args.c — the argument helpers the LPC and ALPC directives share
 * (forge_lpc.c, forge_alpc.c): both families spell flags, threads, message
 * data and port names the same way in a scenario, so one parser serves both. */
#include "forge-priv.h"
#include "forge_objects.h"
#include <stdio.h>
#include <string.h>

/* A bare word on the line (`waitable`, `absent` …), or key=VALUE present. */
bool fg_arg_flag(int argc, char **argv, const char *word)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], word))
			return true;
	return fg_arg(argc, argv, word) != NULL;
}

uint64_t fg_arg_thread(struct fg_machine *m, int argc, char **argv, const char *key, const char *where)
{
	const char *s = fg_arg(argc, argv, key);
	uint64_t et = s ? fg_thread_by_tid(m, fg_parse_u64_or_die(where, key, s)) : 0;
	if (!et)
		fg_die(where, "%s=%s: no such thread", key, s ? s : "(missing)");
	return et;
}

size_t fg_arg_hex(const char *hex, uint8_t *out, size_t max, const char *where)
{
	size_t n = 0;
	for (const char *p = hex; p && *p; p += 2) {
		unsigned v;
		if (!p[1] || sscanf(p, "%2x", &v) != 1 || n == max)
			fg_die(where, "data=%s: pairs of hex digits, at most %zu bytes", hex, max);
		out[n++] = (uint8_t)v;
	}
	return n;
}

void fg_split_path(const char *path, char *dir, size_t max, const char **leaf)
{
	const char *slash = strrchr(path, '\\');
	size_t n = (size_t)(slash - path);
	if (n == 0)
		n = 1;   /* "\Foo" lives in the root */
	if (n >= max)
		n = max - 1;
	memcpy(dir, path, n);
	dir[n] = '\0';
	*leaf = slash + 1;
}
