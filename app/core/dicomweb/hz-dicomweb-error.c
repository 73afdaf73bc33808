/* hz-dicomweb-error.c: the error domain shared by the DICOMweb files. */
#include "config.h"

#include "hz-dicomweb-error.h"

G_DEFINE_QUARK (hz-dicomweb-error-quark, hz_dicomweb_error)
