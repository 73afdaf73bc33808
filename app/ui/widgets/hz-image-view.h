/* hz-image-view.h: the image viewer: one slice of a series with
 * window/level, zoom, pan, invert, measurements and annotations, whose
 * whole state maps one to one onto the shared view of the data channel. */
#pragma once

#include <gtk/gtk.h>

#include "hz-image-stack.h"
#include "hz-shared-message.h"

G_BEGIN_DECLS

/* What a primary-button drag does; a secondary drag always sets the window. */
typedef enum {
  HZ_IMAGE_TOOL_PAN,
  HZ_IMAGE_TOOL_WINDOW,
  HZ_IMAGE_TOOL_MEASURE,
  HZ_IMAGE_TOOL_ARROW,
  HZ_IMAGE_TOOL_TEXT,
} HzImageTool;

#define HZ_TYPE_IMAGE_TOOL (hz_image_tool_get_type ())
#define HZ_TYPE_IMAGE_VIEW (hz_image_view_get_type ())

GType hz_image_tool_get_type (void) G_GNUC_CONST;

G_DECLARE_FINAL_TYPE (HzImageView, hz_image_view, HZ, IMAGE_VIEW, GtkWidget)

GtkWidget         *hz_image_view_new              (void);

/* The series shown; resets slice, window, zoom, pan and invert (the
 * annotations, each tied to its series, are kept). */
void               hz_image_view_set_stack        (HzImageView   *self,
                                                   HzImageStack  *stack);
HzImageStack      *hz_image_view_get_stack        (HzImageView   *self);

/* The properties "slice", "window-centre", "window-width" (<= 0: the
 * image's own window), "zoom" (1: fit), "pan-x", "pan-y" (image pixels
 * from the image centre to the view centre) and "invert" are the state.
 * Setting them from code does not emit ::view-changed; the user's
 * scrolling, dragging and keys do. */
guint              hz_image_view_get_slice        (HzImageView   *self);
void               hz_image_view_set_slice        (HzImageView   *self,
                                                   guint          slice);
void               hz_image_view_set_window       (HzImageView   *self,
                                                   double         centre,
                                                   double         width);
/* The window in force, the image's own when none is set; FALSE while
 * the slice is still decoding and it has none of its own. */
gboolean           hz_image_view_get_effective_window (HzImageView *self,
                                                   double        *centre,
                                                   double        *width);
gboolean           hz_image_view_apply_preset     (HzImageView   *self,
                                                   const char    *preset_id);
double             hz_image_view_get_zoom         (HzImageView   *self);
void               hz_image_view_set_zoom         (HzImageView   *self,
                                                   double         zoom);
void               hz_image_view_set_pan          (HzImageView   *self,
                                                   double         pan_x,
                                                   double         pan_y);
gboolean           hz_image_view_get_invert       (HzImageView   *self);
void               hz_image_view_set_invert       (HzImageView   *self,
                                                   gboolean       invert);
void               hz_image_view_set_tool         (HzImageView   *self,
                                                   HzImageTool    tool);
/* The text the next text or arrow annotation gets. */
void               hz_image_view_set_annotation_text (HzImageView *self,
                                                   const char    *text);
/* TRUE while the current slice is being decoded. */
gboolean           hz_image_view_get_loading      (HzImageView   *self);

/* The shared view: the state as one struct, and back. apply_state sets
 * everything at once without ::view-changed; FALSE when the state names
 * another series than the one shown (load that one first). */
HzSharedViewState *hz_image_view_get_state        (HzImageView   *self);
gboolean           hz_image_view_apply_state      (HzImageView   *self,
                                                   const HzSharedViewState *state);

/* Annotations of any slice of the series; add/remove from code (the
 * peer's) emit nothing, the user's emit ::annotation-added/-removed. */
void               hz_image_view_add_annotation   (HzImageView   *self,
                                                   const HzAnnotation *annotation);
gboolean           hz_image_view_remove_annotation (HzImageView  *self,
                                                   const char    *id);
GPtrArray         *hz_image_view_get_annotations  (HzImageView   *self);
/* A length annotation's value in mm (from PixelSpacing), or in pixels
 * with *in_mm FALSE when the series has no spacing. */
double             hz_image_view_measure          (HzImageView   *self,
                                                   const HzAnnotation *annotation,
                                                   gboolean      *in_mm);
/* The other doctor's pointer, in image pixels. */
void               hz_image_view_set_remote_pointer (HzImageView *self,
                                                   gboolean       visible,
                                                   double         x,
                                                   double         y);

/* Geometry, for pointers and tests: widget pixels <-> image pixels. */
void               hz_image_view_widget_to_image  (HzImageView   *self,
                                                   double         wx,
                                                   double         wy,
                                                   double        *ix,
                                                   double        *iy);
void               hz_image_view_image_to_widget  (HzImageView   *self,
                                                   double         ix,
                                                   double         iy,
                                                   double        *wx,
                                                   double        *wy);

G_END_DECLS
