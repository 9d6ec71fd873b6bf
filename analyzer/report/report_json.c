/*
 * report_json.c — JSON building blocks shared by the commands (see report.h).
 */
#include "report.h"

#include <inttypes.h>

json_t *ld_json_addr(uint64_t va)
{
	char buf[24];
	snprintf(buf, sizeof buf, "0x%" PRIx64, va);
	return json_string(buf);
}

json_t *ld_json_addr_or_null(uint64_t va)
{
	return va ? ld_json_addr(va) : json_null();
}

json_t *ld_json_u64(uint64_t v)
{
	if (v <= (uint64_t)INT64_MAX)
		return json_integer((json_int_t)v);
	char buf[24];
	snprintf(buf, sizeof buf, "%" PRIu64, v);
	return json_string(buf);
}

json_t *ld_json_str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

json_t *ld_json_unavailable(ld_status st, const char *reason)
{
	json_t *o = json_object();
	ld_json_set(o, "unavailable", json_string(ld_status_name(st)));
	ld_json_set(o, "reason", ld_json_str_or_null(reason));
	return o;
}

json_t *ld_json_filetime(uint64_t filetime)
{
	char buf[40];
	if (!filetime || !ld_filetime_iso(filetime, buf, sizeof buf))
		return json_null();
	return json_string(buf);
}

json_t *ld_json_warnings(void)
{
	json_t *a = json_array();
	for (size_t i = 0; i < ld_warn_count(); i++)
		json_array_append_new(a, json_string(ld_warn_get(i)));
	if (ld_warn_dropped()) {
		char buf[64];
		snprintf(buf, sizeof buf, "%zu more warnings not shown", ld_warn_dropped());
		json_array_append_new(a, json_string(buf));
	}
	return a;
}

void ld_json_set(json_t *obj, const char *key, json_t *value)
{
	json_object_set_new(obj, key, value ? value : json_null());
}

ld_status ld_json_print(FILE *out, json_t *doc)
{
	int rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (rc != 0 || fputc('\n', out) == EOF)
		return ld_fail(LD_ERR_IO, "writing JSON output failed");
	return LD_OK;
}

const char *ld_text_addr(char *buf, size_t len, uint64_t va)
{
	if (va)
		snprintf(buf, len, "0x%" PRIx64, va);
	else
		snprintf(buf, len, "-");
	return buf;
}
