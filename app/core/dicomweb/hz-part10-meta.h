/* hz-part10-meta.h: the SOP Instance UID from a Part-10 file's meta header. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Reads only group 0002 (always explicit VR little endian); pixel data and
 * the data set proper are the DICOM parser's business. NULL when the
 * bytes are no Part-10 file or carry no valid UID there. */
char *hz_part10_sop_instance_uid (GBytes *part10);

G_END_DECLS
