/* huizhen-log-demo.c: writes the three fixture cases' history into a log,
 * so a newcomer has something real to list, show, export and verify.
 * Every name and number here is made up. */
#include "config.h"

#include <glib/gi18n.h>

#include "huizhen-log-demo.h"

#define REQUESTER "dr.zhou@qingshan-thc"
#define CARDIOLOGIST "dr.chen@county-hospital"
#define DERMATOLOGIST "dr.sun@county-hospital"

typedef struct {
  const char *id;
  const char *patient;
  const char *reason;
} DemoCase;

static const DemoCase cases[] = {
  { "HZ-DEMO-0001", "QS-000731", "劳力性胸痛，hs-TnI 升高，II 导联 ST 段压低 / exertional chest pain" },
  { "HZ-DEMO-0002", "QS-001284", "前臂斑块，疑似银屑病 / plaque on the forearm" },
  { "HZ-DEMO-0003", "QS-002056", "发热咳嗽，SpO2 92%，疑似肺炎 / fever, cough, suspected pneumonia" },
};

static gboolean
add_case (HzConsultLog   *log,
          const DemoCase *c,
          const char     *consent_by,
          GError        **error)
{
  HzLogConsult consult = { (char *) c->id, (char *) c->patient, (char *) REQUESTER, NULL,
                           HZ_CONSULT_STATE_REQUESTED, 0, 0 };
  g_autofree char *consent = g_strdup_printf ("{\"by\":\"%s\",\"method\":\"written\"}", consent_by);
  g_autofree char *reason = NULL;
  g_autoptr(GString) escaped = g_string_new ("{\"reason\":\"");

  g_string_append (escaped, c->reason);  /* demo text has no quotes */
  g_string_append (escaped, "\",\"urgency\":\"urgent\"}");
  reason = g_string_free (g_steal_pointer (&escaped), FALSE);

  return hz_consult_log_add_consult (log, &consult, REQUESTER, error) &&
         hz_consult_log_append (log, c->id, REQUESTER, "consent.recorded", consent, error) &&
         hz_consult_log_append (log, c->id, REQUESTER, "info.added", reason, error);
}

static gboolean
fill (HzConsultLog *log,
      GError      **error)
{
  const char *cardiology_opinion =
    "{\"findings\":\"II 导联 ST 段压低 1 mm，hs-TnI 0.21 ng/mL\","
    "\"diagnosis\":[{\"code\":\"I20.0\",\"label\":\"不稳定型心绞痛 Unstable angina\"}],"
    "\"advice\":\"阿司匹林 300 mg 嚼服，转上级医院行冠脉造影\","
    "\"referral\":{\"decision\":\"refer\",\"urgency\":\"urgent\"}}";
  const char *skin_opinion =
    "{\"findings\":\"边界清楚的红色斑块，覆银白色鳞屑\","
    "\"diagnosis\":[{\"code\":\"L40.0\",\"label\":\"寻常型银屑病 Psoriasis vulgaris\"}],"
    "\"advice\":\"外用卤米松乳膏，四周后复诊\","
    "\"referral\":{\"decision\":\"treat_locally\"}}";

  return add_case (log, &cases[0], "patient", error) &&
         hz_consult_log_set_consult_state (log, cases[0].id, HZ_CONSULT_STATE_ACCEPTED, CARDIOLOGIST,
                                           CARDIOLOGIST, NULL, error) &&
         hz_consult_log_set_consult_state (log, cases[0].id, HZ_CONSULT_STATE_IN_SESSION, NULL,
                                           CARDIOLOGIST, NULL, error) &&
         hz_consult_log_append (log, cases[0].id, REQUESTER, "call.started", "{\"video\":true}", error) &&
         hz_consult_log_append (log, cases[0].id, CARDIOLOGIST, "record.opened",
                                "{\"section\":\"ecg\",\"resource\":\"Observation/ecg-lead-ii\"}", error) &&
         hz_consult_log_append (log, cases[0].id, REQUESTER, "call.ended",
                                "{\"duration_s\":612,\"quality\":\"good\"}", error) &&
         hz_consult_log_add_opinion (log, cases[0].id, "HZ-DEMO-0001-OP1", NULL, CARDIOLOGIST,
                                     cardiology_opinion, NULL, error) &&
         hz_consult_log_set_consult_state (log, cases[0].id, HZ_CONSULT_STATE_REPORTED, NULL,
                                           CARDIOLOGIST, NULL, error) &&
         add_case (log, &cases[1], "patient", error) &&
         hz_consult_log_set_consult_state (log, cases[1].id, HZ_CONSULT_STATE_ACCEPTED, DERMATOLOGIST,
                                           DERMATOLOGIST, NULL, error) &&
         hz_consult_log_add_opinion (log, cases[1].id, "HZ-DEMO-0002-OP1", NULL, DERMATOLOGIST,
                                     skin_opinion, NULL, error) &&
         hz_consult_log_set_consult_state (log, cases[1].id, HZ_CONSULT_STATE_REPORTED, NULL,
                                           DERMATOLOGIST, NULL, error) &&
         add_case (log, &cases[2], "guardian", error);
}

int
huizhen_log_demo_fill (HzConsultLog *log)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) consults = hz_consult_log_list_consults (log, &error);

  if (consults == NULL)
    {
      g_printerr (_("Could not read the consults: %s\n"), error->message);
      return 2;
    }
  if (consults->len > 0)
    {
      g_print (_("The log already holds consults; no sample data added.\n"));
      return 0;
    }
  if (!fill (log, &error))
    {
      g_printerr (_("Could not write the sample consults: %s\n"), error->message);
      return 2;
    }
  g_print (_("Wrote three sample consults to %s\n"), hz_consult_log_get_path (log));
  return 0;
}
