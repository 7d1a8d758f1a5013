/* Private: small checks of JSON members that report through a jdoc. */
#ifndef BK_JCHECK_H
#define BK_JCHECK_H

#include <stdbool.h>
#include "json/jdoc.h"

/* A field an object may have. A list ends with {NULL}. */
typedef struct jc_field {
	const char *key;
	bool required;
} jc_field;

/* Reports unknown-field for every member not in fields (at its key) and
 * missing-field for every required one absent (at the object). The object
 * is the value at the current path. */
void jc_fields(jdoc *d, json_t *obj, const jc_field *fields, const char *what);

/* Reports wrong-type at the current path unless v is of type t. */
bool jc_type(jdoc *d, json_t *v, json_type t, const char *what);

/* The number at obj's key (0 when absent), reporting wrong-type, or
 * bad-value when it is outside lo..hi ("KEY must be between LO and
 * HI<unit>"), at its path. */
double jc_number(jdoc *d, json_t *obj, const char *key, double lo, double hi,
                 const char *unit);

/* Name of a JSON type for messages ("a string", "an object"). */
const char *jc_type_name(json_t *v);

/* An id value at the current path: a string of the safe set. Reports
 * wrong-type or unsafe-id; returns the string or NULL. */
const char *jc_id(jdoc *d, json_t *v, const char *what);

/* True when s is a safe id (see docs/ballot-format.md). */
bool jc_id_safe(const char *s);

#endif
