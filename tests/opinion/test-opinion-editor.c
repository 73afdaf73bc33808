/* test-opinion-editor.c: the opinion editor under Xvfb, in the language
 * given as argument (en or zh_CN): ICD-10 search and picking, the
 * referral decision, validation gating the sign action, signing (the
 * signal's opinion verifies) and locking; screenshots before and after. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <fontconfig/fontconfig.h>
#include <locale.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "hz-opinion-editor.h"

static const char *lang = "en";

static void
iterate (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

static gboolean
wait_for (gboolean (*done) (gpointer data),
          gpointer   data)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!done (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  return TRUE;
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 0;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static void
after_paint_cb (GdkFrameClock *clock,
                gboolean      *painted)
{
  *painted = TRUE;
}

/* What the window painted, saved under tests/screenshots/ of the build
 * dir as NAME-LANG.png. Returns how many distinct colours it has, so a
 * blank frame is caught. */
static guint
screenshot (GtkWidget  *widget,
            const char *name)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GHashTable) colours = g_hash_table_new (NULL, NULL);
  g_autofree char *dir = g_build_filename (g_getenv ("HUIZHEN_BUILD_ROOT") ? g_getenv ("HUIZHEN_BUILD_ROOT") : ".",
                                           "tests", "screenshots", NULL);
  g_autofree char *file = g_strdup_printf ("%s-%s.png", name, lang);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autofree guint32 *data = NULL;
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  gboolean painted = FALSE;
  gulong handler;
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget), i;

  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &painted);
  gtk_widget_queue_draw (widget);
  g_assert_true (wait_for (is_true, &painted));
  g_signal_handler_disconnect (clock, handler);
  /* The paintable shows the widget's last render node, which a slow
   * (sanitizer) run may not have yet right after the frame. */
  for (i = 0; i < 200; i++)
    {
      gdk_paintable_snapshot (paintable, snapshot, w, h);
      node = gtk_snapshot_free_to_node (snapshot);
      if (node != NULL)
        break;
      snapshot = gtk_snapshot_new ();
      iterate (20);
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_mkdir_with_parents (dir, 0700);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);

  data = g_new (guint32, (gsize) w * h);
  gdk_texture_download (texture, (guchar *) data, (gsize) w * 4);
  for (i = 0; i < w * h; i++)
    g_hash_table_add (colours, GUINT_TO_POINTER (data[i]));
  return g_hash_table_size (colours);
}

static GtkWidget *
child (GtkWidget  *editor,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (editor, HZ_TYPE_OPINION_EDITOR, name);

  g_assert_nonnull (object);
  return GTK_WIDGET (object);
}

static guint
n_rows (GtkWidget *list)
{
  guint n = 0;

  while (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), (int) n))
    n++;
  return n;
}

static gboolean
sign_enabled (GtkWidget *editor)
{
  return gtk_widget_get_sensitive (child (editor, "sign_button"));
}

static void
signed_cb (HzOpinionEditor  *editor,
           HzSignedOpinion  *opinion,
           HzSignedOpinion **out)
{
  g_assert_null (*out);
  *out = g_object_ref (opinion);
}

