/* hz-shared-message.c: reading and writing the data channel's JSON
 * messages, strictly: the peer is outside input like any other. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "hz-canonical-json.h"
#include "hz-enum-names.h"
#include "hz-shared-message.h"

static const char * const type_names[] = {
  [HZ_SHARED_MESSAGE_VIEW] = "view",
  [HZ_SHARED_MESSAGE_POINTER] = "pointer",
  [HZ_SHARED_MESSAGE_ANNOTATION_ADD] = "annotation-add",
  [HZ_SHARED_MESSAGE_ANNOTATION_REMOVE] = "annotation-remove",
  [HZ_SHARED_MESSAGE_CONTROL] = "control",
  [HZ_SHARED_MESSAGE_CHAT] = "chat",
};

static const char * const resource_names[] = {
  [HZ_SHARED_RESOURCE_NONE] = "none",
  [HZ_SHARED_RESOURCE_RECORD_SECTION] = "record-section",
  [HZ_SHARED_RESOURCE_DOCUMENT] = "document",
  [HZ_SHARED_RESOURCE_SERIES] = "series",
};

static const char * const kind_names[] = {
  [HZ_ANNOTATION_TEXT] = "text",
  [HZ_ANNOTATION_ARROW] = "arrow",
  [HZ_ANNOTATION_LENGTH] = "length",
};

static const char * const control_names[] = {
  [HZ_SHARED_CONTROL_PRESENT] = "present",
  [HZ_SHARED_CONTROL_STOP_PRESENTING] = "stop-presenting",
  [HZ_SHARED_CONTROL_FOLLOW] = "follow",
  [HZ_SHARED_CONTROL_UNFOLLOW] = "unfollow",
};

/* Integers beyond 2^53 do not survive a JavaScript peer. */
#define MAX_SEQ G_GUINT64_CONSTANT (9007199254740991)

const char *
hz_shared_message_type_to_string (HzSharedMessageType type)
{
  g_return_val_if_fail ((guint) type < G_N_ELEMENTS (type_names), NULL);
  return type_names[type];
}

const char *
hz_shared_resource_to_string (HzSharedResource resource)
{
  g_return_val_if_fail ((guint) resource < G_N_ELEMENTS (resource_names), NULL);
  return resource_names[resource];
}

const char *
hz_annotation_kind_to_string (HzAnnotationKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_names), NULL);
  return kind_names[kind];
}

/* ---- reading ---------------------------------------------------------- */

static gboolean
invalid (GError    **error,
         const char *member,
         const char *why)
{
  g_set_error (error, HZ_SHARED_VIEW_ERROR, HZ_SHARED_VIEW_ERROR_INVALID,
               "member \"%s\": %s", member, why);
  return FALSE;
}

