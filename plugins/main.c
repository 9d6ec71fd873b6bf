/*
 * main.c — the lpcdump command line.
 *
 *   lpcdump [OPTIONS] DUMP                 the triage report (default command)
 *   lpcdump [OPTIONS] COMMAND [ARGS] DUMP  any command from the table
 *
 * Global options may appear anywhere; the dump is the first positional
 * argument that names an existing file or a target URL (gdb://, mem://), so
 * `lpcdump info --json x.dmp` and `lpcdump lpc message 0x12 x.dmp` both work.
 */
#include "config.h"
#include "plugins.h"

#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: lpcdump [OPTIONS] DUMP\n"
		"       lpcdump [OPTIONS] COMMAND [ARGS] DUMP\n"
		"\n"
		"Options:\n"
		"  --json               one JSON document instead of text\n"
		"  --format NAME        force the input format (see `lpcdump help formats`)\n"
		"  --profile NAME       force a structure profile (see `lpcdump profiles`)\n"
		"  --symbols FILE|DIR   use a Volatility 3 ISF symbol table\n"
		"  --dtb ADDR           override the kernel directory table base\n"
		"  --kdbg ADDR          override the KDBG virtual address\n"
		"  --min-wait SECONDS   report only waits at least this long\n"
		"  --stuck-exit         exit 1 when stuck chains are found\n"
		"  -q, --quiet          no warnings on stderr\n"
		"  -i                   interactive shell (same as `shell`)\n"
		"  -h, --help           this text; `lpcdump help` lists commands\n"
		"  -V, --version        print the version\n");
}

static bool is_target(const char *s)
{
	struct stat st;
	if (strstr(s, "://"))
		return true;
	return stat(s, &st) == 0 && !S_ISDIR(st.st_mode);
}

static void on_sigint(int sig)
{
	(void)sig;
	ld_interrupted = 1;
}

enum { OPT_JSON = 256, OPT_FORMAT, OPT_PROFILE, OPT_SYMBOLS, OPT_DTB, OPT_KDBG, OPT_MIN_WAIT,
       OPT_STUCK_EXIT };

static const struct option long_opts[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "symbols", required_argument, NULL, OPT_SYMBOLS },
	{ "dtb", required_argument, NULL, OPT_DTB },
	{ "kdbg", required_argument, NULL, OPT_KDBG },
	{ "min-wait", required_argument, NULL, OPT_MIN_WAIT },
	{ "stuck-exit", no_argument, NULL, OPT_STUCK_EXIT },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ 0, 0, 0, 0 }
};

/* Split argv into global options (consumed into ctx) and the rest, which keeps
 * command-specific options for the command to parse. Unknown long options are
 * passed through to the command. */
