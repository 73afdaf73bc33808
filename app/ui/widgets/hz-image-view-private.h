/* hz-image-view-private.h: the viewer's state, shared by its drawing
 * (hz-image-view.c) and its input handling (hz-image-view-input.c). */
#pragma once

#include "hz-image-view.h"

G_BEGIN_DECLS

struct _HzImageView
{
  GtkWidget     parent_instance;

  HzImageStack *stack;
  gulong        decoded_handler;

  /* the shared state */
  guint         slice;
  double        window_centre;
  double        window_width;      /* <= 0: the image's own window */
  double        zoom;
  double        pan_x;
  double        pan_y;
  gboolean      invert;

  HzImageTool   tool;
  char         *annotation_text;
  GPtrArray    *annotations;       /* of HzAnnotation, every slice */
  GPtrArray    *own_annotations;   /* ids the user made here, newest last */
  char         *id_prefix;         /* makes our annotation ids unique in a consult */
  guint         id_counter;

  /* what the drag in progress started from, in image pixels */
  gboolean      drawing;
  HzAnnotationKind drawing_kind;
  double        draw_x1, draw_y1, draw_x2, draw_y2;
  double        drag_pan_x, drag_pan_y;
  double        drag_centre, drag_width;
  HzImageTool   drag_tool;

  double        pointer_wx, pointer_wy;   /* last local pointer, widget pixels */
  gboolean      remote_visible;
  double        remote_x, remote_y;

  GdkTexture   *shown;             /* the last texture drawn, kept while the next decodes */
  gboolean      loading;
};

void     _hz_image_view_class_init_input   (GtkWidgetClass *widget_class);
void     _hz_image_view_snapshot           (GtkWidget      *widget,
                                            GtkSnapshot    *snapshot);
void     _hz_image_view_update_loading     (HzImageView    *self);
void     _hz_image_view_init_input         (HzImageView    *self);
void     _hz_image_view_user_changed       (HzImageView    *self);
void     _hz_image_view_zoom_at            (HzImageView    *self,
                                            double          zoom,
                                            double          wx,
                                            double          wy);
void     _hz_image_view_add_own_annotation (HzImageView    *self,
                                            HzAnnotation   *annotation);
void     _hz_image_view_remove_own_annotation (HzImageView *self);

G_END_DECLS