static void
test_editor (void)
{
  g_autoptr(HzSigningKey) key = hz_signing_key_generate (NULL);
  g_autoptr(GBytes) pub = hz_signing_key_get_public_key (key);
  g_autoptr(HzSignedOpinion) got = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *editor = hz_opinion_editor_new ();
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  GtkWidget *suggestions = child (editor, "suggestions");
  GtkWidget *diagnoses = child (editor, "diagnoses_list");
  GtkWidget *status = child (editor, "status_label");
  GtkListBoxRow *row;
  HzOpinion *o;
  guint colours;

  hz_opinion_editor_set_consult (HZ_OPINION_EDITOR (editor), "HZ-20261122-K7M2QX", "dr.chen");
  g_signal_connect (editor, "signed", G_CALLBACK (signed_cb), &got);
  gtk_window_set_default_size (window, 720, 1180);
  gtk_window_set_child (window, editor);
  gtk_window_present (window);
  g_assert_true (wait_for (is_mapped, editor));

  /* Empty: not signable, and the form says why. */
  g_assert_false (sign_enabled (editor));
  g_assert_false (hz_opinion_editor_validate (HZ_OPINION_EDITOR (editor), &error));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (status)), ==, error->message);
  g_clear_error (&error);

  /* Chinese search; pick the second match (不稳定型心绞痛). */
  hz_opinion_editor_search (HZ_OPINION_EDITOR (editor), "心绞痛");
  g_assert_true (gtk_widget_get_visible (suggestions));
  g_assert_cmpuint (n_rows (suggestions), >=, 3);
  row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (suggestions), 0);
  g_assert_cmpstr (g_object_get_data (G_OBJECT (row), "hz-code"), ==, "I20.9");
  row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (suggestions), 2);
  g_assert_cmpstr (g_object_get_data (G_OBJECT (row), "hz-code"), ==, "I20.0");
  g_signal_emit_by_name (suggestions, "row-activated", row);
  g_assert_cmpuint (n_rows (diagnoses), ==, 1);
  g_assert_false (gtk_widget_get_visible (suggestions));  /* the search was cleared */
  /* By code, taken with Enter; the same code twice is refused. */
  hz_opinion_editor_search (HZ_OPINION_EDITOR (editor), "i10");
  g_signal_emit_by_name (child (editor, "icd_search"), "activate");
  g_assert_cmpuint (n_rows (diagnoses), ==, 2);
  g_assert_false (hz_opinion_editor_add_diagnosis (HZ_OPINION_EDITOR (editor), "I10"));
  g_assert_false (hz_opinion_editor_add_diagnosis (HZ_OPINION_EDITOR (editor), "X99.9"));
  g_assert_true (hz_opinion_editor_add_diagnosis (HZ_OPINION_EDITOR (editor), "E11.9"));
  g_assert_cmpuint (n_rows (diagnoses), ==, 3);

  /* Diagnoses alone are not enough: the referral decision is missing. */
  g_assert_false (sign_enabled (editor));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (child (editor, "findings_view"))),
                            "劳力性胸痛 3 天，心电图 V4–V6 导联 ST 段压低 1 mm。", -1);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (child (editor, "treatment_view"))),
                            "阿司匹林 100 mg 每日一次；阿托伐他汀 20 mg 每晚一次。", -1);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (child (editor, "follow_up_view"))),
                            "一周后复查心电图。", -1);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (child (editor, "text_view"))),
                            "建议尽快转诊行冠脉造影。", -1);
  g_assert_false (sign_enabled (editor));
  g_assert_false (gtk_widget_get_sensitive (child (editor, "urgency_row")));
  adw_combo_row_set_selected (ADW_COMBO_ROW (child (editor, "decision_row")), 2);
  g_assert_true (gtk_widget_get_sensitive (child (editor, "urgency_row")));
  adw_combo_row_set_selected (ADW_COMBO_ROW (child (editor, "urgency_row")), 1);
  gtk_editable_set_text (GTK_EDITABLE (child (editor, "hospital_row")), "县人民医院");

  /* Valid, but no key yet. */
  g_assert_true (hz_opinion_editor_validate (HZ_OPINION_EDITOR (editor), NULL));
  g_assert_false (sign_enabled (editor));
  hz_opinion_editor_set_signing_key (HZ_OPINION_EDITOR (editor), key);
  g_assert_true (sign_enabled (editor));
  iterate (100);
  colours = screenshot (GTK_WIDGET (window), "opinion-editor");
  g_assert_cmpuint (colours, >, 16);

  /* Sign: the signal carries an opinion that verifies, the form locks. */
  g_assert_true (gtk_widget_activate_action (editor, "opinion.sign", NULL));
  g_assert_nonnull (got);
  g_assert_true (hz_signed_opinion_verify (got, pub, &error));
  g_assert_no_error (error);
  o = hz_signed_opinion_get_opinion (got);
  g_assert_cmpuint (hz_opinion_get_n_diagnoses (o), ==, 3);
  g_assert_cmpstr (hz_opinion_get_diagnosis (o, 0)->code, ==, "I20.0");
  g_assert_cmpstr (hz_opinion_get_diagnosis (o, 0)->label, ==, "不稳定型心绞痛");
  g_assert_cmpint (hz_opinion_get_referral (o), ==, HZ_REFERRAL_REFER);
  g_assert_cmpint (hz_opinion_get_referral_urgency (o), ==, HZ_REFERRAL_URGENCY_URGENT);
  g_assert_cmpstr (hz_opinion_get_referral_to (o), ==, "县人民医院");
  g_assert_cmpstr (hz_opinion_get_follow_up (o), ==, "一周后复查心电图。");
  g_assert_cmpstr (hz_signed_opinion_get_author (got), ==, "dr.chen");
  g_assert_true (hz_opinion_editor_get_locked (HZ_OPINION_EDITOR (editor)));
  g_assert_false (sign_enabled (editor));
  g_assert_false (gtk_widget_get_sensitive (child (editor, "form")));
  g_assert_false (hz_opinion_editor_add_diagnosis (HZ_OPINION_EDITOR (editor), "J18.9"));
  /* A second activation signs nothing more. */
  gtk_widget_activate_action (editor, "opinion.sign", NULL);
  iterate (100);
  screenshot (GTK_WIDGET (window), "opinion-editor-signed");

  gtk_window_destroy (window);
  iterate (50);
}

/* A draft goes in and comes out the same. */
static void
test_draft (void)
{
  g_autoptr(HzOpinion) draft = hz_opinion_new ();
  g_autoptr(HzOpinion) back = NULL;
  GtkWidget *editor = g_object_ref_sink (hz_opinion_editor_new ());
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  hz_opinion_set_findings (draft, "皮疹 2 周。");
  hz_opinion_add_diagnosis (draft, "L30.9", "皮炎");
  hz_opinion_set_treatment (draft, "外用糖皮质激素。");
  hz_opinion_set_referral (draft, HZ_REFERRAL_TREAT_LOCALLY, HZ_REFERRAL_URGENCY_ROUTINE, NULL);
  hz_opinion_editor_set_opinion (HZ_OPINION_EDITOR (editor), draft);
  back = hz_opinion_editor_dup_opinion (HZ_OPINION_EDITOR (editor));
  a = hz_opinion_to_json (draft, TRUE);
  b = hz_opinion_to_json (back, TRUE);
  g_assert_cmpstr (a, ==, b);
  g_object_unref (editor);
}

int
main (int argc, char **argv)
{
  const char *localedir = g_getenv ("HUIZHEN_LOCALEDIR");
  int ret;

  if (argc > 1 && g_strcmp0 (argv[argc - 1], "zh_CN") == 0)
    {
      lang = "zh_CN";
      g_setenv ("LC_ALL", "zh_CN.UTF-8", TRUE);
      g_setenv ("LANGUAGE", "zh_CN", TRUE);
      argc--;
    }
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_setenv ("GTK_A11Y", "none", FALSE);
  gtk_disable_setlocale ();
  gtk_init ();
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  g_test_add_func ("/opinion-editor/sign", test_editor);
  g_test_add_func ("/opinion-editor/draft", test_draft);
  ret = g_test_run ();
  /* Drop the font caches, so the sanitizer build sees only real leaks. */
  pango_cairo_font_map_set_default (NULL);
  cairo_debug_reset_static_data ();
  FcFini ();
  return ret;
}
