/* test-ui-shortcuts.c: the Keyboard Shortcuts window (gtk/help-overlay.ui
 * in the GResource) lists what the app really binds: every accelerator
 * it shows reaches an action, through the application's accels or a
 * widget class's key bindings, and every key binding of the image
 * viewer, the workspace, its window and the opinion editor is listed.
 * Part of the test-ui program. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "hz-image-view.h"
#include "hz-new-request-page.h"
#include "hz-opinion-editor.h"
#include "hz-profile.h"
#include "hz-application.h"
#include "hz-window.h"
#include "hz-workspace-window.h"
#include "hz-workspace.h"
#include "test-ui-shortcuts.h"

static GtkApplication *application;
static HzTestUiScreenshot take_screenshot;

typedef struct {
  guint            keyval;
  GdkModifierType  modifiers;
  char            *what;     /* the action, or the shortcut's title */
} Binding;

static void
binding_free (gpointer data)
{
  Binding *b = data;

  g_free (b->what);
  g_free (b);
}

static void
add_binding (GPtrArray       *bindings,
             guint            keyval,
             GdkModifierType  modifiers,
             const char      *what)
{
  Binding *b = g_new0 (Binding, 1);

  /* <Control>P and <Control>p are the same key to GTK. */
  b->keyval = gdk_keyval_to_lower (keyval);
  b->modifiers = modifiers & gtk_accelerator_get_default_mod_mask ();
  b->what = g_strdup (what);
  g_ptr_array_add (bindings, b);
}

static const Binding *
find_binding (GPtrArray       *bindings,
              guint            keyval,
              GdkModifierType  modifiers)
{
  keyval = gdk_keyval_to_lower (keyval);
  modifiers &= gtk_accelerator_get_default_mod_mask ();
  for (guint i = 0; i < bindings->len; i++)
    {
      const Binding *b = g_ptr_array_index (bindings, i);

      if (b->keyval == keyval && b->modifiers == modifiers)
        return b;
    }
  return NULL;
}

/* "<Control>plus <Control>equal": each accelerator of one shortcut. */
static void
add_accelerators (GPtrArray  *bindings,
                  const char *accelerators,
                  const char *what)
{
  g_auto(GStrv) parts = g_strsplit (accelerators, " ", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      guint keyval = 0;
      GdkModifierType modifiers = 0;

      if (*parts[i] == '\0')
        continue;
      if (!gtk_accelerator_parse (parts[i], &keyval, &modifiers))
        g_error ("the shortcuts window's “%s” has the accelerator “%s”, which GTK cannot parse", what, parts[i]);
      add_binding (bindings, keyval, modifiers, what);
    }
}

/* The class that installed @action on @widget_class, or 0. */
static GType
action_owner (gpointer    widget_class,
              const char *action)
{
  GType owner;
  const char *name, *property;
  const GVariantType *parameter;

  for (guint i = 0; gtk_widget_class_query_action (widget_class, i, &owner, &name, &parameter, &property); i++)
    if (g_strcmp0 (name, action) == 0)
      return owner;
  return 0;
}

/* The key bindings a widget class adds (gtk_widget_class_add_binding_*):
 * they live in a shortcut controller on each instance. */
static void
add_class_bindings (GPtrArray *bindings,
                    GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);
          const char *what;
          GType owner;

          /* GTK's own (focus moves, the inspector) are not ours to list. */
          if (!GTK_IS_KEYVAL_TRIGGER (trigger) || !GTK_IS_NAMED_ACTION (action))
            continue;
          what = gtk_named_action_get_action_name (GTK_NAMED_ACTION (action));
          /* A binding to an action the widget does not have does
           * nothing, and GTK says nothing. */
          owner = action_owner (GTK_WIDGET_GET_CLASS (widget), what);
          if (owner == 0)
            g_error ("%s binds a key to “%s”, which it does not have", G_OBJECT_TYPE_NAME (widget), what);
          if (!g_str_has_prefix (g_type_name (owner), "Hz"))
            continue;
          add_binding (bindings, gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)),
                       gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)), what);
        }
    }
}

static void
add_widget_bindings (GPtrArray *bindings,
                     GtkWidget *widget)
{
  g_object_ref_sink (widget);
  add_class_bindings (bindings, widget);
  if (GTK_IS_WINDOW (widget))
    gtk_window_destroy (GTK_WINDOW (widget));
  g_object_unref (widget);
}

/* Every GtkShortcutsShortcut under @root. */
static void
collect_shortcuts (GtkWidget *root,
                   GPtrArray *out)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_SHORTCUTS_SHORTCUT (child))
        g_ptr_array_add (out, child);
      collect_shortcuts (child, out);
    }
}

/* Listed by action: the window shows the app's accels for it, so it
 * needs some, and the action must be there. */
static void
check_action_shortcut (GPtrArray  *listed,
                       const char *title,
                       const char *action_name)
{
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (application, action_name);
  g_autoptr(GTypeClass) window_class = g_type_class_ref (HZ_TYPE_WINDOW);

  if (g_str_has_prefix (action_name, "app."))
    g_assert_true (g_action_group_has_action (G_ACTION_GROUP (application), action_name + 4));
  else if (g_str_has_prefix (action_name, "win.") && !g_str_equal (action_name, "win.show-help-overlay") &&
           action_owner (window_class, action_name) == 0)
    g_error ("the shortcuts window lists “%s” (%s), which the window does not have", title, action_name);
  if (accels[0] == NULL)
    g_error ("the shortcuts window lists “%s” (%s), which has no accelerator", title, action_name);
  for (guint j = 0; accels[j] != NULL; j++)
    add_accelerators (listed, accels[j], title);
}

