/* hz-dicom-error.h: the error domain shared by DICOM parsing and decoding. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HZ_DICOM_ERROR (hz_dicom_error_quark ())

typedef enum {
  HZ_DICOM_ERROR_NOT_DICOM,        /* no DICOM structure at all */
  HZ_DICOM_ERROR_TRUNCATED,        /* the data ends inside an element */
  HZ_DICOM_ERROR_MALFORMED,        /* lengths or structure that do not add up */
  HZ_DICOM_ERROR_TOO_DEEP,         /* sequences nested beyond the limit */
  HZ_DICOM_ERROR_TOO_LARGE,        /* beyond the memory limits */
  HZ_DICOM_ERROR_UNSUPPORTED,      /* a transfer syntax or pixel layout we do not decode */
  HZ_DICOM_ERROR_MISSING,          /* a required attribute is absent */
  HZ_DICOM_ERROR_CODEC,            /* a compressed frame failed to decode */
  HZ_DICOM_ERROR_CHARSET,          /* text in a character set we cannot convert */
  HZ_DICOM_ERROR_IO,               /* the file could not be read */
} HzDicomError;

/* Limits on what we accept from outside. */
#define HZ_DICOM_MAX_DEPTH        16                     /* nested sequences */
#define HZ_DICOM_MAX_FRAME_BYTES  (512u * 1024 * 1024)   /* one decoded frame */
#define HZ_DICOM_MAX_INFLATED     (1024u * 1024 * 1024)  /* a deflated data set */
#define HZ_DICOM_MAX_FILE_BYTES   (G_GUINT64_CONSTANT (2) * 1024 * 1024 * 1024)

GQuark hz_dicom_error_quark (void);

G_END_DECLS
