/* hz-hub-api-consults.c: the consult workflow over HTTP.
 *
 *   GET  consults?box=incoming|outgoing|all&state=S
 *   POST consults                          (requester doctors)
 *   GET  consults/ID                       (its parties)
 *   POST consults/ID/actions/ACTION        (as the workflow allows)
 *   GET  consults/ID/events                (its audit trail)
 *   GET  consults/ID/bundle                (the FHIR case bundle; ETag)
 *   POST consults/ID/attachments           (raw body; photo, PDF, DICOM)
 *   GET  consults/ID/attachments           (the list: names, types, sizes)
 *   GET  consults/ID/attachments/SHA256
 * A consult the user is no party to is "not found", so its existence is
 * not revealed; one they may see but not move is "forbidden". */
#include "config.h"

#include <string.h>

#include "hz-canonical-json.h"
#include "hz-hub-access.h"
#include "hz-hub-keys.h"
#include "hz-hub-server-private.h"

static char *
new_consult_id (void)
{
  static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *day = g_date_time_format (now, "%Y%m%d");
  char suffix[7];
  guint i;

  for (i = 0; i < 6; i++)
    suffix[i] = alphabet[g_random_int_range (0, sizeof alphabet - 1)];
  suffix[6] = '\0';
  return g_strdup_printf ("HZ-%s-%s", day, suffix);
}

static void
reply_consult (HzHubRequest       *req,
               guint               status,
               const HzHubConsult *consult)
{
  g_autoptr(JsonNode) node = hz_hub_consult_to_json (consult, TRUE);
  hz_hub_reply_json (req->msg, status, node);
}

/* The consult, if the user is a party to it; otherwise a 404 reply. */
static HzHubConsult *
load_visible (HzHubRequest *req,
              const char   *id)
{
  g_autoptr(HzHubConsult) consult = hz_hub_store_get_consult (req->server->store, id, NULL);

  if (consult == NULL || !hz_hub_access_may_see (req->user, consult))
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_NOT_FOUND, "not_found", "no such consult");
      return NULL;
    }
  return g_steal_pointer (&consult);
}

static gboolean
one_of (HzHubRequest *req,
        const char   *name,
        const char   *value,
        const char * const *choices)
{
  const char * const *c;

  for (c = choices; *c; c++)
    if (g_str_equal (*c, value))
      return TRUE;
  hz_hub_reply_error (req->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid", "“%s” cannot be “%s”", name, value);
  return FALSE;
}

static gboolean
valid_patient (HzHubRequest *req,
               JsonObject   *patient)
{
  const char *id, *name, *sex;
  JsonNode *age = json_object_get_member (patient, "age");
  static const char * const sexes[] = { "male", "female", "other", "unknown", NULL };

  if (!hz_hub_get_string (req, patient, "id", TRUE, 64, &id) ||
      !hz_hub_get_string (req, patient, "name", TRUE, 128, &name) ||
      !hz_hub_get_string (req, patient, "name_latin", FALSE, 128, &name) ||
      !hz_hub_get_string (req, patient, "sex", FALSE, 16, &sex) ||
      (sex && !one_of (req, "sex", sex, sexes)))
    return FALSE;
  if (age && (json_node_get_value_type (age) != G_TYPE_INT64 ||
              json_node_get_int (age) < 0 || json_node_get_int (age) > 150))
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid", "“age” must be a whole number of years");
      return FALSE;
    }
  return TRUE;
}

static gboolean
valid_consent (HzHubRequest *req,
               JsonObject   *consent)
{
  static const char * const by[] = { "patient", "guardian", "relative", NULL };
  static const char * const how[] = { "written", "verbal", "electronic", NULL };
  const char *who, *method, *note;

  return hz_hub_get_string (req, consent, "by", TRUE, 16, &who) && one_of (req, "consent.by", who, by) &&
         hz_hub_get_string (req, consent, "method", TRUE, 16, &method) && one_of (req, "consent.method", method, how) &&
         hz_hub_get_string (req, consent, "note", FALSE, 500, &note);
}

