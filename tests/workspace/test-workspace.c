/* test-workspace.c: the two-doctor scenario in one process under Xvfb:
 * two HzWorkspaces, each with its own hub client signed in to a real
 * huizhen-hub, its own consultation log and its own HzCall over loopback.
 * The requester presents the CT; the specialist's viewer follows (state
 * and pixels); the specialist signs; the requester receives and verifies;
 * both logs verify and hold the same opinion hash; the PDF is written. */
#include "config.h"


#include <gst/gst.h>

#include "hz-dicom-dataset.h"
#include "hz-image-view-private.h"
#include "hz-orthanc.h"
#include "hz-opinion-editor.h"
#include "hz-signing-key.h"
#include "hz-widget-test.h"
#include "hz-workspace-pair.h"
#include "hz-workspace-private.h"

#include <glib/gi18n-lib.h>

#define CT_SERIES "1.2.826.0.1.3680043.10.1078.3.2"

typedef struct {
  HzWorkspacePair *pair;
  HzSharedViewState *want;
} Check;

static HzImageView *
viewer (HzPairSide *side)
{
  return hz_workspace_get_image_view (HZ_WORKSPACE (side->workspace));
}

static HzSharedSession *
session (HzPairSide *side)
{
  return hz_workspace_get_shared_session (HZ_WORKSPACE (side->workspace));
}

static gboolean
peer_presents (gpointer data)
{
  return hz_shared_session_get_peer_presenting (HZ_SHARED_SESSION (data));
}

static gboolean
on_images_page (gpointer data)
{
  return g_strcmp0 (hz_workspace_get_page (HZ_WORKSPACE (data)), "images") == 0;
}

static gboolean
on_record_page (gpointer data)
{
  return g_strcmp0 (hz_workspace_get_page (HZ_WORKSPACE (data)), "record") == 0;
}

static gboolean
on_labs (gpointer data)
{
  return g_strcmp0 (hz_record_view_get_section (hz_workspace_get_record_view (HZ_WORKSPACE (data))), "labs") == 0;
}

static gboolean
record_loaded (gpointer data)
{
  return hz_workspace_get_record_loaded (HZ_WORKSPACE (data));
}

static gboolean
same_view (gpointer data)
{
  Check *c = data;
  g_autoptr(HzSharedViewState) got = hz_image_view_get_state (viewer (&c->pair->chen));

  return hz_shared_view_state_equal (got, c->want);
}

static gboolean
not_loading (gpointer data)
{
  return !hz_image_view_get_loading (HZ_IMAGE_VIEW (data));
}

static gboolean
has_annotation (gpointer data)
{
  GPtrArray *list = hz_image_view_get_annotations (HZ_IMAGE_VIEW (data));

  return list != NULL && list->len == 1;
}

static gboolean
has_opinion (gpointer data)
{
  return hz_workspace_get_opinion (HZ_WORKSPACE (data)) != NULL;
}

static guint
chat_rows (GtkWidget *workspace)
{
  GtkWidget *list = NULL;
  guint n = 0;

  /* The chat list is the workspace's only GtkListBox with the boxed-list class. */
  for (GtkWidget *w = gtk_widget_get_first_child (workspace); w != NULL; )
    {
      if (GTK_IS_LIST_BOX (w) && gtk_widget_has_css_class (w, "boxed-list"))
        {
          list = w;
          break;
        }
      if (gtk_widget_get_first_child (w) != NULL)
        w = gtk_widget_get_first_child (w);
      else
        {
          while (w != NULL && gtk_widget_get_next_sibling (w) == NULL)
            {
              w = gtk_widget_get_parent (w);
              if (w == workspace)
                w = NULL;
            }
          if (w != NULL)
            w = gtk_widget_get_next_sibling (w);
        }
    }
  g_assert_nonnull (list);
  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL; row = gtk_widget_get_next_sibling (row))
    n++;
  return n;
}

static gboolean
chat_arrived (gpointer data)
{
  return chat_rows (GTK_WIDGET (data)) == 1;
}

typedef struct {
  const char *kind;
  const char *opinion_hash;
  guint       n;
} KindCount;

static gboolean
count_kind (const HzLogEvent *event,
            gpointer          user_data)
{
  KindCount *k = user_data;

  if (g_strcmp0 (event->kind, k->kind) == 0)
    k->n++;
  return TRUE;
}

