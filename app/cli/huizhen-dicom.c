/* huizhen-dicom: inspect a DICOM file as Huizhen reads it — its header,
 * the stored values of a frame, and the picture a viewer would show. */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "huizhen-dicom-png.h"
#include "hz-dicom-dataset.h"
#include "hz-dicom-image.h"
#include "hz-dicom-person-name.h"
#include "hz-dicom-waveform.h"
#include "hz-dicom-window.h"

enum { EXIT_OK = 0, EXIT_ERROR = 1, EXIT_USAGE = 2 };

static int opt_frame = 1;
static char *opt_out;
static char *opt_preset;
static char *opt_window;

static const GOptionEntry entries[] = {
  { "frame", 'f', 0, G_OPTION_ARG_INT, &opt_frame,
    N_("The frame to decode, counting from 1 (default: 1)"), N_("N") },
  { "out", 'o', 0, G_OPTION_ARG_FILENAME, &opt_out,
    N_("Where to write the pixels or the picture"), N_("FILE") },
  { "preset", 'p', 0, G_OPTION_ARG_STRING, &opt_preset,
    N_("Window preset for render: lung, mediastinum, bone, brain, soft-tissue"), N_("NAME") },
  { "window", 'w', 0, G_OPTION_ARG_STRING, &opt_window,
    N_("Window for render as CENTRE,WIDTH"), N_("C,W") },
  { NULL }
};

static const char *
syntax_name (const char *uid)
{
  static const struct { const char *uid; const char *name; } names[] = {
    { HZ_DICOM_TS_IMPLICIT_LE, N_("Implicit VR Little Endian") },
    { HZ_DICOM_TS_EXPLICIT_LE, N_("Explicit VR Little Endian") },
    { HZ_DICOM_TS_DEFLATED_LE, N_("Deflated Explicit VR Little Endian") },
    { HZ_DICOM_TS_EXPLICIT_BE, N_("Explicit VR Big Endian") },
    { HZ_DICOM_TS_JPEG_BASELINE, N_("JPEG Baseline") },
    { HZ_DICOM_TS_JPEG_EXTENDED, N_("JPEG Extended") },
    { HZ_DICOM_TS_JPEG_LOSSLESS, N_("JPEG Lossless") },
    { HZ_DICOM_TS_JPEG_LOSSLESS_SV1, N_("JPEG Lossless, first-order prediction") },
    { HZ_DICOM_TS_JPEG_LS_LOSSLESS, N_("JPEG-LS Lossless") },
    { HZ_DICOM_TS_JPEG_LS_NEAR, N_("JPEG-LS Near-lossless") },
    { HZ_DICOM_TS_J2K_LOSSLESS, N_("JPEG 2000 Lossless") },
    { HZ_DICOM_TS_J2K, N_("JPEG 2000") },
    { HZ_DICOM_TS_RLE, N_("RLE Lossless") },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (uid, names[i].uid) == 0)
      return _(names[i].name);
  return _("unknown");
}

static void
print_field (const char *label, const char *value)
{
  if (value != NULL && *value != '\0')
    g_print ("%-18s %s\n", label, value);
}

static void
print_text (HzDicomDataset *ds, const char *label, guint16 group, guint16 element)
{
  g_autofree char *value = hz_dicom_dataset_get_string (ds, HZ_DICOM_TAG (group, element));
  print_field (label, value);
}

static void
print_image (HzDicomDataset *ds)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HzDicomImage) image = hz_dicom_image_new (ds, &error);
  g_autofree char *size = NULL;
  g_autofree char *frames = NULL;
  g_autofree char *bits = NULL;
  HzDicomWindow w;

  if (image == NULL)
    {
      if (!g_error_matches (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_MISSING))
        print_field (_("Image:"), error->message);
      return;
    }
  size = g_strdup_printf ("%u × %u", hz_dicom_image_get_columns (image), hz_dicom_image_get_rows (image));
  frames = g_strdup_printf ("%u", hz_dicom_image_get_n_frames (image));
  bits = g_strdup_printf (_("%u allocated, %u stored, %s"),
                          hz_dicom_image_get_bits_allocated (image), hz_dicom_image_get_bits_stored (image),
                          hz_dicom_image_is_signed (image) ? _("signed") : _("unsigned"));
  print_field (_("Dimensions:"), size);
  print_field (_("Frames:"), frames);
  print_field (_("Photometric:"), hz_dicom_image_get_photometric (image));
  print_field (_("Bits:"), bits);
  if (hz_dicom_image_get_window (image, 0, &w))
    {
      g_autofree char *window = g_strdup_printf ("%g / %g", w.centre, w.width);
      print_field (_("Window (C/W):"), window);
    }
}

