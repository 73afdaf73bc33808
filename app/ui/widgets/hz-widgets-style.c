/* hz-widgets-style.c: the few style rules the widgets need beyond
 * libadwaita's, and the registration of their templates. Colours come from libadwaita's named colours so that
 * the dark and high-contrast styles stay right. */
#include "config.h"

#include "hz-widgets-resources.h"
#include "hz-widgets-style.h"

static const char css[] =
  ".hz-allergy-banner { padding: 10px 16px; }\n"
  ".hz-allergy-banner.high-risk { background-color: @error_bg_color; color: @error_fg_color; }\n"
  ".hz-allergy-banner.other { background-color: @warning_bg_color; color: @warning_fg_color; }\n"
  ".hz-allergy-banner .title { font-weight: bold; font-size: 115%; }\n"
  ".hz-flag { font-weight: bold; }\n"
  ".hz-flag.abnormal { color: @error_color; }\n"
  ".hz-flag.critical { background-color: @error_bg_color; color: @error_fg_color;"
  "  border-radius: 4px; padding: 0 4px; }\n"
  ".hz-value.abnormal { color: @error_color; font-weight: bold; }\n"
  ".hz-record-summary { padding: 12px 16px; }\n"
  ".hz-record-summary .name { font-size: 150%; font-weight: bold; }\n"
  ".hz-trend-plot { background-color: @view_bg_color; }\n";

void
hz_widgets_style_ensure (void)
{
  static GdkDisplay *done_for = NULL;
  GdkDisplay *display = gdk_display_get_default ();
  g_autoptr(GtkCssProvider) provider = NULL;

  if (display == NULL || display == done_for)
    return;
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (provider, css, -1);
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  done_for = display;
}

void
hz_widgets_ensure_resources (void)
{
  static gsize registered = 0;

  if (g_once_init_enter (&registered))
    {
      hz_widgets_register_resource ();
      g_once_init_leave (&registered, 1);
    }
}