/* Every member must be one of @allowed: a typo is an error, not silence. */
static gboolean
check_members (JsonObject          *object,
               const char * const  *allowed,
               const char          *where,
               GError             **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    {
      if (!g_strv_contains (allowed, l->data))
        {
          g_set_error (error, HZ_SHARED_VIEW_ERROR, HZ_SHARED_VIEW_ERROR_INVALID,
                       "unknown member \"%s\" in %s", (const char *) l->data, where);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
get_number (JsonObject  *object,
            const char  *member,
            double       min,
            double       max,
            double      *value,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  GType type;

  if (node == NULL)
    return invalid (error, member, "missing");
  if (!JSON_NODE_HOLDS_VALUE (node))
    return invalid (error, member, "not a number");
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    *value = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *value = json_node_get_double (node);
  else
    return invalid (error, member, "not a number");
  if (!isfinite (*value) || *value < min || *value > max)
    return invalid (error, member, "out of range");
  return TRUE;
}

static gboolean
get_uint (JsonObject  *object,
          const char  *member,
          guint64      max,
          guint64     *value,
          GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  gint64 v;

  if (node == NULL)
    return invalid (error, member, "missing");
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return invalid (error, member, "not an integer");
  v = json_node_get_int (node);
  if (v < 0 || (guint64) v > max)
    return invalid (error, member, "out of range");
  *value = (guint64) v;
  return TRUE;
}

static gboolean
get_bool (JsonObject  *object,
          const char  *member,
          gboolean    *value,
          GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    return invalid (error, member, "missing");
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return invalid (error, member, "not a boolean");
  *value = json_node_get_boolean (node);
  return TRUE;
}

/* A string of at most @max_bytes without control characters (the text
 * ends up in labels and logs). */
static gboolean
get_string (JsonObject  *object,
            const char  *member,
            gsize        max_bytes,
            char       **value,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  const char *s;
  gsize len;

  if (node == NULL)
    return invalid (error, member, "missing");
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid (error, member, "not a string");
  s = json_node_get_string (node);
  len = strlen (s);
  if (len == 0)
    return invalid (error, member, "empty");
  if (len > max_bytes)
    {
      g_set_error (error, HZ_SHARED_VIEW_ERROR, HZ_SHARED_VIEW_ERROR_TOO_LARGE,
                   "member \"%s\" is over %" G_GSIZE_FORMAT " bytes", member, max_bytes);
      return FALSE;
    }
  /* json-glib 1.6 lets some bad escapes ("\2…") through as raw bytes
   * (found by fuzz-sharedview): what is not UTF-8 is refused here. */
  if (!g_utf8_validate (s, (gssize) len, NULL))
    return invalid (error, member, "not valid UTF-8");
  for (const char *p = s; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f || (c >= 0x80 && c < 0xa0))
        return invalid (error, member, "control character");
    }
  g_free (*value);
  *value = g_strdup (s);
  return TRUE;
}

/* Ids and UIDs: printable ASCII without spaces or quotes. */
static gboolean
get_id (JsonObject  *object,
        const char  *member,
        char       **value,
        GError     **error)
{
  if (!get_string (object, member, HZ_SHARED_VIEW_MAX_ID, value, error))
    return FALSE;
  for (const char *p = *value; *p; p++)
    if (*p <= ' ' || *p > '~' || *p == '"' || *p == '\\')
      {
        g_clear_pointer (value, g_free);
        return invalid (error, member, "not an identifier");
      }
  return TRUE;
}

static gboolean
get_enum (JsonObject         *object,
          const char         *member,
          const char * const *names,
          guint               n_names,
          guint              *value,
          GError            **error)
{
  g_autofree char *s = NULL;

  if (!get_string (object, member, 64, &s, error))
    return FALSE;
  if (!hz_enum_names_lookup (names, n_names, s, value))
    return invalid (error, member, "unknown value");
  return TRUE;
}

static JsonObject *
get_object (JsonObject  *object,
            const char  *member,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      invalid (error, member, node == NULL ? "missing" : "not an object");
      return NULL;
    }
  return json_node_get_object (node);
}

static gboolean
get_pair (JsonObject  *object,
          const char  *member,
          double       min,
          double       max,
          guint        n,
          double      *values,
          GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return invalid (error, member, node == NULL ? "missing" : "not an array");
  array = json_node_get_array (node);
  if (json_array_get_length (array) != n)
    return invalid (error, member, "wrong number of values");
  for (guint i = 0; i < n; i++)
    {
      JsonNode *e = json_array_get_element (array, i);
      GType type = JSON_NODE_HOLDS_VALUE (e) ? json_node_get_value_type (e) : G_TYPE_INVALID;

      if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
        return invalid (error, member, "not a number");
      values[i] = type == G_TYPE_INT64 ? (double) json_node_get_int (e) : json_node_get_double (e);
      if (!isfinite (values[i]) || values[i] < min || values[i] > max)
        return invalid (error, member, "out of range");
    }
  return TRUE;
}

static HzSharedViewState *
read_view (JsonObject  *object,
           GError     **error)
{
  static const char * const allowed[] = { "resource", "id", "study", "slice", "window",
                                          "zoom", "pan", "invert", NULL };
  g_autoptr(HzSharedViewState) state = hz_shared_view_state_new ();
  guint resource;
  guint64 slice;
  double pan[2];

  if (!check_members (object, allowed, "view", error)
      || !get_enum (object, "resource", resource_names, G_N_ELEMENTS (resource_names), &resource, error))
    return NULL;
  state->resource = resource;

  if (state->resource == HZ_SHARED_RESOURCE_NONE)
    {
      if (json_object_has_member (object, "id"))
        return invalid (error, "id", "given for no resource"), NULL;
    }
  else if (state->resource == HZ_SHARED_RESOURCE_DOCUMENT)
    {
      if (!get_string (object, "id", 2 * HZ_SHARED_VIEW_MAX_ID, &state->resource_id, error))
        return NULL;
    }
  else if (!get_id (object, "id", &state->resource_id, error))
    return NULL;

  if (json_object_has_member (object, "study")
      && !get_id (object, "study", &state->study_uid, error))
    return NULL;

  if (!get_uint (object, "slice", HZ_SHARED_VIEW_MAX_SLICE, &slice, error))
    return NULL;
  state->slice = (guint) slice;

  if (json_object_has_member (object, "window"))
    {
      static const char * const window_allowed[] = { "centre", "width", NULL };
      JsonObject *window = get_object (object, "window", error);

      if (window == NULL
          || !check_members (window, window_allowed, "window", error)
          || !get_number (window, "centre", -HZ_SHARED_VIEW_MAX_WINDOW, HZ_SHARED_VIEW_MAX_WINDOW,
                          &state->window_centre, error)
          || !get_number (window, "width", 0, HZ_SHARED_VIEW_MAX_WINDOW, &state->window_width, error))
        return NULL;
      if (state->window_width < 1e-6)
        return invalid (error, "width", "out of range"), NULL;
      state->has_window = TRUE;
    }

  if (!get_number (object, "zoom", HZ_SHARED_VIEW_MIN_ZOOM, HZ_SHARED_VIEW_MAX_ZOOM, &state->zoom, error)
      || !get_pair (object, "pan", -HZ_SHARED_VIEW_MAX_COORD, HZ_SHARED_VIEW_MAX_COORD, 2, pan, error)
      || !get_bool (object, "invert", &state->invert, error))
    return NULL;
  state->pan_x = pan[0];
  state->pan_y = pan[1];
  return g_steal_pointer (&state);
}

static HzAnnotation *
read_annotation (JsonObject  *object,
                 GError     **error)
{
  static const char * const allowed[] = { "id", "kind", "series", "slice", "points", "text", NULL };
  g_autoptr(HzAnnotation) annotation = hz_annotation_new (HZ_ANNOTATION_TEXT, NULL);
  guint kind;
  guint64 slice;
  double points[4];

  if (!check_members (object, allowed, "annotation", error)
      || !get_id (object, "id", &annotation->id, error)
      || !get_enum (object, "kind", kind_names, G_N_ELEMENTS (kind_names), &kind, error)
      || !get_id (object, "series", &annotation->series_uid, error)
      || !get_uint (object, "slice", HZ_SHARED_VIEW_MAX_SLICE, &slice, error)
      || !get_pair (object, "points", -HZ_SHARED_VIEW_MAX_COORD, HZ_SHARED_VIEW_MAX_COORD, 4, points, error))
    return NULL;
  annotation->kind = kind;
  annotation->slice = (guint) slice;
  annotation->x1 = points[0];
  annotation->y1 = points[1];
  annotation->x2 = points[2];
  annotation->y2 = points[3];

  if (json_object_has_member (object, "text"))
    {
      if (annotation->kind == HZ_ANNOTATION_LENGTH)
        return invalid (error, "text", "not for a length"), NULL;
      if (!get_string (object, "text", HZ_SHARED_VIEW_MAX_TEXT, &annotation->text, error))
        return NULL;
    }
  else if (annotation->kind == HZ_ANNOTATION_TEXT)
    return invalid (error, "text", "missing"), NULL;
  return g_steal_pointer (&annotation);
}

static gboolean
read_body (HzSharedMessage  *message,
           JsonObject       *root,
           GError          **error)
{
  static const char * const view_allowed[] = { "v", "type", "seq", "view", NULL };
  static const char * const pointer_allowed[] = { "v", "type", "seq", "pointer", NULL };
  static const char * const add_allowed[] = { "v", "type", "seq", "annotation", NULL };
  static const char * const remove_allowed[] = { "v", "type", "seq", "id", NULL };
  static const char * const control_allowed[] = { "v", "type", "seq", "control", NULL };
  static const char * const chat_allowed[] = { "v", "type", "seq", "id", "text", "time", NULL };
  JsonObject *object;

  switch (message->type)
    {
    case HZ_SHARED_MESSAGE_VIEW:
      if (!check_members (root, view_allowed, "message", error)
          || (object = get_object (root, "view", error)) == NULL)
        return FALSE;
      message->view = read_view (object, error);
      return message->view != NULL;

    case HZ_SHARED_MESSAGE_POINTER:
      {
        static const char * const allowed[] = { "x", "y", "visible", NULL };

        if (!check_members (root, pointer_allowed, "message", error)
            || (object = get_object (root, "pointer", error)) == NULL
            || !check_members (object, allowed, "pointer", error))
          return FALSE;
        return get_number (object, "x", -HZ_SHARED_VIEW_MAX_COORD, HZ_SHARED_VIEW_MAX_COORD,
                           &message->pointer_x, error)
               && get_number (object, "y", -HZ_SHARED_VIEW_MAX_COORD, HZ_SHARED_VIEW_MAX_COORD,
                              &message->pointer_y, error)
               && get_bool (object, "visible", &message->pointer_visible, error);
      }

    case HZ_SHARED_MESSAGE_ANNOTATION_ADD:
      if (!check_members (root, add_allowed, "message", error)
          || (object = get_object (root, "annotation", error)) == NULL)
        return FALSE;
      message->annotation = read_annotation (object, error);
      return message->annotation != NULL;

    case HZ_SHARED_MESSAGE_ANNOTATION_REMOVE:
      return check_members (root, remove_allowed, "message", error)
             && get_id (root, "id", &message->id, error);

    case HZ_SHARED_MESSAGE_CONTROL:
      {
        guint control;

        if (!check_members (root, control_allowed, "message", error)
            || !get_enum (root, "control", control_names, G_N_ELEMENTS (control_names), &control, error))
          return FALSE;
        message->control = control;
        return TRUE;
      }

    case HZ_SHARED_MESSAGE_CHAT:
      {
        g_autofree char *time = NULL;
        g_autoptr(GDateTime) when = NULL;

        if (!check_members (root, chat_allowed, "message", error)
            || !get_id (root, "id", &message->id, error)
            || !get_string (root, "text", HZ_SHARED_VIEW_MAX_TEXT, &message->text, error)
            || !get_string (root, "time", 64, &time, error))
          return FALSE;
        when = g_date_time_new_from_iso8601 (time, NULL);
        if (when == NULL || !strchr ("Zz", time[strlen (time) - 1]))
          return invalid (error, "time", "not an ISO 8601 UTC time");
        message->time_us = g_date_time_to_unix (when) * G_USEC_PER_SEC + g_date_time_get_microsecond (when);
        return TRUE;
      }
    }
  g_return_val_if_reached (FALSE);
}

HzSharedMessage *
hz_shared_message_parse (const char  *text,
                         gssize       length,
                         GError     **error)
{
  g_autoptr(GError) json_error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(HzSharedMessage) message = NULL;
  JsonObject *object;
  guint64 version;
  guint type;

  g_return_val_if_fail (text != NULL, NULL);

  root = hz_canonical_json_parse (text, length, HZ_SHARED_VIEW_MAX_BYTES, TRUE, &json_error);
  if (root == NULL)
    {
      gboolean too_large = g_error_matches (json_error, HZ_CANONICAL_JSON_ERROR, HZ_CANONICAL_JSON_ERROR_TOO_LARGE)
                           || g_error_matches (json_error, HZ_CANONICAL_JSON_ERROR, HZ_CANONICAL_JSON_ERROR_TOO_DEEP);

      g_set_error (error, HZ_SHARED_VIEW_ERROR,
                   too_large ? HZ_SHARED_VIEW_ERROR_TOO_LARGE : HZ_SHARED_VIEW_ERROR_SYNTAX,
                   "shared-view message: %s", json_error->message);
      return NULL;
    }
  object = json_node_get_object (root);

  /* The version first: a newer peer's message is refused as such, not
   * as whatever else happens to be wrong with it. */
  if (!json_object_has_member (object, "v"))
    {
      g_set_error_literal (error, HZ_SHARED_VIEW_ERROR, HZ_SHARED_VIEW_ERROR_VERSION,
                           "shared-view message without a version");
      return NULL;
    }
  if (!get_uint (object, "v", G_MAXINT, &version, error))
    return NULL;
  if (version != HZ_SHARED_VIEW_VERSION)
    {
      g_set_error (error, HZ_SHARED_VIEW_ERROR, HZ_SHARED_VIEW_ERROR_VERSION,
                   "shared-view message version %u is not %d",
                   (guint) version, HZ_SHARED_VIEW_VERSION);
      return NULL;
    }

  {
    g_autofree char *type_name = NULL;

    if (!get_string (object, "type", 64, &type_name, error))
      return NULL;
    if (!hz_enum_names_lookup (type_names, G_N_ELEMENTS (type_names), type_name, &type))
      {
        g_set_error (error, HZ_SHARED_VIEW_ERROR, HZ_SHARED_VIEW_ERROR_UNKNOWN_TYPE,
                     "unknown shared-view message type");
        return NULL;
      }
  }

  message = hz_shared_message_new (type);
  if (!get_uint (object, "seq", MAX_SEQ, &message->seq, error)
      || !read_body (message, object, error))
    return NULL;
  return g_steal_pointer (&message);
}

/* ---- writing ---------------------------------------------------------- */

static void
add_pairs (JsonBuilder  *builder,
           const char   *member,
           const double *values,
           guint         n)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    json_builder_add_double_value (builder, values[i]);
  json_builder_end_array (builder);
}

