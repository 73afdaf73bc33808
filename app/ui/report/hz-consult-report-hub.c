/* hz-consult-report-hub.c: a consult report from what the hub sends: the
 * consult (GET consults/ID) and the directory (GET directory). The
 * opinion and its addenda are verified first: an opinion that does not
 * verify is not printed. */
#include "config.h"

#include <string.h>

#include "hz-consult-report.h"

/* The object in directory[list] whose "id" is id. */
static JsonObject *
find (JsonObject *directory,
      const char *list,
      const char *id)
{
  JsonNode *node = directory ? json_object_get_member (directory, list) : NULL;
  JsonArray *array;
  guint i;

  if (id == NULL || node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  array = json_node_get_array (node);
  for (i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      if (o && g_strcmp0 (json_object_get_string_member_with_default (o, "id", NULL), id) == 0)
        return o;
    }
  return NULL;
}

static const char *
str (JsonObject *o,
     const char *name)
{
  JsonNode *node = o ? json_object_get_member (o, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* A doctor by user id; institution falls back to the consult's own. */
static void
party (JsonObject    *directory,
       const char    *user_id,
       const char    *institution_id,
       HzReportParty *out)
{
  JsonObject *user = find (directory, "users", user_id);
  JsonObject *department = find (directory, "departments", str (user, "department"));
  JsonObject *institution = find (directory, "institutions", str (user, "institution") ? str (user, "institution")
                                                                                      : institution_id);

  out->name = str (user, "display_name") ? str (user, "display_name") : user_id;
  out->title = str (user, "title");
  out->department = str (department, "name");
  out->institution = str (institution, "name") ? str (institution, "name") : institution_id;
}

HzConsultReport *
hz_consult_report_new_from_hub (JsonObject  *consult,
                                JsonObject  *directory,
                                GError     **error)
{
  g_autoptr(HzSignedOpinion) opinion = NULL;
  g_autoptr(GPtrArray) addenda = NULL;
  HzConsultReport *report;
  HzReportParty requester = { 0 }, responder = { 0 };
  JsonObject *patient = NULL;
  JsonNode *node;
  guint i;

  g_return_val_if_fail (consult != NULL, NULL);
  opinion = hz_signed_opinion_new_from_consult (consult, &addenda, error);
  if (opinion == NULL)
    return NULL;

  report = hz_consult_report_new (opinion);
  party (directory, str (consult, "requester"), str (consult, "requester_institution"), &requester);
  party (directory, hz_signed_opinion_get_author (opinion), str (consult, "target_institution"), &responder);
  hz_consult_report_set_requester (report, &requester);
  hz_consult_report_set_responder (report, &responder);

  node = json_object_get_member (consult, "patient");
  if (node && JSON_NODE_HOLDS_OBJECT (node))
    patient = json_node_get_object (node);
  node = patient ? json_object_get_member (patient, "age") : NULL;
  hz_consult_report_set_patient (report, str (patient, "name"), str (patient, "name_latin"), str (patient, "sex"),
                                 node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64
                                   ? (int) CLAMP (json_node_get_int (node), -1, 200) : -1,
                                 str (patient, "id"));
  hz_consult_report_set_request (report, str (consult, "urgency"), str (consult, "reason"), str (consult, "question"));
  for (i = 0; i < addenda->len; i++)
    hz_consult_report_add_addendum (report, addenda->pdata[i]);
  return report;
}