static void
print_waveforms (HzDicomDataset *ds)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) groups = hz_dicom_waveform_read (ds, &error);
  guint i;

  if (groups == NULL)
    {
      if (!g_error_matches (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_MISSING))
        print_field (_("Waveform:"), error->message);
      return;
    }
  for (i = 0; i < groups->len; i++)
    {
      HzDicomWaveform *wf = g_ptr_array_index (groups, i);
      g_autofree char *line = g_strdup_printf (_("%u channels, %u samples at %g Hz"),
                                               wf->leads->len, wf->n_samples, wf->sampling_frequency);
      print_field (_("Waveform:"), line);
    }
}

static int
cmd_info (HzDicomDataset *ds)
{
  g_autofree char *raw_name = hz_dicom_dataset_get_string_at (ds, HZ_DICOM_TAG (0x0010, 0x0010), 0);
  const char *ts = hz_dicom_dataset_get_transfer_syntax (ds);
  g_autofree char *syntax = g_strdup_printf ("%s (%s)", syntax_name (ts), ts);

  if (raw_name != NULL)
    {
      g_autoptr(HzDicomPersonName) pn = hz_dicom_person_name_new (raw_name);
      g_autofree char *display = hz_dicom_person_name_to_display (pn);
      print_field (_("Patient:"), display);
    }
  print_text (ds, _("Patient ID:"), 0x0010, 0x0020);
  print_text (ds, _("Birth date:"), 0x0010, 0x0030);
  print_text (ds, _("Sex:"), 0x0010, 0x0040);
  print_text (ds, _("Institution:"), 0x0008, 0x0080);
  print_text (ds, _("Study:"), 0x0008, 0x1030);
  print_text (ds, _("Study date:"), 0x0008, 0x0020);
  print_text (ds, _("Study UID:"), 0x0020, 0x000d);
  print_text (ds, _("Series:"), 0x0008, 0x103e);
  print_text (ds, _("Series UID:"), 0x0020, 0x000e);
  print_text (ds, _("Modality:"), 0x0008, 0x0060);
  print_field (_("Transfer syntax:"), syntax);
  print_image (ds);
  print_waveforms (ds);
  return EXIT_OK;
}

static HzDicomFrame *
decode (HzDicomDataset *ds, HzDicomImage **image_out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HzDicomImage) image = hz_dicom_image_new (ds, &error);
  HzDicomFrame *frame;

  if (image == NULL)
    {
      g_printerr (_("Cannot decode the image: %s\n"), error->message);
      return NULL;
    }
  if (opt_frame < 1)
    {
      g_printerr (_("Frames count from 1\n"));
      return NULL;
    }
  frame = hz_dicom_image_decode_frame (image, (guint) opt_frame - 1, &error);
  if (frame == NULL)
    {
      g_printerr (_("Cannot decode frame %d: %s\n"), opt_frame, error->message);
      return NULL;
    }
  *image_out = g_steal_pointer (&image);
  return frame;
}

static int
cmd_pixels (HzDicomDataset *ds)
{
  g_autoptr(HzDicomImage) image = NULL;
  g_autoptr(HzDicomFrame) frame = decode (ds, &image);
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *raw = NULL;
  gsize i, n, width;

  if (frame == NULL)
    return EXIT_ERROR;
  n = hz_dicom_frame_get_n_values (frame);
  width = frame->bits_allocated / 8;
  raw = g_malloc (n * width);
  /* Little endian at the width of BitsAllocated, as numpy's '<i2' reads it. */
  for (i = 0; i < n; i++)
    {
      guint32 v = (guint32) frame->values[i];
      guint8 *p = raw + i * width;

      p[0] = v & 0xff;
      if (width > 1)
        p[1] = (v >> 8) & 0xff;
      if (width > 2)
        {
          p[2] = (v >> 16) & 0xff;
          p[3] = v >> 24;
        }
    }
  if (!g_file_set_contents (opt_out, (const char *) raw, (gssize) (n * width), &error))
    {
      g_printerr (_("Could not write the pixels: %s\n"), error->message);
      return EXIT_ERROR;
    }
  g_print ("{\"rows\":%u,\"columns\":%u,\"samples_per_pixel\":%u,\"bits_allocated\":%u,"
           "\"bits_stored\":%u,\"signed\":%s,\"photometric_interpretation\":\"%s\",\"frame\":%d,"
           "\"frames\":%u,\"bytes\":%" G_GSIZE_FORMAT "}\n",
           frame->rows, frame->columns, frame->samples_per_pixel, frame->bits_allocated,
           frame->bits_stored, frame->is_signed ? "true" : "false", frame->photometric, opt_frame,
           hz_dicom_image_get_n_frames (image), n * width);
  return EXIT_OK;
}