static void
write_view (JsonBuilder             *builder,
            const HzSharedViewState *state)
{
  double pan[2] = { state->pan_x, state->pan_y };

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "resource");
  json_builder_add_string_value (builder, resource_names[state->resource]);
  if (state->resource != HZ_SHARED_RESOURCE_NONE && state->resource_id != NULL)
    {
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, state->resource_id);
    }
  if (state->study_uid != NULL)
    {
      json_builder_set_member_name (builder, "study");
      json_builder_add_string_value (builder, state->study_uid);
    }
  json_builder_set_member_name (builder, "slice");
  json_builder_add_int_value (builder, state->slice);
  if (state->has_window)
    {
      json_builder_set_member_name (builder, "window");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "centre");
      json_builder_add_double_value (builder, state->window_centre);
      json_builder_set_member_name (builder, "width");
      json_builder_add_double_value (builder, state->window_width);
      json_builder_end_object (builder);
    }
  json_builder_set_member_name (builder, "zoom");
  json_builder_add_double_value (builder, state->zoom);
  add_pairs (builder, "pan", pan, 2);
  json_builder_set_member_name (builder, "invert");
  json_builder_add_boolean_value (builder, state->invert);
  json_builder_end_object (builder);
}

static void
write_annotation (JsonBuilder        *builder,
                  const HzAnnotation *annotation)
{
  double points[4] = { annotation->x1, annotation->y1, annotation->x2, annotation->y2 };

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, annotation->id);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, kind_names[annotation->kind]);
  json_builder_set_member_name (builder, "series");
  json_builder_add_string_value (builder, annotation->series_uid);
  json_builder_set_member_name (builder, "slice");
  json_builder_add_int_value (builder, annotation->slice);
  add_pairs (builder, "points", points, 4);
  if (annotation->text != NULL)
    {
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, annotation->text);
    }
  json_builder_end_object (builder);
}

