/* hz-dicom-person-name.c: person names with alphabetic, ideographic and
 * phonetic component groups (PS3.5 6.2.1), so that 王建国 is shown as
 * the patient's own name and WANG^JIANGUO as its romanisation. */
#include "config.h"

#include <string.h>

#include "hz-dicom-person-name.h"

struct _HzDicomPersonName
{
  char *groups[HZ_DICOM_PN_N_GROUPS];
  char *components[HZ_DICOM_PN_N_GROUPS][HZ_DICOM_PN_N_COMPONENTS];
};

HzDicomPersonName *
hz_dicom_person_name_new (const char *value)
{
  HzDicomPersonName *self = g_new0 (HzDicomPersonName, 1);
  g_auto(GStrv) groups = NULL;
  guint g, c;

  g_return_val_if_fail (value != NULL, NULL);

  groups = g_strsplit (value, "=", HZ_DICOM_PN_N_GROUPS);
  for (g = 0; g < HZ_DICOM_PN_N_GROUPS; g++)
    {
      g_auto(GStrv) parts = NULL;
      const char *group = g < g_strv_length (groups) ? groups[g] : "";

      self->groups[g] = g_strstrip (g_strdup (group));
      parts = g_strsplit (self->groups[g], "^", HZ_DICOM_PN_N_COMPONENTS);
      for (c = 0; c < HZ_DICOM_PN_N_COMPONENTS; c++)
        self->components[g][c] = g_strstrip (g_strdup (c < g_strv_length (parts) ? parts[c] : ""));
    }
  return self;
}

void
hz_dicom_person_name_free (HzDicomPersonName *self)
{
  guint g, c;

  if (self == NULL)
    return;
  for (g = 0; g < HZ_DICOM_PN_N_GROUPS; g++)
    {
      g_free (self->groups[g]);
      for (c = 0; c < HZ_DICOM_PN_N_COMPONENTS; c++)
        g_free (self->components[g][c]);
    }
  g_free (self);
}

const char *
hz_dicom_person_name_get_group (HzDicomPersonName *self,
                                HzDicomPnGroup     group)
{
  g_return_val_if_fail (self != NULL && group < HZ_DICOM_PN_N_GROUPS, "");
  return self->groups[group];
}

const char *
hz_dicom_person_name_get_component (HzDicomPersonName  *self,
                                    HzDicomPnGroup      group,
                                    HzDicomPnComponent  component)
{
  g_return_val_if_fail (self != NULL && group < HZ_DICOM_PN_N_GROUPS, "");
  g_return_val_if_fail (component < HZ_DICOM_PN_N_COMPONENTS, "");
  return self->components[group][component];
}

static gboolean
is_ascii (const char *s)
{
  for (; *s; s++)
    if ((guchar) *s >= 0x80)
      return FALSE;
  return TRUE;
}

char *
hz_dicom_person_name_format_group (HzDicomPersonName *self,
                                   HzDicomPnGroup     group)
{
  static const HzDicomPnComponent order[] = {
    HZ_DICOM_PN_PREFIX, HZ_DICOM_PN_FAMILY, HZ_DICOM_PN_GIVEN, HZ_DICOM_PN_MIDDLE, HZ_DICOM_PN_SUFFIX,
  };
  GString *out = g_string_new (NULL);
  gboolean ideographic;
  guint i;

  g_return_val_if_fail (self != NULL && group < HZ_DICOM_PN_N_GROUPS, NULL);

  /* Chinese, Japanese and Korean names are written family name first with
   * no space between the parts: 王建国, not 王 建国. The family name leads
   * in Latin script too, as the patient's documents have it. */
  ideographic = !is_ascii (self->groups[group]);
  for (i = 0; i < G_N_ELEMENTS (order); i++)
    {
      const char *part = self->components[group][order[i]];

      if (*part == '\0')
        continue;
      if (out->len > 0 && !ideographic)
        g_string_append_c (out, ' ');
      g_string_append (out, part);
    }
  return g_string_free (out, FALSE);
}

char *
hz_dicom_person_name_to_display (HzDicomPersonName *self)
{
  g_autofree char *alphabetic = NULL;
  g_autofree char *ideographic = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  alphabetic = hz_dicom_person_name_format_group (self, HZ_DICOM_PN_ALPHABETIC);
  ideographic = hz_dicom_person_name_format_group (self, HZ_DICOM_PN_IDEOGRAPHIC);
  if (*ideographic == '\0')
    return g_steal_pointer (&alphabetic);
  if (*alphabetic == '\0' || strcmp (alphabetic, ideographic) == 0)
    return g_steal_pointer (&ideographic);
  return g_strdup_printf ("%s (%s)", ideographic, alphabetic);
}