static guint
log_count (HzConsultLog *log,
           const char   *consult,
           const char   *kind)
{
  g_autoptr(GError) error = NULL;
  KindCount k = { kind, NULL, 0 };

  g_assert_true (hz_consult_log_foreach_event (log, consult, count_kind, &k, &error));
  g_assert_no_error (error);
  return k.n;
}

/* The opinion's hash (the row without a parent); *n_addenda the rows
 * with one. */
static char *
logged_opinion_hash (HzConsultLog *log,
                     const char   *consult,
                     guint        *n_addenda)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) opinions = hz_consult_log_list_opinions (log, consult, &error);
  char *hash = NULL;

  g_assert_no_error (error);
  *n_addenda = 0;
  for (guint i = 0; i < opinions->len; i++)
    {
      HzLogOpinion *row = g_ptr_array_index (opinions, i);

      if (row->parent_id == NULL)
        {
          g_assert_null (hash);
          hash = g_strdup (row->id);
        }
      else
        (*n_addenda)++;
    }
  g_assert_nonnull (hash);
  return hash;
}

static gboolean
has_addendum (gpointer data)
{
  return hz_workspace_get_n_addenda (HZ_WORKSPACE (data)) == 1;
}

static void
count_data (HzCall *call,
            const char *text,
            guint  *n)
{
  (*n)++;
}

static gboolean
some_data (gpointer data)
{
  return *(guint *) data > 0;
}

typedef struct {
  HzConsultLog *log;
  const char   *consult;
  const char   *kind;
} LogWait;

static gboolean
logged_once (gpointer data)
{
  LogWait *w = data;

  return log_count (w->log, w->consult, w->kind) == 1;
}

static gboolean
self_view_shown (gpointer data)
{
  HzWorkspace *ws = data;

  return hz_video_paintable_get_n_frames (ws->local_video) > 0 &&
         g_strcmp0 (gtk_stack_get_visible_child_name (ws->self_stack), "picture") == 0;
}

static gboolean
remote_video_shown (gpointer data)
{
  HzWorkspace *ws = data;

  return hz_video_paintable_get_n_frames (ws->video) > 0 && !gtk_widget_get_visible (GTK_WIDGET (ws->video_placeholder));
}

typedef struct {
  HzVideoPaintable *paintable;
  guint64           n;
} FramesAfter;

static gboolean
frames_after (gpointer data)
{
  FramesAfter *f = data;

  return hz_video_paintable_get_n_frames (f->paintable) >= f->n;
}

/* The target of the item of @section whose target is @id, or NULL. */
static char *
menu_target (GMenuModel *section,
             const char *id)
{
  for (int i = 0; i < g_menu_model_get_n_items (section); i++)
    {
      g_autoptr(GVariant) target = g_menu_model_get_item_attribute_value (section, i, G_MENU_ATTRIBUTE_TARGET,
                                                                           G_VARIANT_TYPE_STRING);

      if (target != NULL && g_strcmp0 (g_variant_get_string (target, NULL), id) == 0)
        return g_variant_dup_string (target, NULL);
    }
  return NULL;
}

static gboolean
names_shown (gpointer data)
{
  HzWorkspace *ws = data;

  /* The directory came: the signer is shown by name, not as dr.chen. */
  return strstr (gtk_label_get_text (ws->opinion_signer), "dr.chen") == NULL;
}

static void
register_key (HzWorkspacePair *pair,
              HzSigningKey    *key)
{
  g_autofree char *public_key = hz_signing_key_dup_public_key_base64 (key);
  g_autofree char *body = g_strdup_printf ("{\"public_key\":\"%s\"}", public_key);
  g_autoptr(JsonNode) reply = NULL;
  guint status = 0;

  reply = hz_hub_call (pair->hub, hz_hub_client_get_token (pair->chen.client), "PUT", "me/key", body, &status);
  g_assert_cmpuint (status, ==, 200);
}

static void
count_pointer (HzSharedSession *s,
               int              type,
               guint64          seq,
               guint           *n)
{
  if (type == HZ_SHARED_MESSAGE_POINTER)
    (*n)++;
}

typedef struct {
  guint *n;
  guint  want;
} PointerCount;

static gboolean
pointers_arrived (gpointer data)
{
  PointerCount *c = data;

  return *c->n == c->want;
}

static gboolean
has_stack (gpointer data)
{
  return hz_image_view_get_stack (HZ_IMAGE_VIEW (data)) != NULL;
}

