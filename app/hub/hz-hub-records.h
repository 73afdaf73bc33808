/* hz-hub-records.h: the hub's plain records: accounts and consults. */
#pragma once

#include <json-glib/json-glib.h>

#include "hz-consult-state.h"
#include "hz-consult-workflow.h"

G_BEGIN_DECLS

typedef struct {
  char   *id;              /* the login name */
  char   *display_name;
  HzRole  role;
  char   *institution_id;
  char   *department_id;   /* NULL for roles without one */
  char   *licence;         /* practising-licence number */
  char   *title;
  gboolean on_duty;
} HzHubUser;

/* A consult as the hub keeps it. doc holds what needs no query: the
 * patient summary, reason, question, consent, mode, opinion. */
typedef struct {
  char           *id;
  HzConsultState  state;
  HzUrgency       urgency;
  char           *requester_id;
  char           *requester_institution;
  char           *target_department;
  char           *target_institution;
  char           *target_specialist;   /* NULL: anyone in the department */
  char           *responder_id;        /* NULL until accepted */
  gint64          created_us;
  gint64          updated_us;
  gint64          expires_us;
  JsonObject     *doc;
  char           *bundle_etag;         /* NULL without a case bundle */
} HzHubConsult;

typedef struct {
  gint64  seq;
  char   *consult_id;   /* NULL for hub-wide events */
  char   *actor;
  char   *kind;
  char   *payload;      /* canonical JSON */
  gint64  time_us;
} HzHubEvent;

HzHubUser    *hz_hub_user_copy     (const HzHubUser *user);
void          hz_hub_user_free     (HzHubUser *user);
JsonNode     *hz_hub_user_to_json  (const HzHubUser *user);

HzHubConsult *hz_hub_consult_copy  (const HzHubConsult *consult);
void          hz_hub_consult_free  (HzHubConsult *consult);
JsonNode     *hz_hub_consult_to_json (const HzHubConsult *consult,
                                      gboolean            with_case);

void          hz_hub_event_free    (HzHubEvent *event);
JsonNode     *hz_hub_event_to_json (const HzHubEvent *event);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HzHubUser, hz_hub_user_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HzHubConsult, hz_hub_consult_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HzHubEvent, hz_hub_event_free)

G_END_DECLS