/* Where the request goes: a department, or one named specialist. */
static gboolean
resolve_target (HzHubRequest *req,
                JsonObject   *target,
                HzHubConsult *c)
{
  g_autoptr(HzHubUser) s = NULL;
  const char *department, *specialist;

  if (!hz_hub_get_string (req, target, "department", FALSE, 64, &department) ||
      !hz_hub_get_string (req, target, "specialist", FALSE, 64, &specialist))
    return FALSE;
  if (specialist)
    {
      /* s lives to the end: department points into it */
      s = hz_hub_store_get_user (req->server->store, specialist, NULL, NULL);
      if (s == NULL || s->role != HZ_ROLE_SPECIALIST)
        {
          hz_hub_reply_error (req->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid", "no specialist “%s”", specialist);
          return FALSE;
        }
      c->target_specialist = g_strdup (s->id);
      department = s->department_id;
    }
  if (department == NULL)
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid",
                          "“target” needs a department or a specialist");
      return FALSE;
    }
  c->target_institution = hz_hub_store_department_institution (req->server->store, department);
  if (c->target_institution == NULL)
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid", "no department “%s”", department);
      return FALSE;
    }
  c->target_department = g_strdup (department);
  return TRUE;
}

static char *
bundle_text (HzHubRequest *req,
             JsonObject   *bundle)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;

  if (g_strcmp0 (json_object_get_string_member_with_default (bundle, "resourceType", NULL), "Bundle") != 0)
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid", "“bundle” must be a FHIR Bundle");
      return NULL;
    }
  json_node_set_object (node, bundle);
  text = hz_canonical_json_from_node (node, NULL);
  if (text == NULL || strlen (text) > req->server->config->max_bundle_bytes)
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too_large", "the case bundle is too large");
      return NULL;
    }
  return g_steal_pointer (&text);
}

static void
create_consult (HzHubRequest *req)
{
  static const char * const allowed[] = { "patient", "bundle", "reason", "question", "urgency",
                                          "mode", "target", "consent", NULL };
  static const char * const patient_fields[] = { "id", "name", "name_latin", "sex", "age", NULL };
  static const char * const consent_fields[] = { "by", "method", "note", NULL };
  static const char * const target_fields[] = { "department", "specialist", NULL };
  static const char * const modes[] = { "live", "store_forward", NULL };
  HzHubServer *self = req->server;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(HzHubConsult) c = g_new0 (HzHubConsult, 1);
  g_autofree char *bundle = NULL;
  g_autoptr(JsonNode) reply_node = NULL;
  g_autofree char *reply = NULL;
  HzHubIdempotent idem;
  JsonObject *patient, *consent, *target, *bundle_obj;
  const char *reason, *question, *urgency, *mode;
  gint64 now = g_get_real_time (), seq;

  if (req->user->role != HZ_ROLE_REQUESTER)
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_FORBIDDEN, "forbidden", "only requesting doctors send consult requests");
      return;
    }
  body = hz_hub_read_object (req, self->config->max_bundle_bytes + self->config->max_json_bytes, allowed);
  if (body == NULL ||
      (patient = hz_hub_get_object (req, body, "patient", TRUE, patient_fields)) == NULL || !valid_patient (req, patient) ||
      (consent = hz_hub_get_object (req, body, "consent", TRUE, consent_fields)) == NULL || !valid_consent (req, consent) ||
      (target = hz_hub_get_object (req, body, "target", TRUE, target_fields)) == NULL || !resolve_target (req, target, c) ||
      !hz_hub_get_string (req, body, "reason", TRUE, 2000, &reason) ||
      !hz_hub_get_string (req, body, "question", FALSE, 2000, &question) ||
      !hz_hub_get_string (req, body, "urgency", TRUE, 16, &urgency) ||
      !hz_hub_get_string (req, body, "mode", FALSE, 16, &mode))
    return;
  if (!hz_urgency_from_string (urgency, &c->urgency))
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid", "“urgency” is routine, urgent or emergency");
      return;
    }
  if (mode && !one_of (req, "mode", mode, modes))
    return;
  bundle_obj = hz_hub_get_object (req, body, "bundle", FALSE, NULL);
  if (soup_server_message_get_status (req->msg) != 0)
    return;
  if (bundle_obj && (bundle = bundle_text (req, bundle_obj)) == NULL)
    return;

  c->id = new_consult_id ();
  c->state = HZ_CONSULT_STATE_REQUESTED;
  c->requester_id = g_strdup (req->user->id);
  c->requester_institution = g_strdup (req->user->institution_id);
  c->created_us = c->updated_us = now;
  c->expires_us = now + self->config->expiry_s[c->urgency] * G_USEC_PER_SEC;
  c->doc = json_object_new ();
  json_object_set_object_member (c->doc, "patient", json_object_ref (patient));
  json_object_set_object_member (c->doc, "consent", json_object_ref (consent));
  json_object_set_string_member (c->doc, "reason", reason);
  if (question)
    json_object_set_string_member (c->doc, "question", question);
  json_object_set_string_member (c->doc, "mode", mode ? mode : "live");
  if (bundle)
    c->bundle_etag = g_compute_checksum_for_string (G_CHECKSUM_SHA256, bundle, -1);

  reply_node = hz_hub_consult_to_json (c, TRUE);
  reply = hz_hub_json_text (reply_node);
  seq = hz_hub_store_create_consult (self->store, c, bundle,
                                     hz_hub_request_idempotent (req, SOUP_STATUS_CREATED, reply, &idem), NULL);
  if (seq == 0)
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "server_error", "could not store the consult");
      return;
    }
  hz_hub_server_publish_consult (self, c, seq);
  hz_hub_reply_text (req->msg, SOUP_STATUS_CREATED, reply);
}