static int parse_globals(struct ld_cmd_ctx *ctx, int argc, char **argv, char **rest, int *nrest,
			 bool *interactive)
{
	*nrest = 0;
	for (int i = 1; i < argc; i++) {
		char *a = argv[i];
		const char *val = NULL;
		int id = 0;
		if (!strcmp(a, "--")) {
			for (i++; i < argc; i++)
				rest[(*nrest)++] = argv[i];
			break;
		}
		if (!strcmp(a, "-i")) { *interactive = true; continue; }
		if (!strcmp(a, "-q")) { ctx->quiet = true; continue; }
		if (!strcmp(a, "-h")) { usage(stdout); exit(LD_EXIT_OK); }
		if (!strcmp(a, "-V")) { rest[(*nrest)++] = (char *)"version"; continue; }
		if (strncmp(a, "--", 2) != 0) { rest[(*nrest)++] = a; continue; }
		const char *eq = strchr(a, '=');
		size_t nlen = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
		const struct option *o = NULL;
		for (const struct option *p = long_opts; p->name; p++)
			if (strlen(p->name) == nlen && !strncmp(p->name, a + 2, nlen))
				o = p;
		if (!o) { rest[(*nrest)++] = a; continue; }
		id = o->val;
		if (o->has_arg == required_argument) {
			if (eq)
				val = eq + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else {
				fprintf(stderr, "lpcdump: option --%s needs a value\n", o->name);
				return LD_EXIT_USAGE;
			}
		}
		switch (id) {
		case OPT_JSON: ctx->json = true; break;
		case OPT_FORMAT: ctx->kopts.format = val; break;
		case OPT_PROFILE: ctx->kopts.profile = val; break;
		case OPT_SYMBOLS: ctx->kopts.symbols = val; break;
		case OPT_DTB:
			if (!ld_cmd_parse_u64(ctx, val, &ctx->kopts.dtb)) {
				fprintf(stderr, "lpcdump: --dtb: not an address: %s\n", val);
				return LD_EXIT_USAGE;
			}
			ctx->kopts.has_dtb = true;
			break;
		case OPT_KDBG:
			if (!ld_cmd_parse_u64(ctx, val, &ctx->kopts.kdbg_va)) {
				fprintf(stderr, "lpcdump: --kdbg: not an address: %s\n", val);
				return LD_EXIT_USAGE;
			}
			break;
		case OPT_MIN_WAIT: {
			char *end;
			ctx->min_wait = strtod(val, &end);
			if (*end || ctx->min_wait < 0) {
				fprintf(stderr, "lpcdump: --min-wait: not a number of seconds: %s\n", val);
				return LD_EXIT_USAGE;
			}
			break;
		}
		case OPT_STUCK_EXIT: ctx->stuck_exit = true; break;
		case 'q': ctx->quiet = true; break;
		case 'h': usage(stdout); exit(LD_EXIT_OK);
		case 'V': rest[(*nrest)++] = (char *)"version"; break;
		}
	}
	return LD_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct ld_cmd_ctx ctx = { .out = stdout, .min_wait = -1 };
	char **rest = calloc((size_t)argc + 2, sizeof *rest);
	int nrest = 0, rc;
	bool interactive = false;

	if (!rest)
		return LD_EXIT_ANALYSIS;
	signal(SIGINT, on_sigint);
	rc = parse_globals(&ctx, argc, argv, rest, &nrest, &interactive);
	if (rc != LD_EXIT_OK)
		goto out;

	/* The command: the first positional if it names one, else the default. */
	const struct ld_command *cmd = NULL;
	int first = 0;
	if (nrest > 0 && (cmd = ld_command_find(rest[0])) != NULL)
		first = 1;
	/* `lpcdump -c 'CMD; CMD' DUMP` is the shell's script mode, as with -i. */
	for (int i = 0; !cmd && i < nrest; i++)
		if (!strcmp(rest[i], "-c"))
			interactive = true;
	if (!cmd)
		cmd = ld_command_find(interactive ? "shell" : "triage");
	if (!cmd)
		cmd = ld_command_find("info");   /* until the triage report exists */
	if (!cmd) {
		usage(stderr);
		rc = LD_EXIT_USAGE;
		goto out;
	}

	/* The dump: the first positional after the command naming a file or URL. */
	char **cargv = calloc((size_t)nrest + 2, sizeof *cargv);
	int cargc = 0;
	if (!cargv) {
		rc = LD_EXIT_ANALYSIS;
		goto out;
	}
	cargv[cargc++] = (char *)cmd->name;
	for (int i = first; i < nrest; i++) {
		if (!ctx.dump_path && rest[i][0] != '-' && is_target(rest[i]))
			ctx.dump_path = rest[i];
		else
			cargv[cargc++] = rest[i];
	}

	if (cmd->flags & LD_CMD_NEEDS_KERNEL) {
		if (!ctx.dump_path) {
			if (cargc > 1 && cargv[cargc - 1][0] != '-')
				fprintf(stderr, "lpcdump: %s: cannot open %s: no such file\n", cmd->name,
					cargv[cargc - 1]);
			else
				fprintf(stderr, "lpcdump: %s: no dump given\nusage: lpcdump %s\n", cmd->name,
					cmd->usage);
			rc = nrest == 0 ? LD_EXIT_USAGE : LD_EXIT_INPUT;
			if (nrest == 0)
				usage(stderr);
			free(cargv);
			goto out;
		}
		ld_status st = ld_kernel_open(ctx.dump_path, &ctx.kopts, &ctx.k);
		if (st != LD_OK) {
			rc = ld_cmd_error(cmd->name, st, "%s: %s", ctx.dump_path, ld_errmsg());
			if (rc == LD_EXIT_ANALYSIS)
				rc = LD_EXIT_INPUT;
			free(cargv);
			goto out;
		}
	}
	rc = cmd->run(&ctx, cargc, cargv);
	/* A live target that went away meanwhile: what was shown is not all. */
	if (ctx.k && ld_source_status(ld_kernel_source(ctx.k)) != LD_OK) {
		rc = ld_cmd_error(cmd->name, ld_source_status(ld_kernel_source(ctx.k)), "%s: %s",
				  ctx.dump_path, ld_errmsg());
		rc = rc == LD_EXIT_ANALYSIS ? LD_EXIT_INPUT : rc;   /* as when it dies on open */
	}
	if (!ctx.json)
		ld_cmd_print_warnings(&ctx);
	free(cargv);
	ld_kernel_close(ctx.k);
out:
	free(rest);
	ld_warn_clear();
	return rc;
}
