/* hz-dicom-codecs-j2k.c: JPEG 2000 frames (raw codestreams or JP2 files)
 * via OpenJPEG, read from memory. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include <openjpeg.h>

#include "hz-dicom-codecs.h"

typedef struct {
  const guint8 *data;
  gsize         length;
  gsize         pos;
} Source;

static OPJ_SIZE_T
source_read (void *buffer, OPJ_SIZE_T size, void *user_data)
{
  Source *s = user_data;
  gsize n = MIN (size, s->length - s->pos);

  if (n == 0)
    return (OPJ_SIZE_T) -1;
  memcpy (buffer, s->data + s->pos, n);
  s->pos += n;
  return n;
}

static OPJ_OFF_T
source_skip (OPJ_OFF_T count, void *user_data)
{
  Source *s = user_data;

  if (count < 0)
    count = -(OPJ_OFF_T) MIN ((gsize) -count, s->pos);
  else
    count = (OPJ_OFF_T) MIN ((gsize) count, s->length - s->pos);
  s->pos += count;
  return count;
}

static OPJ_BOOL
source_seek (OPJ_OFF_T offset, void *user_data)
{
  Source *s = user_data;

  if (offset < 0 || (gsize) offset > s->length)
    return OPJ_FALSE;
  s->pos = (gsize) offset;
  return OPJ_TRUE;
}

static void
on_message (const char *msg, void *user_data)
{
  GString *errors = user_data;

  if (errors->len == 0)
    g_string_append (errors, msg);
}

static void
on_quiet (const char *msg, void *user_data)
{
}

gboolean
_hz_dicom_decode_j2k (const guint8        *data,
                      gsize                length,
                      const HzDicomLayout *layout,
                      guint32             *out,
                      GError             **error)
{
  static const guint8 jp2_magic[] = { 0, 0, 0, 0x0c, 'j', 'P', ' ', ' ' };
  Source source = { data, length, 0 };
  g_autoptr(GString) messages = g_string_new (NULL);
  opj_dparameters_t params;
  opj_codec_t *codec = NULL;
  opj_stream_t *stream = NULL;
  opj_image_t *image = NULL;
  gboolean ok = FALSE;
  gsize pixels = (gsize) layout->rows * layout->columns;
  guint32 mask = layout->bits_stored >= 32 ? G_MAXUINT32 : (1u << layout->bits_stored) - 1;
  guint c;

  codec = opj_create_decompress (length >= 8 && memcmp (data, jp2_magic, 8) == 0 ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K);
  opj_set_error_handler (codec, on_message, messages);
  opj_set_warning_handler (codec, on_quiet, NULL);
  opj_set_info_handler (codec, on_quiet, NULL);
  opj_set_default_decoder_parameters (&params);
  if (!opj_setup_decoder (codec, &params))
    goto out;

  stream = opj_stream_create (64 * 1024, OPJ_TRUE);
  opj_stream_set_user_data (stream, &source, NULL);
  opj_stream_set_user_data_length (stream, length);
  opj_stream_set_read_function (stream, source_read);
  opj_stream_set_skip_function (stream, source_skip);
  opj_stream_set_seek_function (stream, source_seek);

  if (!opj_read_header (stream, codec, &image))
    goto out;
  /* Check the size before decoding: a forged header must not make
   * OpenJPEG allocate for an image we would refuse anyway. */
  if (image->x1 - image->x0 != layout->columns || image->y1 - image->y0 != layout->rows
      || image->numcomps != layout->samples)
    {
      g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_CODEC,
                   _("The JPEG 2000 frame is %u × %u with %u components, but the header says %u × %u with %u"),
                   image->x1 - image->x0, image->y1 - image->y0, image->numcomps,
                   layout->columns, layout->rows, layout->samples);
      goto out_reported;
    }
  if (!opj_decode (codec, stream, image) || !opj_end_decompress (codec, stream))
    goto out;

  for (c = 0; c < image->numcomps; c++)
    {
      const opj_image_comp_t *comp = &image->comps[c];
      gsize p;

      if (comp->w != layout->columns || comp->h != layout->rows || comp->data == NULL
          || comp->prec > 32)
        {
          g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_UNSUPPORTED,
                       _("Subsampled JPEG 2000 components are not supported"));
          goto out_reported;
        }
      for (p = 0; p < pixels; p++)
        out[p * layout->samples + c] = (guint32) comp->data[p] & mask;
    }
  ok = TRUE;

out:
  if (!ok)
    g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_CODEC,
                 _("The JPEG 2000 frame could not be decoded: %s"),
                 messages->len ? g_strchomp (messages->str) : _("unknown error"));
out_reported:
  if (image)
    opj_image_destroy (image);
  if (stream)
    opj_stream_destroy (stream);
  if (codec)
    opj_destroy_codec (codec);
  return ok;
}