static void
list_consults (HzHubRequest *req)
{
  GUri *uri = soup_server_message_get_uri (req->msg);
  g_autoptr(GHashTable) query = NULL;
  g_autoptr(GPtrArray) consults = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const char *box_name, *state_name;
  HzHubBox box = HZ_HUB_BOX_ALL;
  HzConsultState state = 0;
  guint i;

  query = g_uri_get_query (uri) ? g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL) : NULL;
  box_name = query ? g_hash_table_lookup (query, "box") : NULL;
  state_name = query ? g_hash_table_lookup (query, "state") : NULL;
  if (box_name && g_str_equal (box_name, "incoming"))
    box = HZ_HUB_BOX_INCOMING;
  else if (box_name && g_str_equal (box_name, "outgoing"))
    box = HZ_HUB_BOX_OUTGOING;
  else if (box_name && !g_str_equal (box_name, "all"))
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid", "box is incoming, outgoing or all");
      return;
    }
  if (state_name && !hz_consult_state_from_string (state_name, &state))
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid", "unknown state “%s”", state_name);
      return;
    }
  consults = hz_hub_store_list_consults (req->server->store, req->user, box, state_name ? (gint) state : -1, NULL);
  if (consults == NULL)
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "server_error", "could not list consults");
      return;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "consults");
  json_builder_begin_array (b);
  for (i = 0; i < consults->len; i++)
    json_builder_add_value (b, hz_hub_consult_to_json (g_ptr_array_index (consults, i), TRUE));
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  hz_hub_reply_json (req->msg, SOUP_STATUS_OK, root);
}

static char *
action_payload (HzConsultAction action,
                HzConsultState  from,
                HzConsultState  to,
                const char     *reason,
                JsonObject     *extra)
{
  g_autoptr(JsonObject) o = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (o, "action", hz_consult_action_to_string (action));
  json_object_set_string_member (o, "from", hz_consult_state_to_string (from));
  json_object_set_string_member (o, "to", hz_consult_state_to_string (to));
  if (reason)
    json_object_set_string_member (o, "reason", reason);
  if (extra)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;
      json_object_iter_init (&iter, extra);
      while (json_object_iter_next (&iter, &name, &value))
        json_object_set_member (o, name, json_node_copy (value));
    }
  json_node_set_object (node, o);
  return hz_canonical_json_from_node (node, NULL);
}

