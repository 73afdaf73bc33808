/* test-workspace-reopen.c: a consult's workspace opened again after the
 * opinion was signed, against a real hub: the specialist who signed gets
 * the locked form back with Add Addendum, after an application restart
 * too; the requester and other specialists read it; with the hub out of
 * reach both sides show what their logs kept; a tampered opinion is
 * refused. Part of the test-workspace-parts program. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hz-hub-harness.h"
#include "hz-test-utils.h"
#include "hz-widget-test.h"
#include "hz-workspace-pair.h"
#include "hz-workspace-private.h"
#include "test-workspace-reopen.h"

#define FINDINGS  "右肺上叶结节 8 mm，边缘毛刺。"
#define ADDENDUM  "更正：结节位于右肺中叶，大小 9 mm。"

typedef struct {
  HzHubClient  *client;
  HzConsultLog *log;
  char         *log_path;
} Doctor;

static void
doctor_sign_in (Doctor     *d,
                HzHub      *hub,
                const char *dir,
                const char *user)
{
  if (d->log_path == NULL)
    d->log_path = g_strdup_printf ("%s/%s.db", dir, user);
  hz_workspace_pair_sign_in (hub, dir, user, d->log_path, &d->client, &d->log);
}

/* The application quits: the client and the log go. */
static void
doctor_quit (Doctor *d)
{
  g_clear_object (&d->client);
  g_clear_object (&d->log);
}

static void
doctor_free (Doctor *d)
{
  doctor_quit (d);
  g_free (d->log_path);
}

static JsonObject *
get_consult (HzHub      *hub,
             const char *token,
             const char *id)
{
  g_autofree char *path = g_strdup_printf ("consults/%s", id);
  g_autoptr(JsonNode) node = NULL;
  guint status = 0;

  node = hz_hub_call (hub, token, "GET", path, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  return json_object_ref (json_node_get_object (node));
}

/* The consult as a queue lists it: no opinion in it. */
static JsonObject *
summary (const char *id)
{
  JsonObject *consult = json_object_new ();

  json_object_set_string_member (consult, "id", id);
  json_object_set_string_member (consult, "state", "reported");
  return consult;
}

typedef struct {
  HzHub      *hub;
  const char *token;
  const char *id;
} HubWait;

static gboolean
hub_has_opinion (gpointer data)
{
  HubWait *w = data;
  g_autoptr(JsonObject) consult = get_consult (w->hub, w->token, w->id);

  return json_object_has_member (consult, "opinion_hash");
}

static gboolean
hub_has_addendum (gpointer data)
{
  HubWait *w = data;
  g_autoptr(JsonObject) consult = get_consult (w->hub, w->token, w->id);
  JsonNode *addenda = json_object_get_member (consult, "addenda");

  return addenda != NULL && JSON_NODE_HOLDS_ARRAY (addenda) && json_array_get_length (json_node_get_array (addenda)) == 1;
}

/* The opinion with both addenda. */
static gboolean
has_opinion (gpointer data)
{
  return hz_workspace_get_opinion (HZ_WORKSPACE (data)) != NULL &&
         hz_workspace_get_n_addenda (HZ_WORKSPACE (data)) == 2;
}

static gboolean
names_shown (gpointer data)
{
  return strstr (gtk_label_get_text (HZ_WORKSPACE (data)->opinion_signer), "dr.chen") == NULL;
}

/* Every text view's text under @root, one after another. */
static void
collect_text (GtkWidget *root,
              GString   *out)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_TEXT_VIEW (child))
        {
          GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (child));
          GtkTextIter start, end;
          g_autofree char *text = NULL;

          gtk_text_buffer_get_bounds (buffer, &start, &end);
          text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
          g_string_append_printf (out, "%s\n", text);
        }
      collect_text (child, out);
    }
}

static GtkWidget *
find_label_containing (GtkWidget  *root,
                       const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_LABEL (child) && strstr (gtk_label_get_text (GTK_LABEL (child)), text) != NULL)
        return child;
      if ((found = find_label_containing (child, text)) != NULL)
        return found;
    }
  return NULL;
}

static guint
n_logged (HzConsultLog *log,
          const char   *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = hz_consult_log_list_opinions (log, id, &error);

  g_assert_no_error (error);
  return rows->len;
}

static GtkWidget *
open_workspace (Doctor          *d,
                JsonObject      *consult,
                HzWorkspaceRole  role,
                HzSigningKey    *key,
                GtkWindow      **window)
{
  GtkWidget *ws = hz_workspace_new (d->client, consult, role, d->log, NULL);

  if (key != NULL)
    hz_workspace_set_signing_key (HZ_WORKSPACE (ws), key);
  *window = hz_widget_test_show (ws, 1280, 800);
  hz_workspace_show_page (HZ_WORKSPACE (ws), "opinion");
  return ws;
}

