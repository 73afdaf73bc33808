/* hz-widgets-style.h: the few style rules the widgets need beyond
 * libadwaita's (the allergy banner, abnormal-value flags). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Adds the rules to the default display once; safe to call often. */
void hz_widgets_style_ensure     (void);
/* Registers the widgets' templates (a static library has no
 * constructor to do it); safe to call often. */
void hz_widgets_ensure_resources (void);

G_END_DECLS
