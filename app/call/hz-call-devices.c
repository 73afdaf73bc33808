/* hz-call-devices.c: the cameras and microphones GStreamer's device
 * monitor sees, as source specs HzCall understands, plus the test sources
 * and "none" that every machine has. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <gst/gst.h>

#include "hz-call-devices.h"

void
hz_call_device_free (HzCallDevice *device)
{
  if (device == NULL)
    return;
  g_free (device->id);
  g_free (device->name);
  g_free (device);
}

static void
add (GPtrArray  *list,
     char       *id,
     const char *name)
{
  HzCallDevice *device = g_new0 (HzCallDevice, 1);

  for (guint i = 0; i < list->len; i++)
    if (g_str_equal (((HzCallDevice *) g_ptr_array_index (list, i))->id, id))
      {
        g_free (id);
        g_free (device);
        return;
      }
  device->id = id;
  device->name = g_strdup (name);
  g_ptr_array_add (list, device);
}

/* The spec that makes HzCall open this device, or NULL when it cannot
 * (a provider it has no source for). */
static char *
spec_for_device (GstDevice *device,
                 gboolean   video)
{
  g_autoptr(GstStructure) props = gst_device_get_properties (device);
  const char *api = props ? gst_structure_get_string (props, "device.api") : NULL;
  const char *value;

  if (g_strcmp0 (api, "v4l2") == 0 && video &&
      (value = gst_structure_get_string (props, "device.path")) != NULL)
    return g_strconcat ("v4l2:", value, NULL);
  if (g_strcmp0 (api, "pipewire") == 0)
    {
      /* pipewiresrc target-object takes a serial or a node name. */
      value = gst_structure_get_string (props, "object.serial");
      if (value == NULL)
        value = gst_structure_get_string (props, "node.name");
      if (value != NULL)
        return g_strconcat ("pipewire:", value, NULL);
    }
  if (!video && g_object_class_find_property (G_OBJECT_GET_CLASS (device), "internal-name"))
    {
      g_autofree char *name = NULL;

      /* pulsesrc's device names its source. */
      g_object_get (device, "internal-name", &name, NULL);
      if (name != NULL)
        return g_strconcat ("pulse:", name, NULL);
    }
  return NULL;
}

/**
 * hz_call_list_devices:
 * @kind: cameras or microphones
 *
 * What the device monitor sees now (a blocking probe, quick: call it when
 * a menu opens, not per frame), then the test source ("test") and "none".
 * A machine without devices (tests, CI) gets just those two.
 *
 * Returns: (transfer full) (element-type HzCallDevice): the choices.
 */
GPtrArray *
hz_call_list_devices (HzCallDeviceKind kind)
{
  gboolean video = kind == HZ_CALL_DEVICE_VIDEO;
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) hz_call_device_free);
  g_autoptr(GstDeviceMonitor) monitor = NULL;

  gst_init (NULL, NULL);
  monitor = gst_device_monitor_new ();
  gst_device_monitor_add_filter (monitor, video ? "Video/Source" : "Audio/Source", NULL);
  if (gst_device_monitor_start (monitor))
    {
      GList *devices = gst_device_monitor_get_devices (monitor);

      for (GList *l = devices; l; l = l->next)
        {
          char *id = spec_for_device (l->data, video);
          g_autofree char *name = gst_device_get_display_name (l->data);

          if (id != NULL)
            add (list, id, name);
        }
      g_list_free_full (devices, gst_object_unref);
      gst_device_monitor_stop (monitor);
    }
  add (list, g_strdup ("test"), video ? _("Test pattern") : _("Test tone"));
  add (list, g_strdup ("none"), video ? _("No camera") : _("No microphone"));
  return list;
}