static gboolean
parse_window (HzDicomWindow *w)
{
  HzDicomPreset preset;
  g_auto(GStrv) parts = NULL;
  char *end;

  if (opt_preset != NULL)
    {
      if (!hz_dicom_preset_from_id (opt_preset, &preset))
        {
          g_printerr (_("Unknown window preset “%s”\n"), opt_preset);
          return FALSE;
        }
      *w = hz_dicom_preset_get_window (preset);
      return TRUE;
    }
  parts = g_strsplit (opt_window, ",", 2);
  if (g_strv_length (parts) != 2)
    goto bad;
  w->centre = g_ascii_strtod (parts[0], &end);
  if (*end != '\0' || end == parts[0])
    goto bad;
  w->width = g_ascii_strtod (parts[1], &end);
  if (*end != '\0' || end == parts[1] || !(w->width >= 1))
    goto bad;
  return TRUE;

bad:
  g_printerr (_("The window must be CENTRE,WIDTH with a width of at least 1\n"));
  return FALSE;
}

static int
cmd_render (HzDicomDataset *ds)
{
  g_autoptr(HzDicomImage) image = NULL;
  g_autoptr(HzDicomFrame) frame = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *pixels = NULL;
  HzDicomWindow window;
  gboolean have_window = FALSE;
  gsize length;

  if (opt_preset != NULL || opt_window != NULL)
    {
      if (!parse_window (&window))
        return EXIT_USAGE;
      have_window = TRUE;
    }
  frame = decode (ds, &image);
  if (frame == NULL)
    return EXIT_ERROR;
  pixels = hz_dicom_image_render_frame (image, frame, have_window ? &window : NULL, &length);
  if (!huizhen_dicom_write_png (opt_out, pixels, frame->columns, frame->rows,
                                frame->samples_per_pixel, &error))
    {
      g_printerr (_("Could not write the picture: %s\n"), error->message);
      return EXIT_ERROR;
    }
  return EXIT_OK;
}

static void
print_usage (GOptionContext *context)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);
  g_printerr ("%s", help);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HzDicomDataset) ds = NULL;
  const char *localedir = g_getenv ("HUIZHEN_LOCALEDIR");
  const char *command;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (_("COMMAND FILE"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("Inspect a DICOM file as Huizhen reads it."));
  g_option_context_set_description (context,
    _("Commands:\n"
      "  info FILE                    print the patient, study, series and image summary\n"
      "  pixels FILE --out RAW        write one frame's stored values (little endian, RGB\n"
      "                               interleaved) and print a JSON line describing them\n"
      "  render FILE --out PNG        write the frame as a viewer shows it"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_USAGE;
    }
  if (argc != 3)
    {
      print_usage (context);
      return EXIT_USAGE;
    }
  command = argv[1];
  if (!g_str_equal (command, "info") && !g_str_equal (command, "pixels") && !g_str_equal (command, "render"))
    {
      g_printerr (_("Unknown command “%s”\n"), command);
      print_usage (context);
      return EXIT_USAGE;
    }
  if (!g_str_equal (command, "info") && opt_out == NULL)
    {
      g_printerr (_("The %s command needs --out FILE\n"), command);
      return EXIT_USAGE;
    }

  ds = hz_dicom_dataset_new_from_file (argv[2], &error);
  if (ds == NULL)
    {
      g_printerr (_("Cannot read %s: %s\n"), argv[2], error->message);
      return EXIT_ERROR;
    }
  if (g_str_equal (command, "info"))
    return cmd_info (ds);
  if (g_str_equal (command, "pixels"))
    return cmd_pixels (ds);
  return cmd_render (ds);
}
