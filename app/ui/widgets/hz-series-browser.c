/* hz-series-browser.c: the image series of a study as a list with
 * thumbnails. A thumbnail is the middle slice, which shows more of the
 * anatomy than the first; it is its own small texture so that making it
 * leaves the viewer's texture cache alone. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hz-series-browser.h"
#include "hz-widgets-style.h"

#define THUMBNAIL_SIZE 96

typedef struct {
  HzImageStack *stack;
  GtkWidget    *row;
  GtkWidget    *picture;
  gulong        handler;
  guint         slice;
  gboolean      has_thumbnail;
} Item;

struct _HzSeriesBrowser
{
  GtkWidget  parent_instance;

  GtkWidget *scroller;
  GtkWidget *list;
  GPtrArray *items;       /* of Item */
  gboolean   selecting;   /* a selection from code: no signal */
};

G_DEFINE_FINAL_TYPE (HzSeriesBrowser, hz_series_browser, GTK_TYPE_WIDGET)

enum {
  SERIES_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
item_free (gpointer data)
{
  Item *item = data;

  g_clear_signal_handler (&item->handler, item->stack);
  g_clear_object (&item->stack);
  g_free (item);
}

GtkWidget *
hz_series_browser_new (void)
{
  return g_object_new (HZ_TYPE_SERIES_BROWSER, NULL);
}

static void
set_thumbnail (Item *item)
{
  g_autoptr(GdkTexture) texture = hz_image_stack_new_texture (item->stack, item->slice, NULL, FALSE);

  if (texture == NULL)
    return;
  gtk_picture_set_paintable (GTK_PICTURE (item->picture), GDK_PAINTABLE (texture));
  item->has_thumbnail = TRUE;
  g_clear_signal_handler (&item->handler, item->stack);
}

static void
slice_decoded_cb (HzImageStack *stack,
                  guint         slice,
                  gpointer      user_data)
{
  Item *item = user_data;

  if (slice == item->slice)
    set_thumbnail (item);
}

void
hz_series_browser_add_series (HzSeriesBrowser *self,
                              HzImageStack    *stack,
                              const char      *description,
                              const char      *modality)
{
  Item *item;
  GtkWidget *box, *text, *title, *details, *frame;
  guint n;
  g_autofree char *details_text = NULL;

  g_return_if_fail (HZ_IS_SERIES_BROWSER (self));
  g_return_if_fail (HZ_IS_IMAGE_STACK (stack));

  n = hz_image_stack_get_n_slices (stack);
  item = g_new0 (Item, 1);
  item->stack = g_object_ref (stack);
  item->slice = n / 2;

  item->picture = gtk_picture_new ();
  gtk_picture_set_can_shrink (GTK_PICTURE (item->picture), TRUE);
  gtk_widget_set_size_request (item->picture, THUMBNAIL_SIZE, THUMBNAIL_SIZE);
  frame = gtk_frame_new (NULL);
  gtk_frame_set_child (GTK_FRAME (frame), item->picture);
  gtk_widget_add_css_class (frame, "view");

  title = gtk_label_new (description && *description ? description : _("Untitled series"));
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_widget_add_css_class (title, "heading");
  details_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %u image", "%s · %u images", n),
                                  modality && *modality ? modality : "?", n);
  details = gtk_label_new (details_text);
  gtk_label_set_xalign (GTK_LABEL (details), 0);
  gtk_widget_add_css_class (details, "dim-label");

  text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_set_valign (text, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (text), title);
  gtk_box_append (GTK_BOX (text), details);
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_box_append (GTK_BOX (box), frame);
  gtk_box_append (GTK_BOX (box), text);

  item->row = gtk_list_box_row_new ();
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (item->row), box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (item->row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  gtk_label_get_text (GTK_LABEL (title)), -1);
  gtk_list_box_append (GTK_LIST_BOX (self->list), item->row);
  g_ptr_array_add (self->items, item);

  /* Asking for the frame queues its decoding; the thumbnail follows. */
  if (hz_image_stack_get_frame (stack, item->slice) != NULL)
    set_thumbnail (item);
  else
    item->handler = g_signal_connect (stack, "slice-decoded", G_CALLBACK (slice_decoded_cb), item);
}

void
hz_series_browser_clear (HzSeriesBrowser *self)
{
  g_return_if_fail (HZ_IS_SERIES_BROWSER (self));

  for (guint i = 0; i < self->items->len; i++)
    gtk_list_box_remove (GTK_LIST_BOX (self->list), ((Item *) g_ptr_array_index (self->items, i))->row);
  g_ptr_array_set_size (self->items, 0);
}

guint
hz_series_browser_get_n_series (HzSeriesBrowser *self)
{
  g_return_val_if_fail (HZ_IS_SERIES_BROWSER (self), 0);
  return self->items->len;
}

HzImageStack *
hz_series_browser_get_series (HzSeriesBrowser *self,
                              guint            index)
{
  g_return_val_if_fail (HZ_IS_SERIES_BROWSER (self), NULL);
  g_return_val_if_fail (index < self->items->len, NULL);
  return ((Item *) g_ptr_array_index (self->items, index))->stack;
}

gboolean
hz_series_browser_has_thumbnail (HzSeriesBrowser *self,
                                 guint            index)
{
  g_return_val_if_fail (HZ_IS_SERIES_BROWSER (self), FALSE);
  g_return_val_if_fail (index < self->items->len, FALSE);
  return ((Item *) g_ptr_array_index (self->items, index))->has_thumbnail;
}

gboolean
hz_series_browser_select (HzSeriesBrowser *self,
                          const char      *series_uid)
{
  g_return_val_if_fail (HZ_IS_SERIES_BROWSER (self), FALSE);

  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = g_ptr_array_index (self->items, i);

      if (g_strcmp0 (hz_image_stack_get_series_uid (item->stack), series_uid) == 0)
        {
          self->selecting = TRUE;
          gtk_list_box_select_row (GTK_LIST_BOX (self->list), GTK_LIST_BOX_ROW (item->row));
          self->selecting = FALSE;
          return TRUE;
        }
    }
  return FALSE;
}

static void
row_activated_cb (GtkListBox      *list,
                  GtkListBoxRow   *row,
                  HzSeriesBrowser *self)
{
  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = g_ptr_array_index (self->items, i);

      if (item->row == GTK_WIDGET (row) && !self->selecting)
        g_signal_emit (self, signals[SERIES_ACTIVATED], 0, item->stack);
    }
}

static void
hz_series_browser_dispose (GObject *object)
{
  HzSeriesBrowser *self = HZ_SERIES_BROWSER (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  G_OBJECT_CLASS (hz_series_browser_parent_class)->dispose (object);
}

static void
hz_series_browser_class_init (HzSeriesBrowserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hz_series_browser_dispose;

  /**
   * HzSeriesBrowser::series-activated:
   * @stack: the series the user chose
   */
  signals[SERIES_ACTIVATED] =
    g_signal_new ("series-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, HZ_TYPE_IMAGE_STACK);

  hz_widgets_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, "/cn/huizhen/Huizhen/widgets/hz-series-browser.ui");
  gtk_widget_class_bind_template_child (widget_class, HzSeriesBrowser, scroller);
  gtk_widget_class_bind_template_child (widget_class, HzSeriesBrowser, list);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hz-series-browser");
}

static void
hz_series_browser_init (HzSeriesBrowser *self)
{
  self->items = g_ptr_array_new_with_free_func (item_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Image series"), -1);
}
