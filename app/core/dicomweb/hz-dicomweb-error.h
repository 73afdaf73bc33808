/* hz-dicomweb-error.h: the error domain of the DICOMweb client. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HZ_DICOMWEB_ERROR (hz_dicomweb_error_quark ())

/* Cancellation is not here: it stays G_IO_ERROR_CANCELLED, as everywhere
 * in GIO, so callers can ignore it with one check. */
typedef enum {
  HZ_DICOMWEB_ERROR_FAILED,
  HZ_DICOMWEB_ERROR_INVALID_ARGUMENT,  /* a UID or URL we refuse to send */
  HZ_DICOMWEB_ERROR_UNREACHABLE,       /* no connection, DNS, TLS failure */
  HZ_DICOMWEB_ERROR_AUTH_FAILED,       /* HTTP 401 or 403 */
  HZ_DICOMWEB_ERROR_NOT_FOUND,         /* HTTP 404, or an empty search for a UID */
  HZ_DICOMWEB_ERROR_SERVER_ERROR,      /* HTTP 5xx */
  HZ_DICOMWEB_ERROR_BAD_RESPONSE,      /* other status, wrong type, bad JSON */
  HZ_DICOMWEB_ERROR_BAD_MULTIPART,     /* a multipart body we cannot split */
  HZ_DICOMWEB_ERROR_TOO_LARGE,         /* a part or answer over its bound */
  HZ_DICOMWEB_ERROR_CACHE,             /* the disk cache could not be used */
} HzDicomwebError;

GQuark hz_dicomweb_error_quark (void);

G_END_DECLS