/* What each action changes beyond the state; FALSE after a reply. */
static gboolean
apply_details (HzHubRequest    *req,
               HzHubConsult    *c,
               HzConsultAction  action,
               JsonObject      *body,
               JsonObject      *extra)
{
  switch (action)
    {
    case HZ_CONSULT_ACTION_ACCEPT:
      c->responder_id = g_strdup (req->user->id);
      return TRUE;
    case HZ_CONSULT_ACTION_ASSIGN:
      {
        const char *specialist, *department;
        g_autoptr(HzHubUser) s = NULL;
        if (!hz_hub_get_string (req, body, "specialist", FALSE, 64, &specialist) ||
            !hz_hub_get_string (req, body, "department", FALSE, 64, &department))
          return FALSE;
        if ((specialist == NULL) == (department == NULL))
          {
            hz_hub_reply_error (req->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid",
                                "“assign” needs a specialist or a department");
            return FALSE;
          }
        if (department)
          {
            /* To a department: anyone on duty there may take it, so only
             * while no one has accepted it yet. */
            g_autofree char *institution = hz_hub_store_department_institution (req->server->store, department);
            if (institution == NULL)
              {
                hz_hub_reply_error (req->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid", "no department “%s”", department);
                return FALSE;
              }
            if (c->responder_id)
              {
                hz_hub_reply_error (req->msg, SOUP_STATUS_CONFLICT, "illegal_transition",
                                    "an accepted consult is reassigned to a named specialist");
                return FALSE;
              }
            g_clear_pointer (&c->target_specialist, g_free);
            g_free (c->target_department);
            c->target_department = g_strdup (department);
            g_free (c->target_institution);
            c->target_institution = g_steal_pointer (&institution);
            json_object_set_string_member (extra, "department", department);
            return TRUE;
          }
        s = hz_hub_store_get_user (req->server->store, specialist, NULL, NULL);
        if (s == NULL || s->role != HZ_ROLE_SPECIALIST)
          {
            hz_hub_reply_error (req->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid", "no specialist “%s”", specialist);
            return FALSE;
          }
        g_free (c->target_specialist);
        c->target_specialist = g_strdup (s->id);
        g_free (c->target_department);
        c->target_department = g_strdup (s->department_id);
        g_free (c->target_institution);
        c->target_institution = g_strdup (s->institution_id);
        if (c->responder_id)
          {
            g_free (c->responder_id);
            c->responder_id = g_strdup (s->id);
          }
        json_object_set_string_member (extra, "specialist", s->id);
        return TRUE;
      }
    case HZ_CONSULT_ACTION_START_SESSION:
      if (g_strcmp0 (json_object_get_string_member_with_default (c->doc, "mode", "live"), "live") != 0)
        {
          hz_hub_reply_error (req->msg, SOUP_STATUS_CONFLICT, "illegal_transition",
                              "a store-and-forward consult has no live call");
          return FALSE;
        }
      if (!json_object_has_member (c->doc, "consent"))
        {
          hz_hub_reply_error (req->msg, SOUP_STATUS_CONFLICT, "no_consent", "no call before the patient's consent is recorded");
          return FALSE;
        }
      return TRUE;
    case HZ_CONSULT_ACTION_REPORT:
      /* Only a signature that verifies against the author's registered
       * key is accepted (hz-hub-keys.c). */
      return hz_hub_keys_accept_report (req, c, body, extra);
    case HZ_CONSULT_ACTION_PROVIDE_INFO:
      {
        const char *note;
        if (!hz_hub_get_string (req, body, "note", FALSE, 2000, &note))
          return FALSE;
        if (note)
          json_object_set_string_member (extra, "note", note);
        return TRUE;
      }
    default:
      return TRUE;
    }
}

static void
act (HzHubRequest *req,
     const char   *id,
     const char   *action_name)
{
  static const char * const allowed[] = { "reason", "specialist", "department", "note", "opinion", "signature", NULL };
  HzHubServer *self = req->server;
  g_autoptr(HzHubConsult) c = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) extra = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *payload = NULL;
  g_autoptr(JsonNode) reply_node = NULL;
  g_autofree char *reply = NULL;
  HzHubIdempotent idem;
  HzConsultAction action;
  HzConsultState from, to;
  const char *reason;
  gint64 seq;

  if ((c = load_visible (req, id)) == NULL)
    return;
  if (!hz_consult_action_from_string (action_name, &action) || action == HZ_CONSULT_ACTION_EXPIRE)
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_NOT_FOUND, "not_found", "no action “%s”", action_name);
      return;
    }
  body = hz_hub_read_object (req, self->config->max_json_bytes, allowed);
  if (body == NULL || !hz_hub_get_string (req, body, "reason", hz_consult_action_needs_reason (action), 1000, &reason))
    return;

  from = c->state;
  if (!hz_consult_workflow_apply (from, action, hz_hub_access_parties (req->user, c), &to, &error))
    {
      gboolean illegal = error->code == HZ_CONSULT_WORKFLOW_ERROR_ILLEGAL;
      hz_hub_reply_error (req->msg, illegal ? SOUP_STATUS_CONFLICT : SOUP_STATUS_FORBIDDEN,
                          illegal ? "illegal_transition" : "forbidden", "%s", error->message);
      return;
    }
  if (!apply_details (req, c, action, body, extra))
    return;
  c->state = to;
  c->updated_us = g_get_real_time ();
  payload = action_payload (action, from, to, reason, extra);
  reply_node = hz_hub_consult_to_json (c, TRUE);
  reply = hz_hub_json_text (reply_node);
  seq = hz_hub_store_update_consult (self->store, c, from, req->user->id, "consult.state_changed", payload,
                                     hz_hub_request_idempotent (req, SOUP_STATUS_OK, reply, &idem), &error);
  if (seq == 0)
    {
      gboolean conflict = g_error_matches (error, HZ_HUB_STORE_ERROR, HZ_HUB_STORE_ERROR_CONFLICT);
      hz_hub_reply_error (req->msg, conflict ? SOUP_STATUS_CONFLICT : SOUP_STATUS_INTERNAL_SERVER_ERROR,
                          conflict ? "conflict" : "server_error", "%s", error->message);
      return;
    }
  hz_hub_server_publish_consult (self, c, seq);
  hz_hub_reply_text (req->msg, SOUP_STATUS_OK, reply);
}