/* The specialist's CT comes from a real Orthanc over DICOMweb, as in the
 * field; where Orthanc is not installed, from the files, and it says so. */
static HzOrthanc *
load_ct_from_pacs (HzWorkspacePair *pair)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HzOrthanc) orthanc = hz_orthanc_start (&error);
  g_autoptr(HzDicomwebClient) pacs = NULL;
  g_autofree char *dir = hz_widget_test_data_path ("dicom/wang-jianguo");
  HzImageStack *mine = hz_image_view_get_stack (viewer (&pair->zhou));
  g_autofree char *study = hz_dicom_dataset_get_string (hz_image_stack_get_dataset (mine, 0),
                                                        HZ_DICOM_TAG (0x0020, 0x000d));

  if (orthanc == NULL)
    {
      g_autoptr(HzImageStack) ct = hz_workspace_pair_load_series ("dicom/wang-jianguo");

      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
      g_test_message ("Orthanc is not installed (%s): the specialist's CT from files", error->message);
      hz_workspace_add_series (HZ_WORKSPACE (pair->chen.workspace), ct, "CT", "CT");
      return NULL;
    }
  g_test_message ("Orthanc: %s", hz_orthanc_isolation ());
  g_assert_cmpint (hz_orthanc_upload_dir (orthanc, dir, &error), ==, 48);
  g_assert_no_error (error);
  pacs = hz_dicomweb_client_new (hz_orthanc_get_dicomweb_url (orthanc));
  hz_dicomweb_client_set_basic_auth (pacs, hz_orthanc_get_user (orthanc), hz_orthanc_get_password (orthanc));
  hz_workspace_load_study (HZ_WORKSPACE (pair->chen.workspace), pacs, study);
  g_assert_true (hz_workspace_pair_wait (has_stack, viewer (&pair->chen)));
  g_assert_cmpuint (hz_image_stack_get_n_slices (hz_image_view_get_stack (viewer (&pair->chen))), ==, 48);
  g_assert_cmpuint (log_count (pair->chen.log, pair->consult_id, "image.opened"), ==, 1);
  return g_steal_pointer (&orthanc);
}

