/* hz-part10-meta.c: finds MediaStorageSOPInstanceUID (0002,0003).
 *
 * Retrieving a whole study in one multipart answer gives files without
 * names; the cache needs each one's UID, and the meta header is enough. */
#include "config.h"

#include <string.h>

#include "hz-dicom-json.h"
#include "hz-part10-meta.h"

#define PREAMBLE 128

static guint16
u16 (const guint8 *p)
{
  return p[0] | (p[1] << 8);
}

static guint32
u32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

char *
hz_part10_sop_instance_uid (GBytes *part10)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (part10, &len);
  gsize pos = PREAMBLE + 4;

  if (len < pos || memcmp (data + PREAMBLE, "DICM", 4) != 0)
    return NULL;
  while (pos + 8 <= len)
    {
      guint16 group = u16 (data + pos);
      guint16 element = u16 (data + pos + 2);
      const guint8 *vr = data + pos + 4;
      guint64 value_len;

      if (group != 0x0002)
        break;
      /* PS3.5 7.1.2: these VRs have a 4-byte length after 2 reserved bytes. */
      if (memcmp (vr, "OB", 2) == 0 || memcmp (vr, "OW", 2) == 0 || memcmp (vr, "OF", 2) == 0 ||
          memcmp (vr, "SQ", 2) == 0 || memcmp (vr, "UT", 2) == 0 || memcmp (vr, "UN", 2) == 0)
        {
          if (pos + 12 > len)
            return NULL;
          value_len = u32 (data + pos + 8);
          pos += 12;
        }
      else
        {
          value_len = u16 (data + pos + 6);
          pos += 8;
        }
      if (value_len > len - pos)
        return NULL;
      if (element == 0x0003)
        {
          g_autofree char *uid = g_strndup ((const char *) data + pos, value_len);

          g_strchomp (uid);  /* UIDs are padded with NUL, g_strndup stops there */
          return hz_dicom_uid_is_valid (uid) ? g_steal_pointer (&uid) : NULL;
        }
      pos += value_len;
    }
  return NULL;
}
