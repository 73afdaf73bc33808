/* test-multipart-reader.c: the incremental multipart/related reader. */
#include "config.h"

#include <string.h>

#include "hz-dicomweb-error.h"
#include "hz-multipart-reader.h"

#define BOUNDARY "c30b6098-7089-462e-bf4b-23fb733c61d1"

typedef struct {
  GPtrArray *bodies;
  GPtrArray *types;
} Parts;

static void
part_cb (const char *content_type,
         GBytes     *body,
         gpointer    user_data)
{
  Parts *parts = user_data;

  g_ptr_array_add (parts->bodies, g_bytes_ref (body));
  g_ptr_array_add (parts->types, g_strdup (content_type));
}

static void
parts_init (Parts *parts)
{
  parts->bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  parts->types = g_ptr_array_new_with_free_func (g_free);
}

static void
parts_clear (Parts *parts)
{
  g_ptr_array_unref (parts->bodies);
  g_ptr_array_unref (parts->types);
}

/* A body with n parts whose content holds bytes that look like, but are
 * not, delimiters: "\r\n--" + a prefix of the boundary. */
static GByteArray *
make_body (guint n)
{
  GByteArray *body = g_byte_array_new ();
  GString *s = g_string_new ("preamble to ignore\r\n");

  for (guint i = 0; i < n; i++)
    {
      g_string_append (s, "--" BOUNDARY "\r\n");
      g_string_append (s, "Content-Type: application/dicom\r\n");
      g_string_append_printf (s, "Content-Length: %u\r\n\r\n", 24 + i);
      g_string_append_printf (s, "part %02u \r\n--c30b6098 ", i);
      for (guint j = 0; j < 6 + i; j++)
        g_string_append_c (s, (char) ('a' + j));
      g_string_append (s, "\r\n");
    }
  g_string_append (s, "--" BOUNDARY "--\r\nepilogue");
  g_byte_array_append (body, (const guint8 *) s->str, s->len);
  g_string_free (s, TRUE);
  return body;
}

static void
check_parts (Parts *parts,
             guint  n)
{
  g_assert_cmpuint (parts->bodies->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      GBytes *body = g_ptr_array_index (parts->bodies, i);
      g_autofree char *expected = g_strdup_printf ("part %02u \r\n--c30b6098 ", i);
      gsize len;
      const char *data = g_bytes_get_data (body, &len);

      g_assert_cmpuint (len, ==, strlen (expected) + 6 + i);
      g_assert_true (memcmp (data, expected, strlen (expected)) == 0);
      g_assert_cmpint (data[len - 1], ==, 'a' + 5 + i);
      g_assert_cmpstr (g_ptr_array_index (parts->types, i), ==, "application/dicom");
    }
}

/* Every chunk size from 1 byte to the whole body gives the same parts. */
static void
test_chunks (void)
{
  g_autoptr(GByteArray) body = make_body (5);

  for (gsize chunk = 1; chunk <= body->len; chunk += (chunk < 80 ? 1 : 37))
    {
      g_autoptr(HzMultipartReader) reader = NULL;
      g_autoptr(GError) error = NULL;
      Parts parts;

      parts_init (&parts);
      reader = hz_multipart_reader_new (BOUNDARY, 1024, part_cb, &parts);
      for (gsize pos = 0; pos < body->len; pos += chunk)
        g_assert_true (hz_multipart_reader_feed (reader, body->data + pos, MIN (chunk, body->len - pos), &error));
      g_assert_no_error (error);
      g_assert_true (hz_multipart_reader_finish (reader, &error));
      g_assert_no_error (error);
      check_parts (&parts, 5);
      g_assert_cmpuint (hz_multipart_reader_get_n_parts (reader), ==, 5);
      parts_clear (&parts);
    }
}

