#include "json/jcheck.h"

#include <string.h>

static const char *type_name(json_type t)
{
	switch (t) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "a list";
	case JSON_STRING: return "a text";
	case JSON_INTEGER: return "a whole number";
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "true or false";
	case JSON_NULL: return "null";
	}
	return "a value";
}

const char *jc_type_name(json_t *v)
{
	return type_name(json_typeof(v));
}

/* What a value of type t is, as a message asks for it: the wording of
 * jc_type_name, with the brackets and quotes shown. */
static const char *type_word(json_type t)
{
	switch (t) {
	case JSON_OBJECT: return "an object { … }";
	case JSON_ARRAY: return "a list [ … ]";
	case JSON_STRING: return "a text in quotes";
	default: return type_name(t);
	}
}

bool jc_type(jdoc *d, json_t *v, json_type t, const char *what)
{
	bool ok = json_typeof(v) == t ||
	          (t == JSON_REAL && json_is_integer(v)) ||
	          (t == JSON_TRUE && json_is_boolean(v));
	if (!ok)
		jdoc_report(d, BK_ERROR, "wrong-type", false,
		            "%s must be %s, not %s", what, type_word(t),
		            jc_type_name(v));
	return ok;
}

void jc_fields(jdoc *d, json_t *obj, const jc_field *fields, const char *what)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v) {
		bool known = false;
		for (const jc_field *f = fields; f->key; f++)
			if (!strcmp(f->key, key))
				known = true;
		if (!known) {
			size_t old = jdoc_push_key(d, key);
			jdoc_report(d, BK_ERROR, "unknown-field", true,
			            "%s has no field \"%s\" (a typing "
			            "mistake?)", what, key);
			jdoc_pop(d, old);
		}
	}
	for (const jc_field *f = fields; f->key; f++)
		if (f->required && !json_object_get(obj, f->key))
			jdoc_report(d, BK_ERROR, "missing-field", false,
			            "%s needs the field \"%s\"", what, f->key);
}

bool jc_id_safe(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64)
		return false;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
		return false;
	for (size_t i = 1; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return false;
	}
	static const char *const reserved[] = {"con", "prn", "aux", "nul"};
	for (size_t i = 0; i < 4; i++)
		if (!strcmp(s, reserved[i]))
			return false;
	if (n == 4 && (!strncmp(s, "com", 3) || !strncmp(s, "lpt", 3)) &&
	    s[3] >= '0' && s[3] <= '9')
		return false;
	return true;
}

const char *jc_id(jdoc *d, json_t *v, const char *what)
{
	if (!jc_type(d, v, JSON_STRING, what))
		return NULL;
	const char *s = json_string_value(v);
	if (!jc_id_safe(s)) {
		jdoc_report(d, BK_ERROR, "unsafe-id", false,
		            "%s \"%s\" is not a safe id: use 1 to 64 lower-case "
		            "Latin letters, digits, '-' or '_', starting with a "
		            "letter or digit (ids become file names)",
		            what, s);
		return NULL;
	}
	return s;
}

double jc_number(jdoc *d, json_t *obj, const char *key, double lo, double hi,
                 const char *unit)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return 0;
	size_t old = jdoc_push_key(d, key);
	double x = 0;
	if (jc_type(d, v, JSON_REAL, key)) {
		x = json_number_value(v);
		if (!(x >= lo && x <= hi))
			jdoc_report(d, BK_ERROR, "bad-value", false,
			            "%s must be between %g and %g%s", key, lo, hi, unit);
	}
	jdoc_pop(d, old);
	return x;
}
