/* hz-call-devices.h: the cameras and microphones a call can use, by id. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  HZ_CALL_DEVICE_VIDEO,   /* cameras ("Video/Source") */
  HZ_CALL_DEVICE_AUDIO,   /* microphones ("Audio/Source") */
} HzCallDeviceKind;

/* One choice for a device menu. @id is a source spec, valid for
 * HzCallOptions.video_source / audio_source and for
 * hz_call_switch_video_source / hz_call_switch_audio_source:
 * "v4l2:/dev/videoN", "pipewire:TARGET", "pulse:NAME", "test", "none".
 * @name is for people, translated. */
typedef struct {
  char *id;
  char *name;
} HzCallDevice;

void        hz_call_device_free  (HzCallDevice     *device);
GPtrArray  *hz_call_list_devices (HzCallDeviceKind  kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HzCallDevice, hz_call_device_free)

G_END_DECLS
