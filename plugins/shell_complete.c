/*
 * shell_complete.c — Tab completion in the shell: command names and aliases,
 * subcommands and options (read from each command's usage line, so commands
 * added to the table later complete too), type and field names for `dt`, pids and process
 * names, #N rows of the last listing, and addresses already shown.
 */
#include "shell-priv.h"
#include "../analyzer/model/model.h"

#include <histedit.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Enough for every type of a profile; beyond this we stop collecting. */
#define MAX_CANDIDATES 4096u
#define MAX_ROW_CANDIDATES 500u

static void words_of_usage(const char *usage, bool options, void (*fn)(const char *, void *), void *arg)
{
	char word[64];
	for (const char *p = usage; p && *p;) {
		p += strspn(p, " [|]");
		size_t n = strcspn(p, " [|]");
		if (n && n < sizeof word && p[0] == '-' && options) {
			memcpy(word, p, n);
			word[n] = 0;
			/* "--type NAME", "--min-wait=SECONDS": the option only */
			word[strcspn(word, "=")] = 0;
			fn(word, arg);
		}
		p += n;
	}
}

/* Subcommands: the lowercase words of a usage line other than the command
 * ("lpc message [ID] | port [ADDR] | thread [ADDR]" → message, port, thread). */
static void subcommands_of_usage(const struct ld_command *c, void (*fn)(const char *, void *), void *arg)
{
	char word[64];
	for (const char *p = c->usage; *p;) {
		p += strspn(p, " [|]");
		size_t n = strcspn(p, " [|]");
		bool lower = n > 0 && n < sizeof word;
		for (size_t i = 0; lower && i < n; i++)
			lower = (p[i] >= 'a' && p[i] <= 'z') || (i > 0 && p[i] == '-');
		if (lower) {
			memcpy(word, p, n);
			word[n] = 0;
			if (strcmp(word, c->name) != 0)
				fn(word, arg);
		}
		p += n;
	}
}

static void complete_commands(void (*fn)(const char *, void *), void *arg)
{
	for (size_t i = 0; ld_command_at(i); i++) {
		const struct ld_command *c = ld_command_at(i);
		if (!(c->flags & LD_CMD_HIDDEN) && strcmp(c->name, "shell") != 0)
			fn(c->name, arg);
	}
	for (const char *const *a = shell_alias_names(); *a; a++)
		fn(*a, arg);
}

static void complete_types(struct ld_cmd_ctx *ctx, char **words, int nwords,
			   void (*fn)(const char *, void *), void *arg)
{
	const struct ld_profile *p = ctx->k ? ld_kernel_profile(ctx->k) : NULL;
	if (!p)
		return;
	if (nwords == 1) {
		for (size_t i = 0; i < ld_profile_ntypes(p) && i < MAX_CANDIDATES; i++)
			fn(ld_profile_type_at(p, i)->name, arg);
		return;
	}
	const struct ld_type *t = ld_profile_type(p, words[1]);
	for (size_t i = 0; t && i < t->nfields; i++)
		fn(t->fields[i].name, arg);
}

static void complete_processes(struct ld_cmd_ctx *ctx, bool pids, bool names,
			       void (*fn)(const char *, void *), void *arg)
{
	const struct ld_system *sys;
	if (!ctx->k || ld_system_get(ctx->k, &sys) != LD_OK)
		return;
	for (size_t i = 0; i < sys->nprocesses && i < MAX_CANDIDATES; i++) {
		char b[32];
		snprintf(b, sizeof b, "%" PRIu64, sys->processes[i].pid);
		if (pids)
			fn(b, arg);
		if (names && sys->processes[i].name[0])
			fn(sys->processes[i].name, arg);
	}
}

static void complete_rows(struct ld_cmd_ctx *ctx, void (*fn)(const char *, void *), void *arg)
{
	size_t n = ld_session_nrows(ctx->session);
	for (size_t i = 1; i <= n && i <= MAX_ROW_CANDIDATES; i++) {
		char b[16];
		snprintf(b, sizeof b, "#%zu", i);
		fn(b, arg);
	}
}

static void complete_addresses(struct ld_cmd_ctx *ctx, void (*fn)(const char *, void *), void *arg)
{
	size_t n = ld_session_seen_count(ctx->session);
	for (size_t i = n; i-- > 0;) {   /* newest first */
		char b[24];
		snprintf(b, sizeof b, "0x%" PRIx64, ld_session_seen_at(ctx->session, i));
		fn(b, arg);
	}
}