/* Listed by accelerator: some action or key binding has each key. */
static void
check_accelerator_shortcut (GPtrArray  *listed,
                            GPtrArray  *bound,
                            const char *title,
                            const char *accelerator)
{
  g_autoptr(GPtrArray) these = g_ptr_array_new_with_free_func (binding_free);

  g_assert_nonnull (accelerator);
  add_accelerators (these, accelerator, title);
  g_assert_cmpuint (these->len, >, 0);
  for (guint j = 0; j < these->len; j++)
    {
      const Binding *b = g_ptr_array_index (these, j);
      g_autofree char *label = gtk_accelerator_name (b->keyval, b->modifiers);

      if (find_binding (bound, b->keyval, b->modifiers) == NULL)
        g_error ("the shortcuts window lists %s for “%s”, but nothing in the app is bound to it", label, title);
      add_binding (listed, b->keyval, b->modifiers, title);
    }
}

static void
test_shortcuts_window (void)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/cn/huizhen/Huizhen/gtk/help-overlay.ui");
  GtkWindow *window = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
  g_autoptr(GPtrArray) shortcuts = g_ptr_array_new ();
  g_autoptr(GPtrArray) listed = g_ptr_array_new_with_free_func (binding_free);
  g_autoptr(GPtrArray) bound = g_ptr_array_new_with_free_func (binding_free);
  g_autoptr(GPtrArray) viewer = g_ptr_array_new_with_free_func (binding_free);
  g_auto(GStrv) actions = gtk_application_list_action_descriptions (application);
  guint n_unlisted = 0;

  g_assert_nonnull (window);
  /* What the app binds: its accels, and the key bindings of its widgets. */
  for (guint i = 0; actions[i] != NULL; i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (application, actions[i]);

      for (guint j = 0; accels[j] != NULL; j++)
        add_accelerators (bound, accels[j], actions[i]);
    }
  add_widget_bindings (viewer, hz_image_view_new ());
  add_widget_bindings (viewer, g_object_new (HZ_TYPE_WORKSPACE, NULL));
  add_widget_bindings (viewer, g_object_new (HZ_TYPE_WORKSPACE_WINDOW, NULL));
  add_widget_bindings (viewer, hz_opinion_editor_new ());
  add_widget_bindings (bound, g_object_new (HZ_TYPE_NEW_REQUEST_PAGE, NULL));
  g_assert_cmpuint (viewer->len, >=, 30);
  for (guint i = 0; i < viewer->len; i++)
    {
      const Binding *b = g_ptr_array_index (viewer, i);

      add_binding (bound, b->keyval, b->modifiers, b->what);
    }

  /* What the window lists. */
  collect_shortcuts (GTK_WIDGET (window), shortcuts);
  g_assert_cmpuint (shortcuts->len, >=, 30);
  for (guint i = 0; i < shortcuts->len; i++)
    {
      g_autofree char *title = NULL;
      g_autofree char *accelerator = NULL;
      g_autofree char *action_name = NULL;

      g_object_get (g_ptr_array_index (shortcuts, i), "title", &title, "accelerator", &accelerator,
                    "action-name", &action_name, NULL);
      g_assert_nonnull (title);
      g_assert_cmpstr (title, !=, "");
      if (action_name != NULL)
        check_action_shortcut (listed, title, action_name);
      else
        check_accelerator_shortcut (listed, bound, title, accelerator);
    }

  /* Every key of the viewer and the workspace is in the window. */
  for (guint i = 0; i < viewer->len; i++)
    {
      const Binding *b = g_ptr_array_index (viewer, i);

      if (find_binding (listed, b->keyval, b->modifiers) == NULL)
        {
          g_autofree char *label = gtk_accelerator_name (b->keyval, b->modifiers);

          g_printerr ("not in the shortcuts window: %s (%s)\n", label, b->what);
          n_unlisted++;
        }
    }
  g_assert_cmpuint (n_unlisted, ==, 0);

  /* As a user sees it, in this language: opened from a main window,
   * which gives it the app's accels. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(HzProfile) profile = hz_profile_new ("shortcuts", &error);
    HzWindow *main_window;
    GtkWindow *overlay;

    g_assert_no_error (error);
    main_window = hz_window_new (HZ_APPLICATION (application), profile);
    gtk_window_present (GTK_WINDOW (main_window));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (main_window), "win.show-help-overlay", NULL));
    overlay = GTK_WINDOW (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (main_window)));
    g_assert_nonnull (overlay);
    take_screenshot (overlay, "shortcuts");
    gtk_window_close (overlay);
    gtk_window_destroy (GTK_WINDOW (main_window));
  }
  g_object_ref_sink (window);
  gtk_window_destroy (window);
  g_object_unref (window);
}

void
hz_test_ui_shortcuts_add (GtkApplication     *app,
                          HzTestUiScreenshot  screenshot)
{
  application = app;
  take_screenshot = screenshot;
  g_test_add_func ("/ui/shortcuts", test_shortcuts_window);
}
