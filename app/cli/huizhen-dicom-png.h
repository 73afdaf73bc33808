/* huizhen-dicom-png.h: writes 8-bit grey or RGB pixels as a PNG file. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean huizhen_dicom_write_png (const char    *path,
                                  const guint8  *pixels,
                                  guint          width,
                                  guint          height,
                                  guint          channels,
                                  GError       **error);

G_END_DECLS