/* A part arrives as soon as its delimiter does, not at the end. */
static void
test_streaming (void)
{
  g_autoptr(GByteArray) body = make_body (3);
  g_autoptr(HzMultipartReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  const char *second = strstr ((const char *) body->data, "part 01");
  gsize upto = (const guint8 *) second - body->data;
  Parts parts;

  parts_init (&parts);
  reader = hz_multipart_reader_new (BOUNDARY, 1024, part_cb, &parts);
  g_assert_true (hz_multipart_reader_feed (reader, body->data, upto, &error));
  g_assert_cmpuint (parts.bodies->len, ==, 1);
  g_assert_true (hz_multipart_reader_feed (reader, body->data + upto, body->len - upto, &error));
  g_assert_no_error (error);
  check_parts (&parts, 3);
  parts_clear (&parts);
}

static void
expect_error (const char *text,
              gsize       max_part,
              int         code,
              gboolean    at_finish)
{
  g_autoptr(HzMultipartReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  Parts parts;
  gboolean ok;

  parts_init (&parts);
  reader = hz_multipart_reader_new (BOUNDARY, max_part, part_cb, &parts);
  ok = hz_multipart_reader_feed (reader, (const guint8 *) text, strlen (text), &error);
  if (at_finish)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
      ok = hz_multipart_reader_finish (reader, &error);
    }
  g_assert_false (ok);
  g_assert_error (error, HZ_DICOMWEB_ERROR, code);
  g_assert_nonnull (error->message);
  parts_clear (&parts);
}

static void
test_malformed (void)
{
  /* No boundary anywhere. */
  expect_error ("just some bytes", 1024, HZ_DICOMWEB_ERROR_BAD_MULTIPART, TRUE);
  /* Cut off in the middle of a part. */
  expect_error ("--" BOUNDARY "\r\n\r\nhalf a pa", 1024, HZ_DICOMWEB_ERROR_BAD_MULTIPART, TRUE);
  /* Cut off after a part, without the close delimiter. */
  expect_error ("--" BOUNDARY "\r\n\r\nbody\r\n--" BOUNDARY "\r\n", 1024,
                HZ_DICOMWEB_ERROR_BAD_MULTIPART, TRUE);
  /* Garbage right after a boundary. */
  expect_error ("--" BOUNDARY "garbage\r\n\r\nbody\r\n--" BOUNDARY "--", 1024,
                HZ_DICOMWEB_ERROR_BAD_MULTIPART, FALSE);
}

static void
test_bounds (void)
{
  g_autofree char *big = NULL;
  g_autofree char *headers = g_strnfill (20000, 'h');
  g_autofree char *long_headers = g_strconcat ("--" BOUNDARY "\r\nX: ", headers, NULL);

  /* Over the bound by content, without any Content-Length … */
  big = g_strconcat ("--" BOUNDARY "\r\n\r\n", headers, NULL);
  expect_error (big, 100, HZ_DICOMWEB_ERROR_TOO_LARGE, FALSE);
  /* … or refused up front by its Content-Length. */
  expect_error ("--" BOUNDARY "\r\nContent-Length: 5000\r\n\r\nsmall", 100,
                HZ_DICOMWEB_ERROR_TOO_LARGE, FALSE);
  /* Headers that never end. */
  expect_error (long_headers, 1 << 20, HZ_DICOMWEB_ERROR_BAD_MULTIPART, FALSE);
}

/* Empty parts, no part headers, transport padding, and a boundary at the
 * very start are all allowed by RFC 2046. */
static void
test_edge_cases (void)
{
  const char *text = "--" BOUNDARY "  \t\r\n\r\n\r\n--" BOUNDARY "\r\n\r\nx\r\n--" BOUNDARY "--";
  g_autoptr(HzMultipartReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  Parts parts;

  parts_init (&parts);
  reader = hz_multipart_reader_new (BOUNDARY, 10, part_cb, &parts);
  g_assert_true (hz_multipart_reader_feed (reader, (const guint8 *) text, strlen (text), &error));
  g_assert_true (hz_multipart_reader_finish (reader, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (parts.bodies->len, ==, 2);
  g_assert_cmpuint (g_bytes_get_size (g_ptr_array_index (parts.bodies, 0)), ==, 0);
  g_assert_cmpuint (g_bytes_get_size (g_ptr_array_index (parts.bodies, 1)), ==, 1);
  g_assert_null (g_ptr_array_index (parts.types, 0));
  parts_clear (&parts);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dicomweb/multipart/chunks", test_chunks);
  g_test_add_func ("/dicomweb/multipart/streaming", test_streaming);
  g_test_add_func ("/dicomweb/multipart/malformed", test_malformed);
  g_test_add_func ("/dicomweb/multipart/bounds", test_bounds);
  g_test_add_func ("/dicomweb/multipart/edge-cases", test_edge_cases);
  return g_test_run ();
}
