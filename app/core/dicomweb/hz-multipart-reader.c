/* hz-multipart-reader.c: splits a multipart body into parts as bytes arrive.
 *
 * WADO-RS answers are multipart/related bodies of whole Part-10 files. A
 * viewer wants the first slice on screen while the rest is still on the
 * wire, so the reader takes the body in whatever chunks the network gives
 * and hands out each part the moment its closing delimiter arrives. It
 * holds at most one part in memory, and refuses parts over a bound so a
 * broken or hostile server cannot make it grow without limit. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hz-dicomweb-error.h"
#include "hz-multipart-reader.h"

#define MAX_HEADER_BYTES  (16 * 1024)
#define MAX_PADDING_BYTES 256

typedef enum {
  STATE_PREAMBLE,     /* before the first delimiter */
  STATE_AFTER_DELIM,  /* just past a delimiter: "--" closes, CRLF opens a part */
  STATE_HEADERS,      /* part headers up to the empty line */
  STATE_BODY,         /* part content up to CRLF "--" boundary */
  STATE_EPILOGUE,     /* after the close delimiter: everything is ignored */
} State;

struct _HzMultipartReader
{
  State                state;
  char                *delimiter;       /* "\r\n--" boundary */
  gsize                delimiter_len;
  gsize                max_part_size;
  GByteArray          *buf;             /* everything but part content */
  GByteArray          *body;            /* the part being read, or NULL */
  gsize                start;           /* bytes of buf already consumed */
  gsize                scan_from;       /* in the body: no delimiter before here */
  char                *part_type;
  gint64               part_length;     /* Content-Length, or -1 */
  gboolean             discarded;       /* preamble bytes were dropped */
  guint                n_parts;
  HzMultipartPartFunc  part_func;
  gpointer             user_data;
};

HzMultipartReader *
hz_multipart_reader_new (const char          *boundary,
                         gsize                max_part_size,
                         HzMultipartPartFunc  part_func,
                         gpointer             user_data)
{
  HzMultipartReader *self;

  g_return_val_if_fail (boundary != NULL && *boundary != '\0', NULL);
  g_return_val_if_fail (strlen (boundary) <= HZ_MULTIPART_MAX_BOUNDARY, NULL);

  self = g_new0 (HzMultipartReader, 1);
  self->state = STATE_PREAMBLE;
  self->delimiter = g_strconcat ("\r\n--", boundary, NULL);
  self->delimiter_len = strlen (self->delimiter);
  self->max_part_size = max_part_size;
  self->buf = g_byte_array_new ();
  self->part_func = part_func;
  self->user_data = user_data;
  return self;
}

void
hz_multipart_reader_free (HzMultipartReader *self)
{
  if (self == NULL)
    return;
  g_free (self->delimiter);
  g_byte_array_unref (self->buf);
  g_clear_pointer (&self->body, g_byte_array_unref);
  g_free (self->part_type);
  g_free (self);
}

guint
hz_multipart_reader_get_n_parts (HzMultipartReader *self)
{
  return self->n_parts;
}

static const guint8 *
find (const guint8 *hay,
      gsize         hay_len,
      const char   *needle,
      gsize         needle_len)
{
  const guint8 *p = hay;
  const guint8 *end = hay + hay_len;

  while (needle_len <= (gsize) (end - p))
    {
      p = memchr (p, needle[0], (end - p) - needle_len + 1);
      if (p == NULL)
        return NULL;
      if (memcmp (p, needle, needle_len) == 0)
        return p;
      p++;
    }
  return NULL;
}

static void
parse_headers (HzMultipartReader *self,
               const char        *text,
               gsize              len)
{
  g_auto(GStrv) lines = NULL;
  g_autofree char *copy = g_strndup (text, len);

  g_clear_pointer (&self->part_type, g_free);
  self->part_length = -1;
  lines = g_strsplit (copy, "\r\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *colon = strchr (lines[i], ':');

      if (colon == NULL)
        continue;
      *colon = '\0';
      if (g_ascii_strcasecmp (g_strstrip (lines[i]), "Content-Type") == 0)
        {
          g_free (self->part_type);
          self->part_type = g_strdup (g_strstrip (colon + 1));
        }
      else if (g_ascii_strcasecmp (lines[i], "Content-Length") == 0)
        {
          guint64 value;

          if (g_ascii_string_to_unsigned (g_strstrip (colon + 1), 10, 0, G_MAXINT64, &value, NULL))
            self->part_length = (gint64) value;
        }
    }
}

/* Parts over the bound are refused as soon as their size is known, from
 * Content-Length or from the bytes buffered so far. */
static gboolean
check_size (HzMultipartReader  *self,
            guint64             size,
            GError            **error)
{
  g_autofree char *limit = NULL;

  if (size <= self->max_part_size)
    return TRUE;
  limit = g_format_size (self->max_part_size);
  g_set_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_TOO_LARGE,
               _("An image from the server is larger than the limit of %s"), limit);
  return FALSE;
}