static void
close_workspace (GtkWindow *window)
{
  gtk_window_destroy (window);
  hz_widget_test_iterate (50);
}

/* The specialist's locked form, as right after signing. */
static void
assert_locked_editor (HzWorkspace     *ws,
                      HzSignedOpinion *signed_opinion,
                      HzSignedOpinion *addendum)
{
  HzOpinionEditor *editor = HZ_OPINION_EDITOR (hz_workspace_get_opinion_editor (ws));
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *grouped = hz_fingerprint_format (hz_signed_opinion_get_key_fingerprint (signed_opinion));
  GtkWidget *add = hz_widget_test_find_button (GTK_WIDGET (editor), _("Add Addendum"));
  GtkWidget *sign = hz_widget_test_find_button (GTK_WIDGET (editor), _("_Sign Opinion"));

  g_assert_cmpstr (gtk_stack_get_visible_child_name (ws->opinion_stack), ==, "editor");
  g_assert_true (hz_opinion_editor_get_locked (editor));
  g_assert_cmpstr (hz_signed_opinion_get_hash (hz_opinion_editor_get_signed (editor)), ==,
                   hz_signed_opinion_get_hash (signed_opinion));
  g_assert_cmpuint (hz_opinion_editor_get_n_addenda (editor), ==, 1);
  g_assert_cmpstr (hz_signed_opinion_get_hash (hz_opinion_editor_get_addendum (editor, 0)), ==,
                   hz_signed_opinion_get_hash (addendum));
  /* What was signed, read-only; signing again is not offered. */
  collect_text (GTK_WIDGET (editor), text);
  g_assert_nonnull (strstr (text->str, FINDINGS));
  g_assert_nonnull (strstr (text->str, "三个月后复查 CT"));
  g_assert_nonnull (find_label_containing (GTK_WIDGET (editor), "R91"));
  g_assert_nonnull (sign);
  g_assert_false (gtk_widget_get_visible (sign));
  /* Add Addendum is the way on. */
  g_assert_nonnull (add);
  g_assert_true (gtk_widget_is_visible (add));
  g_assert_true (gtk_widget_is_sensitive (add));
  /* The status says who signed, when, with the whole fingerprint. */
  g_assert_nonnull (find_label_containing (GTK_WIDGET (editor), grouped));
}

