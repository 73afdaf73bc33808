/* fuzz-dicom-json.c: any bytes as a QIDO answer give records or a clear
 * error, and every record kept has a valid UID. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "hz-dicom-json.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;
  g_autoptr(GError) e3 = NULL;
  g_autoptr(GPtrArray) studies = hz_dicom_json_parse_studies ((const char *) data, size, &e1);
  g_autoptr(GPtrArray) series = hz_dicom_json_parse_series ((const char *) data, size, &e2);
  g_autoptr(GPtrArray) instances = hz_dicom_json_parse_instances ((const char *) data, size, &e3);

  if ((studies == NULL) != (e1 != NULL) || (series == NULL) != (e2 != NULL) ||
      (instances == NULL) != (e3 != NULL))
    abort ();
  for (guint i = 0; studies != NULL && i < studies->len; i++)
    {
      HzDicomwebStudy *s = g_ptr_array_index (studies, i);
      if (!hz_dicom_uid_is_valid (s->study_instance_uid) || s->modalities == NULL)
        abort ();
    }
  for (guint i = 0; instances != NULL && i < instances->len; i++)
    if (!hz_dicom_uid_is_valid (((HzDicomwebInstance *) g_ptr_array_index (instances, i))->sop_instance_uid))
      abort ();
  return 0;
}
