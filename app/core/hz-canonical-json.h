/* hz-canonical-json.h: one byte-exact JSON form per value, for hashing. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define HZ_CANONICAL_JSON_ERROR (hz_canonical_json_error_quark ())

typedef enum {
  HZ_CANONICAL_JSON_ERROR_SYNTAX,      /* not JSON at all */
  HZ_CANONICAL_JSON_ERROR_TOO_DEEP,    /* nesting beyond the limit */
  HZ_CANONICAL_JSON_ERROR_TOO_LARGE,   /* input beyond the size limit */
  HZ_CANONICAL_JSON_ERROR_NOT_OBJECT,  /* an object was required */
  HZ_CANONICAL_JSON_ERROR_INVALID,     /* bad UTF-8, NaN, infinity */
} HzCanonicalJsonError;

/* Limits on what we accept from outside before we canonicalize it. */
#define HZ_CANONICAL_JSON_MAX_DEPTH 64
#define HZ_CANONICAL_JSON_MAX_BYTES (1024 * 1024)

GQuark  hz_canonical_json_error_quark      (void);

gboolean hz_canonical_json_write_node      (GString     *out,
                                            JsonNode    *node,
                                            GError     **error);
char    *hz_canonical_json_from_node       (JsonNode    *node,
                                            GError     **error);
gboolean  hz_canonical_json_prescan        (const char  *text,
                                            gsize        length,
                                            gboolean     check_integers,
                                            GError     **error);
JsonNode *hz_canonical_json_parse          (const char  *text,
                                            gssize       length,
                                            gsize        max_bytes,
                                            gboolean     require_object,
                                            GError     **error);
char    *hz_canonical_json_normalize       (const char  *text,
                                            gssize       length,
                                            gsize        max_bytes,
                                            gboolean     require_object,
                                            GError     **error);
char    *hz_canonical_json_from_string     (const char  *text,
                                            gssize       length,
                                            gboolean     require_object,
                                            GError     **error);
void     hz_canonical_json_write_string    (GString     *out,
                                            const char  *str);
void     hz_canonical_json_write_double    (GString     *out,
                                            double       value);

G_END_DECLS