static void
test_reopen_signed (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hz-workspace-reopen-XXXXXX", &error);
  g_autoptr(HzHub) hub = hz_hub_start ("", NULL);
  g_autoptr(HzSigningKey) key = hz_signing_key_generate (&error);
  g_autoptr(HzOpinion) opinion = NULL;
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonObject) consult = NULL;
  g_autoptr(JsonObject) listed = NULL;
  g_autoptr(HzSignedOpinion) signed_opinion = NULL;
  g_autoptr(HzSignedOpinion) addendum = NULL;
  g_autofree char *id = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  g_autofree char *public_key = NULL;
  g_autofree char *shot = NULL;
  g_autofree char *grouped = NULL;
  Doctor zhou = { 0 }, chen = { 0 }, sun = { 0 };
  GtkWindow *window;
  GtkWidget *ws, *editor;
  HubWait wait = { hub, NULL, NULL };
  guint status = 0;

  g_assert_no_error (error);
  doctor_sign_in (&zhou, hub, dir, "dr.zhou");
  doctor_sign_in (&chen, hub, dir, "dr.chen");

  /* A store-and-forward consult, accepted by dr.chen. */
  created = hz_hub_call (hub, hz_hub_client_get_token (zhou.client), "POST", "consults",
                         "{\"patient\":{\"id\":\"QS-000731\",\"name\":\"王建国\",\"sex\":\"male\",\"age\":62},"
                         "\"reason\":\"CT 见右肺结节\",\"question\":\"是否需要转诊？\",\"urgency\":\"routine\","
                         "\"mode\":\"store_forward\",\"target\":{\"specialist\":\"dr.chen\"},"
                         "\"consent\":{\"by\":\"patient\",\"method\":\"written\"}}", &status);
  g_assert_cmpuint (status, ==, 201);
  id = g_strdup (hz_json_str (created, "id"));
  wait.id = id;
  wait.token = hz_hub_client_get_token (chen.client);
  path = g_strdup_printf ("consults/%s/actions/accept", id);
  reply = hz_hub_call (hub, hz_hub_client_get_token (chen.client), "POST", path, "{}", &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&reply, json_node_unref);
  public_key = hz_signing_key_dup_public_key_base64 (key);
  body = g_strdup_printf ("{\"public_key\":\"%s\"}", public_key);
  reply = hz_hub_call (hub, hz_hub_client_get_token (chen.client), "PUT", "me/key", body, &status);
  g_assert_cmpuint (status, ==, 200);

  /* The first session: dr.chen signs, then corrects with an addendum. */
  consult = get_consult (hub, hz_hub_client_get_token (chen.client), id);
  ws = open_workspace (&chen, consult, HZ_WORKSPACE_ROLE_SPECIALIST, key, &window);
  editor = hz_workspace_get_opinion_editor (HZ_WORKSPACE (ws));
  opinion = hz_opinion_new_from_json ("{\"findings\":\"" FINDINGS "\","
                                      "\"diagnosis\":[{\"code\":\"R91\",\"label\":\"肺部异常影像\"}],"
                                      "\"advice\":{\"treatment\":\"暂不用药\",\"follow_up\":\"三个月后复查 CT\"},"
                                      "\"referral\":{\"decision\":\"refer\",\"urgency\":\"urgent\"},"
                                      "\"text\":\"建议转诊胸外科门诊。\"}", -1, &error);
  g_assert_no_error (error);
  hz_opinion_editor_set_opinion (HZ_OPINION_EDITOR (editor), opinion);
  g_assert_true (gtk_widget_activate_action (editor, "opinion.sign", NULL));
  /* The addendum at once, while the opinion is still on its way: the
   * workspace holds it back until the hub has the opinion. */
  g_assert_true (gtk_widget_activate_action (editor, "opinion.add-addendum", NULL));
  hz_opinion_editor_set_addendum_text (HZ_OPINION_EDITOR (editor), ADDENDUM);
  g_assert_true (gtk_widget_activate_action (editor, "opinion.sign-addendum", NULL));
  signed_opinion = g_object_ref (hz_workspace_get_opinion (HZ_WORKSPACE (ws)));
  addendum = g_object_ref (hz_workspace_get_addendum (HZ_WORKSPACE (ws), 0));
  g_assert_true (hz_widget_test_wait (hub_has_addendum, &wait));
  g_assert_true (hub_has_opinion (&wait));
  close_workspace (window);
  g_assert_cmpuint (n_logged (chen.log, id), ==, 2);

  /* The application restarts; dr.chen opens the consult again. */
  doctor_quit (&chen);
  doctor_sign_in (&chen, hub, dir, "dr.chen");
  g_clear_pointer (&consult, json_object_unref);
  consult = get_consult (hub, hz_hub_client_get_token (chen.client), id);
  ws = open_workspace (&chen, consult, HZ_WORKSPACE_ROLE_SPECIALIST, key, &window);
  hz_widget_test_iterate (100);
  assert_locked_editor (HZ_WORKSPACE (ws), signed_opinion, addendum);
  g_assert_true (hz_widget_test_wait (names_shown, ws));
  {
    /* The status and the addenda at the bottom, for the screenshot. */
    GtkWidget *scroller = gtk_widget_get_ancestor (hz_widget_test_find_button (hz_workspace_get_opinion_editor (HZ_WORKSPACE (ws)),
                                                                _("Add Addendum")),
                                                   GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));

    hz_widget_test_iterate (300);
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
    hz_widget_test_iterate (100);
  }
  shot = hz_widget_test_screenshot (GTK_WIDGET (window), "workspace-reopened-specialist");
  g_test_message ("screenshot: %s", shot);
  /* What the log holds is not logged twice. */
  g_assert_cmpuint (n_logged (chen.log, id), ==, 2);
  /* A second addendum chains on from the reopened one. */
  editor = hz_workspace_get_opinion_editor (HZ_WORKSPACE (ws));
  g_assert_true (gtk_widget_activate_action (editor, "opinion.add-addendum", NULL));
  hz_opinion_editor_set_addendum_text (HZ_OPINION_EDITOR (editor), "补充：建议增强 CT。");
  g_assert_true (gtk_widget_activate_action (editor, "opinion.sign-addendum", NULL));
  g_assert_cmpuint (hz_workspace_get_n_addenda (HZ_WORKSPACE (ws)), ==, 2);
  g_assert_cmpstr (hz_signed_opinion_get_parent_hash (hz_workspace_get_addendum (HZ_WORKSPACE (ws), 1)), ==,
                   hz_signed_opinion_get_hash (addendum));
  close_workspace (window);

  /* The requester opens it from the queue's summary: fetched, checked,
   * read-only, the signer by name, both addenda. */
  listed = summary (id);
  ws = open_workspace (&zhou, listed, HZ_WORKSPACE_ROLE_REQUESTER, NULL, &window);
  g_assert_true (hz_widget_test_wait (has_opinion, ws));
  {
    HzWorkspace *w = HZ_WORKSPACE (ws);

    g_assert_cmpstr (hz_signed_opinion_get_hash (hz_workspace_get_opinion (w)), ==, hz_signed_opinion_get_hash (signed_opinion));
    g_assert_cmpuint (hz_workspace_get_n_addenda (w), ==, 2);
    g_assert_cmpstr (gtk_stack_get_visible_child_name (w->opinion_stack), ==, "received");
    g_assert_cmpstr (gtk_label_get_text (w->opinion_findings), ==, FINDINGS);
    g_assert_cmpstr (gtk_label_get_text (w->opinion_diagnoses), ==, "R91  肺部异常影像");
    g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (w->opinion_verified), "success"));
    grouped = hz_fingerprint_format (hz_signed_opinion_get_key_fingerprint (signed_opinion));
    g_assert_nonnull (strstr (gtk_label_get_text (w->opinion_fingerprint), grouped));
    g_assert_true (hz_widget_test_wait (names_shown, ws));
    g_assert_nonnull (strstr (gtk_label_get_text (w->opinion_signer), "陈"));
    /* Read-only: the form is not the requester's. */
    g_assert_false (hz_opinion_editor_get_locked (HZ_OPINION_EDITOR (hz_workspace_get_opinion_editor (w))));
  }
  g_clear_pointer (&shot, g_free);
  shot = hz_widget_test_screenshot (GTK_WIDGET (window), "workspace-reopened-requester");
  g_test_message ("screenshot: %s", shot);
  close_workspace (window);
  /* Never received live: the log took the opinion and its two addenda
   * on this first opening, once. */
  g_assert_cmpuint (n_logged (zhou.log, id), ==, 3);

  /* Another specialist reads it but cannot add to it. */
  doctor_sign_in (&sun, hub, dir, "dr.sun");
  g_clear_pointer (&consult, json_object_unref);
  consult = get_consult (hub, hz_hub_client_get_token (chen.client), id);
  ws = open_workspace (&sun, consult, HZ_WORKSPACE_ROLE_SPECIALIST, NULL, &window);
  g_assert_nonnull (hz_workspace_get_opinion (HZ_WORKSPACE (ws)));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (HZ_WORKSPACE (ws)->opinion_stack), ==, "received");
  g_assert_false (hz_opinion_editor_get_locked (HZ_OPINION_EDITOR (hz_workspace_get_opinion_editor (HZ_WORKSPACE (ws)))));
  close_workspace (window);

  /* A text changed on the way is refused, not shown as signed. */
  json_object_set_string_member (json_object_get_object_member (consult, "opinion"), "findings", "未见异常。");
  ws = open_workspace (&chen, consult, HZ_WORKSPACE_ROLE_SPECIALIST, key, &window);
  g_assert_null (hz_workspace_get_opinion (HZ_WORKSPACE (ws)));
  g_assert_false (hz_opinion_editor_get_locked (HZ_OPINION_EDITOR (hz_workspace_get_opinion_editor (HZ_WORKSPACE (ws)))));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (HZ_WORKSPACE (ws)->opinion_stack), ==, "received");
  g_assert_cmpstr (gtk_label_get_text (HZ_WORKSPACE (ws)->opinion_title), ==, _("Opinion refused"));
  close_workspace (window);
  doctor_free (&sun);

  /* The hub out of reach: each side shows what its log kept. */
  hz_hub_kill (hub, FALSE);
  g_clear_pointer (&listed, json_object_unref);
  listed = summary (id);
  ws = open_workspace (&chen, listed, HZ_WORKSPACE_ROLE_SPECIALIST, key, &window);
  g_assert_true (hz_widget_test_wait (has_opinion, ws));
  g_assert_cmpuint (hz_workspace_get_n_addenda (HZ_WORKSPACE (ws)), ==, 2);
  g_assert_true (HZ_WORKSPACE (ws)->opinion_from_log);
  g_assert_true (hz_opinion_editor_get_locked (HZ_OPINION_EDITOR (hz_workspace_get_opinion_editor (HZ_WORKSPACE (ws)))));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (HZ_WORKSPACE (ws)->opinion_stack), ==, "editor");
  close_workspace (window);
  ws = open_workspace (&zhou, listed, HZ_WORKSPACE_ROLE_REQUESTER, NULL, &window);
  g_assert_true (hz_widget_test_wait (has_opinion, ws));
  g_assert_cmpuint (hz_workspace_get_n_addenda (HZ_WORKSPACE (ws)), ==, 2);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (HZ_WORKSPACE (ws)->opinion_stack), ==, "received");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (HZ_WORKSPACE (ws)->opinion_verified), "warning"));
  g_assert_cmpstr (gtk_label_get_text (HZ_WORKSPACE (ws)->opinion_findings), ==, FINDINGS);
  close_workspace (window);

  doctor_free (&zhou);
  doctor_free (&chen);
  hz_test_rmdir (dir);
}

void
hz_test_workspace_reopen_add (void)
{
  g_test_add_func ("/workspace/parts/reopen-signed", test_reopen_signed);
}
