/* hz-hub-demo.c: seeds an empty store with the demo network. Every name
 * and number is made up. All demo accounts share HZ_HUB_DEMO_PASSWORD. */
#include "config.h"

#include "hz-canonical-json.h"
#include "hz-hub-auth.h"
#include "hz-hub-demo.h"

typedef struct {
  const char *id, *name, *role, *institution, *department, *licence, *title;
} DemoUser;

static const DemoUser users[] = {
  { "dr.zhou", "周明 Zhou Ming", "requester", "qingshan-thc", NULL, "110330000012345", "全科主治医师" },
  { "dr.chen", "陈立华 Chen Lihua", "specialist", "county-hospital", "cardiology", "110330000023456", "心内科主任医师" },
  { "dr.sun", "孙悦 Sun Yue", "specialist", "county-hospital", "dermatology", "110330000034567", "皮肤科副主任医师" },
  { "dr.lin", "林晓 Lin Xiao", "specialist", "county-hospital", "paediatrics", "110330000045678", "儿科主治医师" },
  { "dr.he", "何志远 He Zhiyuan", "specialist", "county-hospital", "radiology", "110330000056789", "放射科主任医师" },
  { "coord.wang", "王芳 Wang Fang", "coordinator", "county-hospital", NULL, NULL, "远程医疗中心协调员" },
  { "admin", "管理员 Administrator", "admin", "county-hospital", NULL, NULL, NULL },
};

typedef struct {
  const char *file, *patient_id, *name, *name_latin, *sex;
  int age;
  const char *department, *urgency, *mode, *reason, *question, *consent_by;
} DemoCase;

static const DemoCase cases[] = {
  { "wang-jianguo.json", "QS-000731", "王建国", "WANG Jianguo", "male", 62, "cardiology", "urgent", "live",
    "劳力性胸痛 3 天，hs-TnI 升高，II 导联 ST 段压低 / exertional chest pain for 3 days, raised hs-TnI, ST depression in lead II",
    "是否需要转诊行冠脉造影？ / Does he need referral for coronary angiography?", "patient" },
  { "li-xiuying.json", "QS-001284", "李秀英", "LI Xiuying", "female", 45, "dermatology", "routine", "store_forward",
    "前臂斑块 2 个月 / plaque on the forearm for 2 months",
    "诊断及外用药建议 / diagnosis and topical treatment?", "patient" },
  { "zhang-xiaoming.json", "QS-002056", "张小明", "ZHANG Xiaoming", "male", 8, "paediatrics", "emergency", "live",
    "发热咳嗽，SpO2 92%，疑似肺炎 / fever, cough, SpO2 92 %, suspected pneumonia",
    "能否在本院治疗，还是需要立即转诊？ / treat here or refer now?", "guardian" },
};

