/* hz-orthanc.h: a throw-away Orthanc with DICOMweb for tests and benchmarks. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _HzOrthanc HzOrthanc;

/* Starts /usr/sbin/Orthanc on a free loopback port with its own storage in
 * a temporary folder, authentication on, remote access off. NULL with an
 * error (G_IO_ERROR_NOT_FOUND if Orthanc or its plugin is not installed)
 * when it cannot be started: callers skip. */
HzOrthanc  *hz_orthanc_start             (GError     **error);
const char *hz_orthanc_get_url           (HzOrthanc   *self);  /* http://127.0.0.1:PORT */
const char *hz_orthanc_get_dicomweb_url  (HzOrthanc   *self);  /* …/dicom-web */
const char *hz_orthanc_get_user          (HzOrthanc   *self);
const char *hz_orthanc_get_password      (HzOrthanc   *self);
gboolean    hz_orthanc_upload            (HzOrthanc   *self,
                                          GBytes      *part10,
                                          GError     **error);
/* Uploads every *.dcm below dir; returns how many, or -1. */
int         hz_orthanc_upload_dir        (HzOrthanc   *self,
                                          const char  *dir,
                                          GError     **error);
/* SIGTERM, then waits (Orthanc takes 2-4 s), SIGKILL after 15 s. */
void        hz_orthanc_stop              (HzOrthanc   *self);
gboolean    hz_orthanc_is_running        (HzOrthanc   *self);
void        hz_orthanc_free              (HzOrthanc   *self);

/* How the network is isolated, for the test log: set by
 * run-in-netns.sh; Orthanc listens on 0.0.0.0 with no way to bind. */
const char *hz_orthanc_isolation         (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HzOrthanc, hz_orthanc_free)

G_END_DECLS