static void
list_events (HzHubRequest *req,
             const char   *id)
{
  g_autoptr(HzHubConsult) c = load_visible (req, id);
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  guint i;

  if (c == NULL)
    return;
  events = hz_hub_store_events (req->server->store, id, 0, 0);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "events");
  json_builder_begin_array (b);
  for (i = 0; i < events->len; i++)
    json_builder_add_value (b, hz_hub_event_to_json (g_ptr_array_index (events, i)));
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  hz_hub_reply_json (req->msg, SOUP_STATUS_OK, root);
}

/* Each read of patient data is an event: who read which case, when. */
static void
get_bundle (HzHubRequest *req,
            const char   *id)
{
  g_autoptr(HzHubConsult) c = load_visible (req, id);
  g_autofree char *bundle = NULL;
  g_autofree char *etag = NULL;
  const char *if_none_match;

  if (c == NULL)
    return;
  if (c->bundle_etag == NULL)
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_NOT_FOUND, "not_found", "this consult has no case bundle");
      return;
    }
  etag = g_strdup_printf ("\"%s\"", c->bundle_etag);
  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg), "ETag", etag);
  hz_hub_store_append_event (req->server->store, id, req->user->id, "record.read", "{\"what\":\"bundle\"}", NULL);
  if_none_match = soup_message_headers_get_one (soup_server_message_get_request_headers (req->msg), "If-None-Match");
  if (if_none_match && g_str_equal (if_none_match, etag))
    {
      soup_server_message_set_status (req->msg, SOUP_STATUS_NOT_MODIFIED, NULL);
      return;
    }
  bundle = hz_hub_store_get_bundle (req->server->store, id);
  soup_server_message_set_status (req->msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (req->msg, "application/fhir+json; charset=utf-8", SOUP_MEMORY_COPY,
                                    bundle, strlen (bundle));
}

/* Only file types a clinic sends, recognised by their first bytes too. */
static gboolean
type_matches (const char   *type,
              const guint8 *data,
              gsize         len)
{
  if (g_str_equal (type, "image/jpeg"))
    return len > 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff;
  if (g_str_equal (type, "image/png"))
    return len > 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0;
  if (g_str_equal (type, "application/pdf"))
    return len > 5 && memcmp (data, "%PDF-", 5) == 0;
  if (g_str_equal (type, "application/dicom"))
    return len > 132 && memcmp (data + 128, "DICM", 4) == 0;
  return FALSE;
}

