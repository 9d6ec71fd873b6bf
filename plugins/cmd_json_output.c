/* cmd_json_output.c — how a command ends its JSON document (see plugins.h):
 * the warnings collected while it ran go last, the document is printed the
 * one way every command prints, released, and a failed write becomes the
 * command's error and exit status. Kept in one place so that no command's
 * document can drift from the others' (the schema, man/lpcdump.1). */
#include "plugins.h"
#include "../analyzer/report/report.h"

int ld_cmd_json_finish(struct ld_cmd_ctx *ctx, const char *cmd, json_t *doc)
{
	ld_json_set(doc, "warnings", ld_json_warnings());
	ld_status st = ld_json_print(ctx->out, doc);
	return st == LD_OK ? LD_EXIT_OK : ld_cmd_error(cmd, st, "%s", ld_errmsg());
}

int ld_cmd_json_or_text(struct ld_cmd_ctx *ctx, const char *cmd, bool json, const char *schema,
			ld_cmd_body_fn *body, void *arg)
{
	if (!json)
		return body(ctx, NULL, arg);
	json_t *doc = json_object();
	if (schema)
		ld_json_set(doc, "schema", json_string(schema));
	int rc = body(ctx, doc, arg);
	if (rc != LD_EXIT_OK) {
		/* The body has printed its error; half a document would only mislead. */
		json_decref(doc);
		return rc;
	}
	return ld_cmd_json_finish(ctx, cmd, doc);
}
