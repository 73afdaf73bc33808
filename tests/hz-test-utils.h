/* hz-test-utils.h: small helpers shared by the test programs. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char  *hz_test_tmpdir          (void);
void   hz_test_rmdir           (const char *dir);
char  *hz_test_sqlite3         (const char *db_path,
                                const char *sql);
GBytes *hz_test_read_file      (const char *path);

/* For tests that run GStreamer calls: see hz-test-utils.c. */
void   hz_test_tolerate_gstreamer_criticals (void);

G_END_DECLS
