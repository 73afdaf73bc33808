/* hz-dicom-dictionary.c: the value representations of the attributes we
 * read, for implicit-VR data sets that do not carry them. A full data
 * dictionary is thousands of entries we would never consult. */
#include "config.h"

#include "hz-dicom-dataset-private.h"

typedef struct {
  guint32 tag;
  char    vr[3];
} Entry;

/* Sorted by tag: looked up by bisection. */
static const Entry entries[] = {
  { 0x00080005, "CS" }, { 0x00080008, "CS" }, { 0x00080016, "UI" }, { 0x00080018, "UI" },
  { 0x00080020, "DA" }, { 0x00080021, "DA" }, { 0x00080030, "TM" }, { 0x00080050, "SH" },
  { 0x00080060, "CS" }, { 0x00080070, "LO" }, { 0x00080080, "LO" }, { 0x00080090, "PN" },
  { 0x00080100, "SH" }, { 0x00080102, "SH" }, { 0x00080104, "LO" }, { 0x00081030, "LO" },
  { 0x0008103e, "LO" }, { 0x00081050, "PN" }, { 0x00081110, "SQ" }, { 0x00081111, "SQ" },
  { 0x00081115, "SQ" }, { 0x00081140, "SQ" }, { 0x00081250, "SQ" }, { 0x00082112, "SQ" },
  { 0x00089215, "SQ" }, { 0x00100010, "PN" }, { 0x00100020, "LO" }, { 0x00100030, "DA" },
  { 0x00100040, "CS" }, { 0x00101010, "AS" }, { 0x00180015, "CS" }, { 0x00180050, "DS" },
  { 0x00185101, "CS" }, { 0x0020000d, "UI" }, { 0x0020000e, "UI" }, { 0x00200010, "SH" },
  { 0x00200011, "IS" }, { 0x00200013, "IS" }, { 0x00200032, "DS" }, { 0x00200037, "DS" },
  { 0x00201041, "DS" }, { 0x00280002, "US" }, { 0x00280004, "CS" }, { 0x00280006, "US" },
  { 0x00280008, "IS" }, { 0x00280010, "US" }, { 0x00280011, "US" }, { 0x00280030, "DS" },
  { 0x00280100, "US" }, { 0x00280101, "US" }, { 0x00280102, "US" }, { 0x00280103, "US" },
  { 0x00281050, "DS" }, { 0x00281051, "DS" }, { 0x00281052, "DS" }, { 0x00281053, "DS" },
  { 0x00281054, "LO" }, { 0x00281055, "LO" },
  /* Palette descriptors are "US or SS": read as US, the palette code
   * reinterprets the first mapped value as the pixels are signed. */
  { 0x00281101, "US" }, { 0x00281102, "US" }, { 0x00281103, "US" }, { 0x00281201, "OW" },
  { 0x00281202, "OW" }, { 0x00281203, "OW" }, { 0x00281221, "OW" }, { 0x00281222, "OW" },
  { 0x00281223, "OW" }, { 0x00282110, "CS" }, { 0x00283000, "SQ" },
  { 0x00283010, "SQ" }, { 0x003a0005, "US" }, { 0x003a0010, "UL" }, { 0x003a001a, "DS" },
  { 0x003a0020, "SH" }, { 0x003a0200, "SQ" }, { 0x003a0202, "IS" }, { 0x003a0203, "SH" },
  { 0x003a0208, "SQ" }, { 0x003a0210, "DS" }, { 0x003a0211, "SQ" }, { 0x003a0212, "DS" },
  { 0x003a0213, "DS" }, { 0x003a0214, "DS" }, { 0x003a021a, "US" }, { 0x00400275, "SQ" },
  { 0x0040a043, "SQ" }, { 0x0040a168, "SQ" }, { 0x0040a730, "SQ" }, { 0x52009229, "SQ" },
  { 0x52009230, "SQ" }, { 0x54000100, "SQ" }, { 0x54001004, "US" }, { 0x54001006, "CS" },
  { 0x54001010, "OW" }, { 0x7fe00010, "OW" },
};

const char *
_hz_dicom_dictionary_vr (guint32 tag)
{
  gsize lo = 0, hi = G_N_ELEMENTS (entries);

  if ((tag & 0xffff) == 0 && tag != 0)
    return "UL";  /* group lengths */
  while (lo < hi)
    {
      gsize mid = (lo + hi) / 2;

      if (entries[mid].tag == tag)
        return entries[mid].vr;
      if (entries[mid].tag < tag)
        lo = mid + 1;
      else
        hi = mid;
    }
  return "UN";
}