void shell_complete_candidates(struct ld_cmd_ctx *ctx, char **words, int nwords, const char *prefix,
			       void (*fn)(const char *cand, void *arg), void *arg)
{
	if (nwords == 0 || (nwords == 1 && !strcmp(words[0], "help"))) {
		complete_commands(fn, arg);
		return;
	}
	const struct ld_command *c = ld_command_find(words[0]);
	const char *usage = c ? c->usage : "";
	if (prefix[0] == '-') {
		words_of_usage(usage, true, fn, arg);
		words_of_usage("--json --min-wait --stuck-exit -q", true, fn, arg);
		return;
	}
	if (prefix[0] == '#') {
		complete_rows(ctx, fn, arg);
		return;
	}
	if (c && nwords == 1)
		subcommands_of_usage(c, fn, arg);
	if (!strcmp(words[0], "dt") && (nwords == 1 || (prefix[0] && !strchr("0123456789", prefix[0]))))
		complete_types(ctx, words, nwords, fn, arg);
	/* !process and process take a name too (shell_alias.c). */
	bool is_process = !strcmp(words[0], "!process") || (!strcmp(words[0], "process") && !c);
	if (is_process || strstr(usage, "PID"))
		complete_processes(ctx, true, is_process, fn, arg);
	if (!strncmp(prefix, "0x", 2) || strstr(usage, "ADDR") || strstr(usage, "THREAD") ||
	    !strcmp(words[0], "!thread"))
		complete_addresses(ctx, fn, arg);
}

/* ---- the libedit key ---- */

struct matches {
	const char *prefix;
	size_t plen;
	char **items;
	size_t n;
};

static void add_match(const char *cand, void *arg)
{
	struct matches *m = arg;
	if (m->n >= MAX_CANDIDATES || strncmp(cand, m->prefix, m->plen) != 0)
		return;
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->items[i], cand))
			return;
	char *copy = strdup(cand);
	if (copy)
		m->items[m->n++] = copy;
}

static size_t common_length(const struct matches *m)
{
	size_t len = strlen(m->items[0]);
	for (size_t i = 1; i < m->n; i++) {
		size_t j = 0;
		while (j < len && m->items[i][j] == m->items[0][j])
			j++;
		len = j;
	}
	return len;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_matches(const struct matches *m)
{
	size_t width = 0;
	for (size_t i = 0; i < m->n; i++)
		if (strlen(m->items[i]) > width)
			width = strlen(m->items[i]);
	size_t cols = 80 / (width + 2);
	if (!cols)
		cols = 1;
	fputc('\n', stdout);
	for (size_t i = 0; i < m->n; i++)
		printf("%-*s%s", (int)(width + 2), m->items[i], (i + 1) % cols == 0 || i + 1 == m->n ? "\n" : "");
	fflush(stdout);
}

/* Words of the current command before the cursor (after the last ';'). */
static int split_words(char *text, char **words, int max, char **partial)
{
	char *start = strrchr(text, ';');
	start = start ? start + 1 : text;
	int n = 0;
	char *save = NULL;
	size_t len = strlen(start);
	bool ends_blank = len == 0 || start[len - 1] == ' ' || start[len - 1] == '\t';
	for (char *tok = strtok_r(start, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save))
		if (n < max)
			words[n++] = tok;
	if (ends_blank || n == 0) {
		*partial = NULL;
		return n;
	}
	*partial = words[--n];
	return n;
}

unsigned char shell_complete_key(struct editline *el, int ch)
{
	(void)ch;
	struct ld_cmd_ctx **ctxp = NULL;
	el_get(el, EL_CLIENTDATA, &ctxp);
	const LineInfo *li = el_line(el);
	char text[SHELL_MAX_LINE];
	size_t len = (size_t)(li->cursor - li->buffer);
	if (!ctxp || len >= sizeof text)
		return CC_ERROR;
	memcpy(text, li->buffer, len);
	text[len] = 0;
	char *words[SHELL_MAX_WORDS], *partial;
	int nwords = split_words(text, words, (int)SHELL_MAX_WORDS, &partial);
	char *items[MAX_CANDIDATES];
	struct matches m = { .prefix = partial ? partial : "", .items = items };
	m.plen = strlen(m.prefix);
	shell_complete_candidates(*ctxp, words, nwords, m.prefix, add_match, &m);
	unsigned char rc = CC_REFRESH_BEEP;
	if (m.n == 1) {
		el_insertstr(el, m.items[0] + m.plen);
		el_insertstr(el, " ");
		rc = CC_REFRESH;
	} else if (m.n > 1) {
		size_t common = common_length(&m);
		char extra[256];
		if (common > m.plen && common - m.plen < sizeof extra) {
			memcpy(extra, m.items[0] + m.plen, common - m.plen);
			extra[common - m.plen] = 0;
			el_insertstr(el, extra);
			rc = CC_REFRESH;
		} else {
			qsort(m.items, m.n, sizeof *m.items, by_name);
			list_matches(&m);
			rc = CC_REDISPLAY;
		}
	}
	for (size_t i = 0; i < m.n; i++)
		free(m.items[i]);
	return rc;
}
