/* test-ui-shortcuts.h: the Keyboard Shortcuts window case of test-ui. */
#pragma once

#include <gtk/gtk.h>

/* Saves @window as tests/screenshots/NAME-LANG.png. */
typedef void (*HzTestUiScreenshot) (gpointer    window,
                                    const char *name);

void hz_test_ui_shortcuts_add (GtkApplication     *app,
                               HzTestUiScreenshot  screenshot);
