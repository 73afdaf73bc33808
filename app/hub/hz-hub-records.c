/* hz-hub-records.c: copying, freeing and writing the hub's records as JSON. */
#include "config.h"

#include "hz-hub-records.h"

HzHubUser *
hz_hub_user_copy (const HzHubUser *user)
{
  HzHubUser *copy = g_new0 (HzHubUser, 1);

  copy->id = g_strdup (user->id);
  copy->display_name = g_strdup (user->display_name);
  copy->role = user->role;
  copy->institution_id = g_strdup (user->institution_id);
  copy->department_id = g_strdup (user->department_id);
  copy->licence = g_strdup (user->licence);
  copy->title = g_strdup (user->title);
  copy->on_duty = user->on_duty;
  return copy;
}

void
hz_hub_user_free (HzHubUser *user)
{
  if (user == NULL)
    return;
  g_free (user->id);
  g_free (user->display_name);
  g_free (user->institution_id);
  g_free (user->department_id);
  g_free (user->licence);
  g_free (user->title);
  g_free (user);
}

static void
add_string (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

JsonNode *
hz_hub_user_to_json (const HzHubUser *user)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  add_string (b, "id", user->id);
  add_string (b, "display_name", user->display_name);
  add_string (b, "role", hz_role_to_string (user->role));
  add_string (b, "institution", user->institution_id);
  add_string (b, "department", user->department_id);
  add_string (b, "licence", user->licence);
  add_string (b, "title", user->title);
  json_builder_set_member_name (b, "on_duty");
  json_builder_add_boolean_value (b, user->on_duty);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* The doc is shared, not copied: nobody changes a consult's doc after
 * it was stored. */
HzHubConsult *
hz_hub_consult_copy (const HzHubConsult *c)
{
  HzHubConsult *copy = g_new0 (HzHubConsult, 1);

  *copy = *c;
  copy->id = g_strdup (c->id);
  copy->requester_id = g_strdup (c->requester_id);
  copy->requester_institution = g_strdup (c->requester_institution);
  copy->target_department = g_strdup (c->target_department);
  copy->target_institution = g_strdup (c->target_institution);
  copy->target_specialist = g_strdup (c->target_specialist);
  copy->responder_id = g_strdup (c->responder_id);
  copy->doc = c->doc ? json_object_ref (c->doc) : NULL;
  copy->bundle_etag = g_strdup (c->bundle_etag);
  return copy;
}

void
hz_hub_consult_free (HzHubConsult *consult)
{
  if (consult == NULL)
    return;
  g_free (consult->id);
  g_free (consult->requester_id);
  g_free (consult->requester_institution);
  g_free (consult->target_department);
  g_free (consult->target_institution);
  g_free (consult->target_specialist);
  g_free (consult->responder_id);
  g_clear_pointer (&consult->doc, json_object_unref);
  g_free (consult->bundle_etag);
  g_free (consult);
}

static void
add_time (JsonBuilder *b,
          const char  *name,
          gint64       time_us)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (time_us / G_USEC_PER_SEC);
  g_autofree char *text = dt ? g_date_time_format_iso8601 (dt) : NULL;

  add_string (b, name, text);
}

/* The summary goes to everyone who may see the consult in a list; the
 * case (patient details, reason, consent, opinion) only with with_case. */
JsonNode *
hz_hub_consult_to_json (const HzHubConsult *consult,
                        gboolean            with_case)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_builder_begin_object (b);
  add_string (b, "id", consult->id);
  add_string (b, "state", hz_consult_state_to_string (consult->state));
  add_string (b, "urgency", hz_urgency_to_string (consult->urgency));
  add_string (b, "requester", consult->requester_id);
  add_string (b, "requester_institution", consult->requester_institution);
  add_string (b, "target_department", consult->target_department);
  add_string (b, "target_institution", consult->target_institution);
  add_string (b, "target_specialist", consult->target_specialist);
  add_string (b, "responder", consult->responder_id);
  add_time (b, "created", consult->created_us);
  add_time (b, "updated", consult->updated_us);
  add_time (b, "expires", consult->expires_us);
  json_builder_set_member_name (b, "has_bundle");
  json_builder_add_boolean_value (b, consult->bundle_etag != NULL);
  if (with_case && consult->doc)
    {
      json_object_iter_init (&iter, consult->doc);
      while (json_object_iter_next (&iter, &name, &value))
        {
          json_builder_set_member_name (b, name);
          json_builder_add_value (b, json_node_copy (value));
        }
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

void
hz_hub_event_free (HzHubEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->consult_id);
  g_free (event->actor);
  g_free (event->kind);
  g_free (event->payload);
  g_free (event);
}

JsonNode *
hz_hub_event_to_json (const HzHubEvent *event)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "seq");
  json_builder_add_int_value (b, event->seq);
  add_string (b, "consult", event->consult_id);
  add_string (b, "actor", event->actor);
  add_string (b, "kind", event->kind);
  add_time (b, "time", event->time_us);
  json_builder_set_member_name (b, "payload");
  if (json_parser_load_from_data (parser, event->payload, -1, NULL))
    json_builder_add_value (b, json_node_copy (json_parser_get_root (parser)));
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