static void
test_two_clients (void)
{
  g_autoptr(HzWorkspacePair) pair = hz_workspace_pair_new (1280, 800, FALSE);
  g_autoptr(HzOrthanc) orthanc = NULL;
  HzImageView *a, *b;
  Check check = { pair, NULL };
  g_autoptr(HzAnnotation) arrow = hz_annotation_new (HZ_ANNOTATION_ARROW, NULL);
  GPtrArray *b_annotations;
  g_autoptr(GdkTexture) ta = NULL;
  g_autoptr(GdkTexture) tb = NULL;
  g_autoptr(HzPixels) pa = NULL;
  g_autoptr(HzPixels) pb = NULL;
  g_autoptr(HzSigningKey) key = NULL;
  g_autoptr(HzOpinion) opinion = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *shot = NULL;
  g_autofree char *name = NULL;
  g_autofree char *hash_a = NULL;
  g_autofree char *hash_b = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *pdf_text = NULL;
  HzLogVerifyReport report = { 0 };
  HzSignedOpinion *received;
  guint differing = 0;
  GtkWidget *editor;

  a = viewer (&pair->zhou);
  b = viewer (&pair->chen);
  orthanc = load_ct_from_pacs (pair);
  g_assert_true (hz_workspace_pair_wait (record_loaded, pair->zhou.workspace));
  g_assert_true (hz_workspace_pair_wait (record_loaded, pair->chen.workspace));

  /* The requester presents the CT. */
  hz_workspace_show_page (HZ_WORKSPACE (pair->zhou.workspace), "images");
  g_assert_true (gtk_widget_activate_action (pair->zhou.workspace, "workspace.present", NULL));
  g_assert_true (hz_shared_session_get_presenting (session (&pair->zhou)));
  g_assert_true (hz_workspace_pair_wait (peer_presents, session (&pair->chen)));
  g_assert_true (hz_workspace_pair_wait (on_images_page, pair->chen.workspace));

  /* Scrolls to a slice, sets the lung window, zooms, as the user does. */
  hz_image_view_set_slice (a, 18);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (a), "viewer.next-slice", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (a), "viewer.next-slice", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (a), "viewer.preset", "s", "lung"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (a), "viewer.zoom-in", NULL));
  g_assert_cmpuint (hz_image_view_get_slice (a), ==, 20);

  /* ...and annotates, as the user's arrow tool does. */
  arrow->x1 = 150; arrow->y1 = 100;
  arrow->x2 = 170; arrow->y2 = 120;
  arrow->text = g_strdup ("结节");
  _hz_image_view_add_own_annotation (a, arrow);

  check.want = hz_image_view_get_state (a);
  g_assert_cmpstr (check.want->resource_id, ==, CT_SERIES);
  g_assert_cmpfloat (check.want->window_centre, ==, -600);
  g_assert_cmpfloat (check.want->window_width, ==, 1500);
  g_assert_cmpfloat (check.want->zoom, >, 1.0);
  g_assert_true (hz_workspace_pair_wait (same_view, &check));
  g_assert_true (hz_workspace_pair_wait (has_annotation, b));
  b_annotations = hz_image_view_get_annotations (b);
  g_assert_cmpstr (((HzAnnotation *) g_ptr_array_index (b_annotations, 0))->text, ==, "结节");
  g_assert_cmpuint (((HzAnnotation *) g_ptr_array_index (b_annotations, 0))->slice, ==, 20);

  /* The same pixels on both screens. */
  gtk_widget_queue_draw (GTK_WIDGET (a));
  gtk_widget_queue_draw (GTK_WIDGET (b));
  hz_widget_test_iterate (50);
  g_assert_true (hz_workspace_pair_wait (not_loading, a));
  g_assert_true (hz_workspace_pair_wait (not_loading, b));
  hz_widget_test_iterate (50);
  ta = hz_widget_test_render (GTK_WIDGET (a));
  tb = hz_widget_test_render (GTK_WIDGET (b));
  pa = hz_widget_test_pixels (ta);
  pb = hz_widget_test_pixels (tb);
  g_assert_cmpint (pa->width, ==, pb->width);
  g_assert_cmpint (pa->height, ==, pb->height);
  g_assert_cmpint (pa->width, >, 300);
  for (int y = 0; y < pa->height; y++)
    for (int x = 0; x < pa->width; x++)
      {
        guint8 r1, g1, b1, r2, g2, b2;

        hz_pixels_get (pa, x, y, &r1, &g1, &b1);
        hz_pixels_get (pb, x, y, &r2, &g2, &b2);
        if (ABS (r1 - r2) > 2 || ABS (g1 - g2) > 2 || ABS (b1 - b2) > 2)
          differing++;
      }
  g_test_message ("pixels differing: %u of %d", differing, pa->width * pa->height);
  g_assert_cmpuint (differing, <, (guint) (pa->width * pa->height) / 1000);

  /* The pointer: 20 moves at once go out as a few messages (at most one
   * per 33 ms interval, the session's default), the last position never
   * lost. The bound counts the loop's own time: on a loaded machine under
   * the sanitizers, sending one message can itself take longer than the
   * interval, and then the next move rightly goes at once. */
  {
    guint pointers = 0;
    guint64 sent = hz_shared_session_get_n_sent (session (&pair->zhou));
    gulong id = g_signal_connect (session (&pair->chen), "view-applied", G_CALLBACK (count_pointer), &pointers);
    gint64 start = g_get_monotonic_time ();
    guint64 in_loop, total;

    for (guint i = 0; i < 20; i++)
      g_signal_emit_by_name (a, "pointer-moved", 100.0 + i, 200.0, TRUE);
    in_loop = hz_shared_session_get_n_sent (session (&pair->zhou)) - sent;
    g_assert_cmpuint (in_loop, >=, 1);
    g_assert_cmpuint (in_loop, <=, 1 + (guint64) (g_get_monotonic_time () - start) / (33 * 1000));
    /* The newest position follows once the interval is over. */
    hz_widget_test_iterate (200);
    total = hz_shared_session_get_n_sent (session (&pair->zhou)) - sent;
    g_assert_cmpuint (total, <=, in_loop + 1);
    g_assert_cmpuint (total, <, 20);
    g_assert_true (hz_workspace_pair_wait (pointers_arrived, &(PointerCount) { &pointers, (guint) total }));
    g_signal_handler_disconnect (session (&pair->chen), id);
  }

  name = g_strdup ("workspace-requester");
  shot = hz_widget_test_screenshot (GTK_WIDGET (pair->zhou.window), name);
  g_test_message ("screenshot: %s", shot);
  g_clear_pointer (&name, g_free);
  g_clear_pointer (&shot, g_free);
  name = g_strdup ("workspace-specialist");
  shot = hz_widget_test_screenshot (GTK_WIDGET (pair->chen.window), name);
  g_test_message ("screenshot: %s", shot);
  g_clear_pointer (&shot, g_free);

  /* The record: the section the presenter opens opens on the other side. */
  hz_workspace_show_page (HZ_WORKSPACE (pair->zhou.workspace), "record");
  g_assert_true (hz_workspace_pair_wait (on_record_page, pair->chen.workspace));
  g_assert_true (hz_record_view_show_section (hz_workspace_get_record_view (HZ_WORKSPACE (pair->zhou.workspace)), "labs"));
  g_assert_true (hz_shared_session_show_record_section (session (&pair->zhou), "labs", &error));
  g_assert_no_error (error);
  g_assert_true (hz_workspace_pair_wait (on_labs, pair->chen.workspace));
  hz_widget_test_iterate (100);
  shot = hz_widget_test_screenshot (GTK_WIDGET (pair->chen.window), "workspace-record");
  g_clear_pointer (&shot, g_free);
  hz_workspace_show_page (HZ_WORKSPACE (pair->zhou.workspace), "images");
  g_assert_true (hz_workspace_pair_wait (on_images_page, pair->chen.workspace));
  g_assert_true (hz_workspace_pair_wait (same_view, &check));

  /* Follow left: the presenter's next change stays on its side... */
  g_assert_true (gtk_widget_activate_action (pair->chen.workspace, "workspace.follow", NULL));
  g_assert_false (hz_shared_session_get_following (session (&pair->chen)));
  {
    /* Waits for the message itself (the session handles it in the same
     * emission, connected first), not for a time a loaded machine may
     * overrun. */
    guint n_data = 0;
    gulong id = g_signal_connect (pair->chen.call, "data-received", G_CALLBACK (count_data), &n_data);

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (a), "viewer.next-slice", NULL));
    g_assert_true (hz_workspace_pair_wait (some_data, &n_data));
    g_signal_handler_disconnect (pair->chen.call, id);
  }
  g_assert_cmpuint (hz_image_view_get_slice (b), ==, 20);
  /* ...and rejoining shows the newest at once. */
  g_assert_true (gtk_widget_activate_action (pair->chen.workspace, "workspace.follow", NULL));
  g_clear_pointer (&check.want, hz_shared_view_state_free);
  check.want = hz_image_view_get_state (a);
  g_assert_cmpuint (check.want->slice, ==, 21);
  g_assert_true (hz_workspace_pair_wait (same_view, &check));

  /* Chat. */
  g_assert_true (hz_shared_session_send_chat (session (&pair->chen), "请把窗宽调到纵隔窗", &error));
  g_assert_no_error (error);
  g_assert_true (hz_workspace_pair_wait (chat_arrived, pair->zhou.workspace));

  /* The specialist signs in the editor; the requester receives it. */
  key = hz_signing_key_generate (&error);
  g_assert_no_error (error);
  register_key (pair, key);
  hz_workspace_set_signing_key (HZ_WORKSPACE (pair->chen.workspace), key);
  hz_workspace_show_page (HZ_WORKSPACE (pair->chen.workspace), "opinion");
  opinion = hz_opinion_new_from_json ("{\"findings\":\"右肺上叶结节 8 mm，边缘毛刺。\","
                                      "\"diagnosis\":[{\"code\":\"R91\",\"label\":\"肺部异常影像\"}],"
                                      "\"advice\":{\"treatment\":\"\",\"follow_up\":\"三个月后复查 CT\"},"
                                      "\"referral\":{\"decision\":\"refer\",\"urgency\":\"routine\"},"
                                      "\"text\":\"建议转诊胸外科门诊。\"}", -1, &error);
  g_assert_no_error (error);
  editor = hz_workspace_get_opinion_editor (HZ_WORKSPACE (pair->chen.workspace));
  hz_opinion_editor_set_opinion (HZ_OPINION_EDITOR (editor), opinion);
  g_assert_true (hz_opinion_editor_validate (HZ_OPINION_EDITOR (editor), &error));
  g_assert_no_error (error);
  g_assert_true (gtk_widget_activate_action (editor, "opinion.sign", NULL));
  g_assert_nonnull (hz_workspace_get_opinion (HZ_WORKSPACE (pair->chen.workspace)));
  g_assert_true (hz_workspace_pair_wait (has_opinion, pair->zhou.workspace));
  received = hz_workspace_get_opinion (HZ_WORKSPACE (pair->zhou.workspace));
  g_assert_cmpstr (hz_signed_opinion_get_hash (received), ==,
                   hz_signed_opinion_get_hash (hz_workspace_get_opinion (HZ_WORKSPACE (pair->chen.workspace))));

  /* The opinion is locked; the specialist corrects it with a signed
   * addendum, which the requester receives live. */
  g_assert_true (hz_opinion_editor_get_locked (HZ_OPINION_EDITOR (editor)));
  {
    GtkWidget *add = hz_widget_test_find_button (editor, _("Add Addendum"));

    g_assert_nonnull (add);
    hz_widget_test_iterate (50);
    g_assert_true (gtk_widget_is_visible (add));
    g_signal_emit_by_name (add, "clicked");
  }
  hz_opinion_editor_set_addendum_text (HZ_OPINION_EDITOR (editor), "更正：结节位于右肺中叶，大小 9 mm。");
  hz_widget_test_iterate (400);
  {
    /* The form at the bottom, for the screenshot. */
    GtkWidget *scroller = gtk_widget_get_ancestor (hz_widget_test_find_button (editor, _("Add Addendum")), GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));

    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
    hz_widget_test_iterate (100);
  }
  g_clear_pointer (&shot, g_free);
  shot = hz_widget_test_screenshot (GTK_WIDGET (pair->chen.window), "workspace-addendum-editor");
  g_assert_true (gtk_widget_activate_action (editor, "opinion.sign-addendum", NULL));
  g_assert_cmpuint (hz_opinion_editor_get_n_addenda (HZ_OPINION_EDITOR (editor)), ==, 1);
  g_assert_cmpuint (hz_workspace_get_n_addenda (HZ_WORKSPACE (pair->chen.workspace)), ==, 1);
  g_assert_true (hz_workspace_pair_wait (has_addendum, pair->zhou.workspace));
  g_assert_cmpstr (hz_signed_opinion_get_hash (hz_workspace_get_addendum (HZ_WORKSPACE (pair->zhou.workspace), 0)), ==,
                   hz_signed_opinion_get_hash (hz_opinion_editor_get_addendum (HZ_OPINION_EDITOR (editor), 0)));
  g_assert_cmpstr (hz_signed_opinion_get_addendum_text (hz_workspace_get_addendum (HZ_WORKSPACE (pair->zhou.workspace), 0)), ==,
                   "更正：结节位于右肺中叶，大小 9 mm。");
  {
    HzWorkspace *zhou = HZ_WORKSPACE (pair->zhou.workspace);
    GtkWidget *addendum_label = gtk_widget_get_first_child (GTK_WIDGET (zhou->opinion_addenda));

    g_assert_nonnull (addendum_label);
    g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (addendum_label)), "结节位于右肺中叶"));
    /* The requester's view holds the whole opinion, the signer by name. */
    g_assert_cmpstr (gtk_label_get_text (zhou->opinion_findings), ==, "右肺上叶结节 8 mm，边缘毛刺。");
    g_assert_cmpstr (gtk_label_get_text (zhou->opinion_diagnoses), ==, "R91  肺部异常影像");
    g_assert_cmpstr (gtk_label_get_text (zhou->opinion_follow_up), ==, "三个月后复查 CT");
    g_assert_cmpstr (gtk_label_get_text (zhou->opinion_remarks), ==, "建议转诊胸外科门诊。");
    g_assert_true (hz_workspace_pair_wait (names_shown, zhou));
    g_test_message ("signer: %s", gtk_label_get_text (zhou->opinion_signer));
  }

  hz_workspace_show_page (HZ_WORKSPACE (pair->zhou.workspace), "opinion");
  hz_widget_test_iterate (100);
  g_clear_pointer (&name, g_free);
  name = g_strdup ("workspace-opinion");
  g_clear_pointer (&shot, g_free);
  shot = hz_widget_test_screenshot (GTK_WIDGET (pair->zhou.window), name);

  /* The report. */
  pdf = g_build_filename (pair->dir, "report.pdf", NULL);
  g_assert_true (hz_workspace_export_report (HZ_WORKSPACE (pair->zhou.workspace), pdf, &error));
  g_assert_no_error (error);
  {
    g_autofree char *out = NULL;
    int wait_status = 0;
    const char *argv[] = { "pdftotext", pdf, "-", NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                                 NULL, NULL, &out, NULL, &wait_status, &error));
    g_assert_no_error (error);
    g_assert_nonnull (strstr (out, "建议转诊胸外科门诊"));
    g_assert_nonnull (strstr (out, "结节位于右肺中叶"));
  }

  /* Both logs: intact, and the same opinion hash. */
  {
    guint addenda_a = 0, addenda_b = 0;

    hash_a = logged_opinion_hash (pair->zhou.log, pair->consult_id, &addenda_a);
    hash_b = logged_opinion_hash (pair->chen.log, pair->consult_id, &addenda_b);
    g_assert_cmpuint (addenda_a, ==, 1);
    g_assert_cmpuint (addenda_b, ==, 1);
  }
  g_assert_cmpstr (hash_a, ==, hash_b);
  g_assert_cmpstr (hash_a, ==, hz_signed_opinion_get_hash (received));
  g_assert_true (hz_consult_log_verify (pair->zhou.log, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.problem, ==, HZ_LOG_CHAIN_INTACT);
  hz_log_verify_report_clear (&report);
  g_assert_true (hz_consult_log_verify (pair->chen.log, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.problem, ==, HZ_LOG_CHAIN_INTACT);
  hz_log_verify_report_clear (&report);

  /* The trace. */
  g_assert_cmpuint (log_count (pair->zhou.log, pair->consult_id, "call.started"), ==, 1);
  g_assert_cmpuint (log_count (pair->chen.log, pair->consult_id, "call.started"), ==, 1);
  g_assert_cmpuint (log_count (pair->zhou.log, pair->consult_id, "record.opened"), >=, 1);
  g_assert_cmpuint (log_count (pair->chen.log, pair->consult_id, "image.opened"), ==, 1);
  g_assert_cmpuint (log_count (pair->zhou.log, pair->consult_id, "annotation.added"), ==, 1);
  g_assert_cmpuint (log_count (pair->chen.log, pair->consult_id, "annotation.added"), ==, 1);
  g_assert_cmpuint (log_count (pair->zhou.log, pair->consult_id, "chat.message"), ==, 1);
  g_assert_cmpuint (log_count (pair->chen.log, pair->consult_id, "opinion.signed"), ==, 1);
  g_assert_cmpuint (log_count (pair->zhou.log, pair->consult_id, "opinion.signed"), ==, 1);
  g_assert_cmpuint (log_count (pair->zhou.log, pair->consult_id, "report.exported"), ==, 1);

  /* An imaging study chosen in the record opens in the viewer. */
  hz_workspace_show_page (HZ_WORKSPACE (pair->chen.workspace), "record");
  hz_shared_session_set_following (session (&pair->chen), FALSE);
  {
    g_autofree char *study = hz_dicom_dataset_get_string (hz_image_stack_get_dataset (hz_image_view_get_stack (b), 0),
                                                          HZ_DICOM_TAG (0x0020, 0x000d));

    g_signal_emit_by_name (hz_workspace_get_record_view (HZ_WORKSPACE (pair->chen.workspace)), "study-activated", study);
  }
  g_assert_cmpstr (hz_workspace_get_page (HZ_WORKSPACE (pair->chen.workspace)), ==, "images");
  hz_shared_session_set_following (session (&pair->chen), TRUE);

  /* Self-view: each side sees its own camera small in the corner, the
   * other doctor large. */
  g_assert_true (hz_workspace_pair_wait (self_view_shown, pair->zhou.workspace));
  g_assert_true (hz_workspace_pair_wait (self_view_shown, pair->chen.workspace));
  g_assert_true (hz_workspace_pair_wait (remote_video_shown, pair->chen.workspace));
  {
    HzWorkspace *chen = HZ_WORKSPACE (pair->chen.workspace);
    int big = gtk_widget_get_width (GTK_WIDGET (chen->remote_picture));
    int small = gtk_widget_get_width (GTK_WIDGET (chen->self_frame));

    g_assert_cmpint (small, >, 0);
    g_assert_cmpint (big, >, 2 * small);
    g_clear_pointer (&shot, g_free);
    shot = hz_widget_test_screenshot (GTK_WIDGET (pair->chen.window), "workspace-self-view");
  }

  /* Devices: the menu lists cameras and microphones from the call's
   * device list; choosing one switches the live call to it. */
  {
    HzWorkspace *chen = HZ_WORKSPACE (pair->chen.workspace);
    g_autoptr(GMenuModel) menu = _hz_workspace_devices_menu (chen);
    g_autoptr(GMenuModel) cameras = NULL;
    g_autoptr(GMenuModel) microphones = NULL;
    g_autoptr(GVariant) state = NULL;
    g_autofree char *camera = NULL;
    g_autofree char *microphone = NULL;
    guint64 frames;

    g_assert_cmpstr (gtk_menu_button_get_label (chen->devices_button), ==, _("Devices"));
    g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (chen->devices_button)), ==, _("Devices"));
    g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 2);
    cameras = g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION);
    microphones = g_menu_model_get_item_link (menu, 1, G_MENU_LINK_SECTION);
    g_assert_cmpint (g_menu_model_get_n_items (cameras), >=, 2);
    g_assert_cmpint (g_menu_model_get_n_items (microphones), >=, 2);
    /* The listed test pattern and test tone, as a machine without
     * devices has them. */
    camera = menu_target (cameras, "test");
    microphone = menu_target (microphones, "test");
    g_assert_nonnull (camera);
    g_assert_nonnull (microphone);
    frames = hz_video_paintable_get_n_frames (chen->local_video);
    g_assert_true (gtk_widget_activate_action (pair->chen.workspace, "devices.video-source", "s", camera));
    state = g_action_group_get_action_state (G_ACTION_GROUP (chen->device_actions), "video-source");
    g_assert_cmpstr (g_variant_get_string (state, NULL), ==, camera);
    g_clear_pointer (&state, g_variant_unref);
    g_assert_true (gtk_widget_activate_action (pair->chen.workspace, "devices.audio-source", "s", microphone));
    state = g_action_group_get_action_state (G_ACTION_GROUP (chen->device_actions), "audio-source");
    g_assert_cmpstr (g_variant_get_string (state, NULL), ==, microphone);
    /* The new camera's pictures reach the self-view. */
    {
      FramesAfter after = { chen->local_video, frames + 5 };

      g_assert_true (hz_workspace_pair_wait (frames_after, &after));
    }
  }

  /* Mute and camera off act on the call. */
  g_assert_true (gtk_widget_activate_action (pair->chen.workspace, "workspace.mute", NULL));
  g_assert_true (hz_call_get_muted (pair->chen.call));
  g_assert_true (gtk_widget_activate_action (pair->chen.workspace, "workspace.camera-off", NULL));
  g_assert_true (hz_call_get_camera_off (pair->chen.call));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (HZ_WORKSPACE (pair->chen.workspace)->self_stack), ==, "icon");
  g_assert_true (gtk_widget_activate_action (pair->chen.workspace, "workspace.mute", NULL));
  g_assert_false (hz_call_get_muted (pair->chen.call));

  /* Hanging up ends both calls and is traced. */
  g_assert_true (gtk_widget_activate_action (pair->zhou.workspace, "workspace.hang-up", NULL));
  {
    LogWait zhou_ended = { pair->zhou.log, pair->consult_id, "call.ended" };
    LogWait chen_ended = { pair->chen.log, pair->consult_id, "call.ended" };

    g_assert_true (hz_workspace_pair_wait (logged_once, &zhou_ended));
    g_assert_true (hz_workspace_pair_wait (logged_once, &chen_ended));
  }
  g_assert_cmpuint (log_count (pair->zhou.log, pair->consult_id, "call.ended"), ==, 1);
  g_clear_pointer (&check.want, hz_shared_view_state_free);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  gst_init (&argc, &argv);
  hz_widget_test_init (&argc, &argv, argc > 1 && argv[argc - 1][0] != '-' ? argv[argc - 1] : "en");
  g_test_add_func ("/workspace/two-clients", test_two_clients);
  ret = g_test_run ();
  /* Let deferred frees run before LeakSanitizer looks. pango's, cairo's
   * and fontconfig's caches stay: LeakSanitizer counts them as reachable,
   * and cairo_debug_reset_static_data() asserted now and then at exit
   * under load, on a font the renderer still held. */
  hz_widget_test_iterate (50);
  return ret;
}