char *
hz_shared_message_serialize (const HzSharedMessage  *message,
                             GError                **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(HzSharedMessage) check = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (message != NULL, NULL);
  g_return_val_if_fail ((guint) message->type < G_N_ELEMENTS (type_names), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "v");
  json_builder_add_int_value (builder, HZ_SHARED_VIEW_VERSION);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type_names[message->type]);
  json_builder_set_member_name (builder, "seq");
  json_builder_add_int_value (builder, (gint64) message->seq);

  switch (message->type)
    {
    case HZ_SHARED_MESSAGE_VIEW:
      g_return_val_if_fail (message->view != NULL, NULL);
      json_builder_set_member_name (builder, "view");
      write_view (builder, message->view);
      break;
    case HZ_SHARED_MESSAGE_POINTER:
      json_builder_set_member_name (builder, "pointer");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "x");
      json_builder_add_double_value (builder, message->pointer_x);
      json_builder_set_member_name (builder, "y");
      json_builder_add_double_value (builder, message->pointer_y);
      json_builder_set_member_name (builder, "visible");
      json_builder_add_boolean_value (builder, message->pointer_visible);
      json_builder_end_object (builder);
      break;
    case HZ_SHARED_MESSAGE_ANNOTATION_ADD:
      g_return_val_if_fail (message->annotation != NULL, NULL);
      json_builder_set_member_name (builder, "annotation");
      write_annotation (builder, message->annotation);
      break;
    case HZ_SHARED_MESSAGE_ANNOTATION_REMOVE:
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, message->id);
      break;
    case HZ_SHARED_MESSAGE_CONTROL:
      json_builder_set_member_name (builder, "control");
      json_builder_add_string_value (builder, control_names[message->control]);
      break;
    case HZ_SHARED_MESSAGE_CHAT:
      {
        g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (message->time_us / G_USEC_PER_SEC);
        g_autoptr(GDateTime) exact = NULL;
        g_autofree char *time = NULL;

        if (when == NULL)
          {
            g_set_error_literal (error, HZ_SHARED_VIEW_ERROR, HZ_SHARED_VIEW_ERROR_INVALID,
                                 "chat time out of range");
            return NULL;
          }
        exact = g_date_time_add (when, message->time_us % G_USEC_PER_SEC);
        time = g_date_time_format_iso8601 (exact);
        json_builder_set_member_name (builder, "id");
        json_builder_add_string_value (builder, message->id);
        json_builder_set_member_name (builder, "text");
        json_builder_add_string_value (builder, message->text);
        json_builder_set_member_name (builder, "time");
        json_builder_add_string_value (builder, time);
      }
      break;
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);

  /* What we send must be what the peer accepts: check with the same
   * reader rather than trust two copies of the rules to agree. */
  check = hz_shared_message_parse (text, -1, error);
  if (check == NULL)
    return NULL;
  return g_steal_pointer (&text);
}