static gboolean
seed_directory (HzHubStore *store,
                GError    **error)
{
  g_autofree char *hash = hz_hub_auth_hash_password (HZ_HUB_DEMO_PASSWORD, error);
  guint i;

  if (hash == NULL ||
      !hz_hub_store_add_institution (store, "qingshan-thc", "青山镇卫生院", "Qingshan Township Health Centre", "township", error) ||
      !hz_hub_store_add_institution (store, "county-hospital", "县人民医院", "County People's Hospital", "county", error) ||
      !hz_hub_store_add_department (store, "cardiology", "county-hospital", "心血管内科", "Cardiology", error) ||
      !hz_hub_store_add_department (store, "dermatology", "county-hospital", "皮肤科", "Dermatology", error) ||
      !hz_hub_store_add_department (store, "paediatrics", "county-hospital", "儿科", "Paediatrics", error) ||
      !hz_hub_store_add_department (store, "radiology", "county-hospital", "放射科", "Radiology", error))
    return FALSE;

  for (i = 0; i < G_N_ELEMENTS (users); i++)
    {
      HzHubUser u = { (char *) users[i].id, (char *) users[i].name, 0, (char *) users[i].institution,
                      (char *) users[i].department, (char *) users[i].licence, (char *) users[i].title,
                      users[i].department != NULL };
      hz_role_from_string (users[i].role, &u.role);
      if (!hz_hub_store_add_user (store, &u, hash, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
seed_case (HzHubStore     *store,
           const char     *demo_dir,
           const DemoCase *dc,
           guint           n,
           GError        **error)
{
  g_autofree char *path = g_build_filename (demo_dir, "fhir", dc->file, NULL);
  g_autofree char *text = NULL;
  g_autofree char *bundle = NULL;
  g_autoptr(HzHubConsult) c = g_new0 (HzHubConsult, 1);
  g_autoptr(JsonObject) patient = json_object_new ();
  g_autoptr(JsonObject) consent = json_object_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *day = g_date_time_format (now, "%Y%m%d");
  gint64 t = g_get_real_time () - (gint64) (G_N_ELEMENTS (cases) - n) * 7 * 60 * G_USEC_PER_SEC;

  if (!g_file_get_contents (path, &text, NULL, error) ||
      (bundle = hz_canonical_json_from_string (text, -1, TRUE, error)) == NULL)
    return FALSE;

  c->id = g_strdup_printf ("HZ-%s-DEMO%u", day, n + 1);
  c->state = HZ_CONSULT_STATE_REQUESTED;
  hz_urgency_from_string (dc->urgency, &c->urgency);
  c->requester_id = g_strdup ("dr.zhou");
  c->requester_institution = g_strdup ("qingshan-thc");
  c->target_department = g_strdup (dc->department);
  c->target_institution = g_strdup ("county-hospital");
  c->created_us = c->updated_us = t;
  /* demo requests do not expire while someone is trying the demo */
  c->expires_us = t + (gint64) 30 * 24 * 3600 * G_USEC_PER_SEC;
  json_object_set_string_member (patient, "id", dc->patient_id);
  json_object_set_string_member (patient, "name", dc->name);
  json_object_set_string_member (patient, "name_latin", dc->name_latin);
  json_object_set_string_member (patient, "sex", dc->sex);
  json_object_set_int_member (patient, "age", dc->age);
  json_object_set_string_member (consent, "by", dc->consent_by);
  json_object_set_string_member (consent, "method", "written");
  c->doc = json_object_new ();
  json_object_set_object_member (c->doc, "patient", g_steal_pointer (&patient));
  json_object_set_object_member (c->doc, "consent", g_steal_pointer (&consent));
  json_object_set_string_member (c->doc, "reason", dc->reason);
  json_object_set_string_member (c->doc, "question", dc->question);
  json_object_set_string_member (c->doc, "mode", dc->mode);
  c->bundle_etag = g_compute_checksum_for_string (G_CHECKSUM_SHA256, bundle, -1);
  return hz_hub_store_create_consult (store, c, bundle, NULL, error) > 0;
}

gboolean
hz_hub_demo_seed (HzHubStore *store,
                  const char *demo_dir,
                  GError    **error)
{
  guint i;

  if (!hz_hub_store_is_empty (store))
    return TRUE;  /* seeded on an earlier start */
  if (!seed_directory (store, error))
    return FALSE;
  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    if (!seed_case (store, demo_dir, &cases[i], i, error))
      return FALSE;
  return TRUE;
}

/**
 * hz_hub_demo_add_load_users:
 * @n_pairs: how many of each
 *
 * For load tests (bench-hub, `huizhen-hub --demo-users N`): N requesting
 * doctors bench.req.NNNN at the township centre and N cardiologists
 * bench.spec.NNNN at the county hospital, all with the demo password.
 * They share one argon2 hash (one salt) so that seeding thousands takes
 * no minutes: acceptable for made-up benchmark accounts only. Accounts
 * that exist already are left alone.
 */
gboolean
hz_hub_demo_add_load_users (HzHubStore *store,
                            guint       n_pairs,
                            GError    **error)
{
  g_autofree char *hash = NULL;
  guint i, j;

  if (n_pairs == 0)
    return TRUE;
  hash = hz_hub_auth_hash_password (HZ_HUB_DEMO_PASSWORD, error);
  if (hash == NULL)
    return FALSE;
  for (i = 0; i < n_pairs; i++)
    for (j = 0; j < 2; j++)
      {
        g_autofree char *id = g_strdup_printf (j == 0 ? "bench.req.%04u" : "bench.spec.%04u", i);
        g_autofree char *name = g_strdup_printf (j == 0 ? "Bench Requester %u" : "Bench Specialist %u", i);
        g_autoptr(HzHubUser) existing = hz_hub_store_get_user (store, id, NULL, NULL);
        HzHubUser u = { id, name, j == 0 ? HZ_ROLE_REQUESTER : HZ_ROLE_SPECIALIST,
                        (char *) (j == 0 ? "qingshan-thc" : "county-hospital"),
                        (char *) (j == 0 ? NULL : "cardiology"), NULL, NULL, FALSE };

        if (existing == NULL && !hz_hub_store_add_user (store, &u, hash, error))
          return FALSE;
      }
  return TRUE;
}
