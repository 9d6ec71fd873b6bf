/* object_header.c — OBJECT_HEADER decoding for every build family: the type
 * (pointer, TypeIndex, TypeIndex ^ cookie), counts and the name info. */
#include "model-priv.h"

#include <stdio.h>
#include <string.h>

/* NAME_INFO sits before the header: NT5/Vista at NameInfoOffset bytes; 7+
 * after every optional header whose InfoMask bit is at or below NameInfo's. */
static uint64_t name_info_addr(struct ld_kernel *k, struct ld_model *m, const struct ld_record *r)
{
	uint64_t header = r->base;
	if (m->f.oh_name_off.valid) {
		uint64_t off = ld_record_field_or(k, r, &m->f.oh_name_off, 0);
		return off ? header - off : 0;
	}
	if (!m->f.oh_info_mask.valid)
		return 0;
	uint64_t mask = ld_record_field_or(k, r, &m->f.oh_info_mask, 0);
	if (!(mask & 0x02) || !m->info_size[1])
		return 0;
	uint64_t addr = header - m->info_size[1];
	if (mask & 0x01)
		addr -= m->info_size[0];
	return addr;
}

static ld_status object_name(struct ld_kernel *k, struct ld_model *m, const struct ld_record *r,
			     char *name, size_t max, uint64_t *directory)
{
	name[0] = '\0';
	*directory = 0;
	uint64_t ni = name_info_addr(k, m, r);
	if (!ni)
		return LD_OK;   /* unnamed */
	*directory = ld_model_read_or(k, ni, &m->f.ni_dir, 0);
	if (!m->f.ni_name.valid)
		return LD_OK;
	return ld_read_unicode_string(k, ni + m->f.ni_name.off, name, max);
}

ld_status ld_model_object_name(struct ld_kernel *k, struct ld_model *m, uint64_t header,
			       char *name, size_t max, uint64_t *directory)
{
	struct ld_record r;
	ld_record_set(&r, header, 0, NULL, 0);   /* no copy: fields read one by one */
	return object_name(k, m, &r, name, max, directory);
}

static uint64_t decode_type(struct ld_kernel *k, struct ld_model *m, const struct ld_record *r)
{
	uint64_t header = r->base;
	if (m->family == LD_HDR_TYPE_POINTER)
		return ld_record_field_or(k, r, &m->f.oh_type, 0);
	uint64_t raw;
	if (ld_record_field(k, r, &m->f.oh_type_index, &raw) != LD_OK)
		return 0;
	ld_model_types_build(k, m);
	unsigned idx = (unsigned)raw & 0xff;
	if (m->family == LD_HDR_TYPE_COOKIE) {
		if (!m->cookie_known)
			return 0;
		idx = (idx ^ m->cookie ^ (unsigned)((header >> 8) & 0xff)) & 0xff;
	}
	return m->type_addr[idx];
}

ld_status ld_object_get(struct ld_kernel *k, uint64_t body, struct ld_object *out)
{
	memset(out, 0, sizeof(*out));
	struct ld_model *m;
	ld_status st = ld_model_get(k, &m);
	if (st != LD_OK)
		return st;
	if (!m->f.oh_body.valid)
		return ld_fail(LD_ERR_NOT_FOUND, "profile has no OBJECT_HEADER.Body");
	if (!ld_kernel_is_kva(k, body))
		return ld_fail(LD_ERR_ARG, "object %#llx is not a kernel address", (unsigned long long)body);
	uint64_t header = body - m->f.oh_body.off;
	out->body = body;
	out->header = header;
	/* The header up to the body in one read (every handle of every
	 * process comes here). */
	struct ld_record rec, *r = &rec;   /* on the stack: type lookups may decode other headers */
	(void)ld_record_load(k, r, header, 0, m->f.oh_body.off);
	if ((st = ld_record_field(k, r, &m->f.oh_pointers, &out->pointer_count)) != LD_OK)
		return ld_fail_ctx(st, "object header at %#llx", (unsigned long long)header);
	out->handle_count = ld_record_field_or(k, r, &m->f.oh_handles, 0);
	out->type_object = decode_type(k, m, r);
	if (out->type_object) {
		const char *tn = ld_model_type_name(k, m, out->type_object);
		snprintf(out->type_name, sizeof(out->type_name), "%s", tn ? tn : "");
	}
	/* A name that cannot be read leaves "" (unavailable), not an error. */
	(void)object_name(k, m, r, out->name, sizeof(out->name), &out->directory);
	return LD_OK;
}