/* One step of the state machine; FALSE when it needs more bytes. */
static gboolean
step (HzMultipartReader  *self,
      gboolean           *failed,
      GError            **error)
{
  const guint8 *data = self->buf->data + self->start;
  gsize len = self->buf->len - self->start;
  const guint8 *hit;

  switch (self->state)
    {
    case STATE_PREAMBLE:
      {
        /* The first delimiter may open the body without the CRLF. */
        const char *dash = self->delimiter + 2;
        gsize dash_len = self->delimiter_len - 2;
        const guint8 *p = data;

        while ((hit = find (p, len - (p - data), dash, dash_len)) != NULL)
          {
            if ((hit == data && !self->discarded) || (hit > data && hit[-1] == '\n'))
              {
                self->start += (hit - data) + dash_len;
                self->state = STATE_AFTER_DELIM;
                return TRUE;
              }
            p = hit + 1;
          }
        /* Keep only what could still be the start of a delimiter. */
        if (len > self->delimiter_len)
          {
            self->start += len - self->delimiter_len;
            self->discarded = TRUE;
          }
        return FALSE;
      }

    case STATE_AFTER_DELIM:
      {
        gsize i = 0;

        if (len < 2)
          return FALSE;
        if (data[0] == '-' && data[1] == '-')
          {
            self->state = STATE_EPILOGUE;
            return TRUE;
          }
        /* Transport padding (RFC 2046) may sit between boundary and CRLF. */
        while (i < len && i <= MAX_PADDING_BYTES && (data[i] == ' ' || data[i] == '\t'))
          i++;
        if (i > MAX_PADDING_BYTES)
          goto bad_delimiter;
        if (i == len)
          return FALSE;
        if (data[i] != '\r')
          goto bad_delimiter;
        if (i + 1 == len)
          return FALSE;
        if (data[i + 1] != '\n')
          goto bad_delimiter;
        self->start += i + 2;
        self->state = STATE_HEADERS;
        return TRUE;

      bad_delimiter:
        g_set_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_BAD_MULTIPART,
                     _("The server sent a malformed multipart answer: a boundary is followed by unexpected bytes"));
        *failed = TRUE;
        return FALSE;
      }

    case STATE_HEADERS:
      {
        if (len >= 2 && data[0] == '\r' && data[1] == '\n')
          {
            parse_headers (self, "", 0);
            self->start += 2;
          }
        else if ((hit = find (data, MIN (len, MAX_HEADER_BYTES + 4), "\r\n\r\n", 4)) != NULL)
          {
            parse_headers (self, (const char *) data, hit - data);
            if (self->part_length >= 0 && !check_size (self, self->part_length, error))
              {
                *failed = TRUE;
                return FALSE;
              }
            self->start += (hit - data) + 4;
          }
        else if (len > MAX_HEADER_BYTES)
          {
            g_set_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_BAD_MULTIPART,
                         _("The server sent a malformed multipart answer: part headers are too long"));
            *failed = TRUE;
            return FALSE;
          }
        else
          return FALSE;

        /* Content goes into an array of its own, sized from
         * Content-Length when given, and becomes the part's GBytes
         * without another copy. */
        self->state = STATE_BODY;
        self->scan_from = 0;
        self->body = g_byte_array_sized_new (self->part_length >= 0
                                             ? (guint) self->part_length + self->delimiter_len + 64
                                             : 64 * 1024);
        g_byte_array_append (self->body, self->buf->data + self->start, self->buf->len - self->start);
        self->start = self->buf->len;
        return TRUE;
      }

    case STATE_BODY:
      data = self->body->data;
      len = self->body->len;
      hit = find (data + self->scan_from, len - self->scan_from,
                  self->delimiter, self->delimiter_len);
      if (hit == NULL)
        {
          if (len >= self->delimiter_len)
            self->scan_from = len - self->delimiter_len + 1;
          if (!check_size (self, self->scan_from, error))
            {
              *failed = TRUE;
              return FALSE;
            }
          return FALSE;
        }
      if (!check_size (self, hit - data, error))
        {
          *failed = TRUE;
          return FALSE;
        }
      {
        g_autoptr(GBytes) body = NULL;
        gsize body_len = hit - data;

        /* What follows the delimiter goes back to the main buffer. */
        g_byte_array_append (self->buf, hit + self->delimiter_len, len - body_len - self->delimiter_len);
        g_byte_array_set_size (self->body, body_len);
        body = g_byte_array_free_to_bytes (g_steal_pointer (&self->body));
        self->state = STATE_AFTER_DELIM;
        self->n_parts++;
        if (self->part_func != NULL)
          self->part_func (self->part_type, body, self->user_data);
      }
      return TRUE;

    case STATE_EPILOGUE:
      self->start = self->buf->len;
      return FALSE;

    default:
      g_assert_not_reached ();
    }
}

gboolean
hz_multipart_reader_feed (HzMultipartReader  *self,
                          const guint8       *data,
                          gsize               len,
                          GError            **error)
{
  gboolean failed = FALSE;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  if (self->state == STATE_EPILOGUE)
    return TRUE;

  g_byte_array_append (self->state == STATE_BODY ? self->body : self->buf, data, len);
  while (step (self, &failed, error))
    ;
  if (failed)
    return FALSE;

  /* Drop consumed bytes so the buffer holds at most one part. */
  if (self->start > 0)
    {
      g_byte_array_remove_range (self->buf, 0, self->start);
      self->start = 0;
    }
  return TRUE;
}

gboolean
hz_multipart_reader_finish (HzMultipartReader  *self,
                            GError            **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->state == STATE_EPILOGUE)
    return TRUE;
  if (self->state == STATE_PREAMBLE && self->n_parts == 0)
    g_set_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_BAD_MULTIPART,
                 _("The server sent a malformed multipart answer: no boundary was found"));
  else
    g_set_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_BAD_MULTIPART,
                 _("The server’s multipart answer ended before its closing boundary"));
  return FALSE;
}
