/* fuzz-dicom.c: any bytes in, a data set or a clear error out; then every
 * accessor, every frame and every waveform of what was parsed, so the
 * decoders see hostile headers and codestreams too. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "hz-dicom-dataset.h"
#include "hz-dicom-image.h"
#include "hz-dicom-person-name.h"
#include "hz-dicom-waveform.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
poke_text (HzDicomDataset *ds)
{
  static const guint32 tags[] = {
    HZ_DICOM_TAG (0x0010, 0x0010), HZ_DICOM_TAG (0x0008, 0x1030), HZ_DICOM_TAG (0x0028, 0x1050),
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (tags); i++)
    {
      g_autofree char *whole = hz_dicom_dataset_get_string (ds, tags[i]);
      g_autofree char *first = hz_dicom_dataset_get_string_at (ds, tags[i], 0);
      double d;

      if (whole != NULL && !g_utf8_validate (whole, -1, NULL))
        abort ();  /* text must always come out as UTF-8 */
      if (first != NULL)
        {
          g_autoptr(HzDicomPersonName) pn = hz_dicom_person_name_new (first);
          g_autofree char *display = hz_dicom_person_name_to_display (pn);

          if (!g_utf8_validate (display, -1, NULL))
            abort ();
        }
      hz_dicom_dataset_get_double (ds, tags[i], 1, &d);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(HzDicomDataset) ds = hz_dicom_dataset_new_from_bytes (bytes, &error);
  g_autoptr(HzDicomImage) image = NULL;
  g_autoptr(GPtrArray) waveforms = NULL;
  guint i;

  if (ds == NULL)
    {
      if (error == NULL || error->domain != HZ_DICOM_ERROR)
        abort ();  /* a refusal must say why */
      return 0;
    }
  poke_text (ds);

  waveforms = hz_dicom_waveform_read (ds, NULL);

  image = hz_dicom_image_new (ds, NULL);
  if (image == NULL)
    return 0;
  for (i = 0; i < hz_dicom_image_get_n_frames (image) && i < 3; i++)
    {
      g_autoptr(GError) frame_error = NULL;
      g_autoptr(HzDicomFrame) frame = hz_dicom_image_decode_frame (image, i, &frame_error);
      g_autofree guint8 *pixels = NULL;
      gsize length;

      if (frame == NULL)
        {
          if (frame_error == NULL)
            abort ();
          continue;
        }
      pixels = hz_dicom_image_render_frame (image, frame, NULL, &length);
      if (length != hz_dicom_frame_get_n_values (frame))
        abort ();
    }
  return 0;
}