static void
add_attachment (HzHubRequest *req,
                const char   *id)
{
  g_autoptr(HzHubConsult) c = load_visible (req, id);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *type = NULL;
  g_autofree char *reply = NULL;
  HzHubIdempotent idem;
  const char *filename;
  gsize len;
  const guint8 *data;

  if (c == NULL)
    return;
  if ((hz_hub_access_parties (req->user, c) & (HZ_PARTY_REQUESTER | HZ_PARTY_RESPONDER)) == 0 ||
      hz_consult_state_is_final (c->state))
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_FORBIDDEN, "forbidden",
                          "only the consult's doctors add attachments, and not after it ended");
      return;
    }
  body = soup_message_body_flatten (soup_server_message_get_request_body (req->msg));
  data = g_bytes_get_data (body, &len);
  type = g_strdup (soup_message_headers_get_content_type (soup_server_message_get_request_headers (req->msg), NULL));
  if (len > req->server->config->max_attachment_bytes)
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too_large", "the attachment is too large");
      return;
    }
  if (type == NULL || !type_matches (type, data, len))
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "unsupported_type",
                          "attachments are JPEG, PNG, PDF or DICOM files whose content matches their type");
      return;
    }
  filename = soup_message_headers_get_one (soup_server_message_get_request_headers (req->msg), "X-Filename");
  if (filename && (strlen (filename) > 255 || !g_utf8_validate (filename, -1, NULL)))
    filename = NULL;
  sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, body);
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sha256");
  json_builder_add_string_value (b, sha);
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, (gint64) len);
  json_builder_set_member_name (b, "content_type");
  json_builder_add_string_value (b, type);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  reply = hz_hub_json_text (root);
  if (!hz_hub_store_add_attachment (req->server->store, id, sha, type, filename, body, req->user->id,
                                    hz_hub_request_idempotent (req, SOUP_STATUS_CREATED, reply, &idem), NULL))
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "server_error", "could not store the attachment");
      return;
    }
  hz_hub_reply_text (req->msg, SOUP_STATUS_CREATED, reply);
}

/* The list is not patient data beyond what the consult shows (names,
 * types, sizes): reading it is not logged as a record read; fetching a
 * file is. */
static void
list_attachments (HzHubRequest *req,
                  const char   *id)
{
  g_autoptr(HzHubConsult) c = load_visible (req, id);
  g_autoptr(JsonObject) o = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (c == NULL)
    return;
  o = json_object_new ();
  json_object_set_member (o, "attachments", hz_hub_store_list_attachments (req->server->store, id));
  root = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (root, o);
  hz_hub_reply_json (req->msg, SOUP_STATUS_OK, root);
}

static void
get_attachment (HzHubRequest *req,
                const char   *id,
                const char   *sha)
{
  g_autoptr(HzHubConsult) c = load_visible (req, id);
  g_autoptr(GBytes) data = NULL;
  g_autofree char *type = NULL;
  g_autofree char *payload = NULL;

  if (c == NULL)
    return;
  data = hz_hub_store_get_attachment (req->server->store, id, sha, &type);
  if (data == NULL)
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_NOT_FOUND, "not_found", "no such attachment");
      return;
    }
  payload = g_strdup_printf ("{\"what\":\"attachment\",\"sha256\":\"%.64s\"}", sha);
  hz_hub_store_append_event (req->server->store, id, req->user->id, "record.read", payload, NULL);
  soup_server_message_set_status (req->msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (req->msg, type, SOUP_MEMORY_COPY,
                                    g_bytes_get_data (data, NULL), g_bytes_get_size (data));
}

static gboolean
is (HzHubRequest *req,
    const char   *method,
    guint         n_parts)
{
  return req->n_parts == n_parts && g_str_equal (req->method, method);
}

void
hz_hub_api_consults (HzHubRequest *req)
{
  char **p = req->parts;

  if (is (req, "GET", 1))
    list_consults (req);
  else if (is (req, "POST", 1))
    create_consult (req);
  else if (is (req, "GET", 2))
    {
      g_autoptr(HzHubConsult) c = load_visible (req, p[1]);
      if (c)
        reply_consult (req, SOUP_STATUS_OK, c);
    }
  else if (is (req, "POST", 4) && g_str_equal (p[2], "actions"))
    act (req, p[1], p[3]);
  else if (is (req, "GET", 3) && g_str_equal (p[2], "events"))
    list_events (req, p[1]);
  else if (is (req, "GET", 3) && g_str_equal (p[2], "bundle"))
    get_bundle (req, p[1]);
  else if (is (req, "POST", 3) && g_str_equal (p[2], "attachments"))
    add_attachment (req, p[1]);
  else if (is (req, "GET", 3) && g_str_equal (p[2], "attachments"))
    list_attachments (req, p[1]);
  else if (is (req, "GET", 4) && g_str_equal (p[2], "attachments"))
    get_attachment (req, p[1], p[3]);
  else if (req->n_parts == 3 && g_str_equal (p[2], "addenda"))
    hz_hub_api_addenda (req, p[1]);
  else
    hz_hub_reply_error (req->msg, SOUP_STATUS_NOT_FOUND, "not_found", "no such endpoint");
}
