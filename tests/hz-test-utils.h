/* hz-test-utils.h: small helpers shared by the test programs. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char  *hz_test_tmpdir          (void);
void   hz_test_rmdir           (const char *dir);
char  *hz_test_sqlite3         (const char *db_path,
                                const char *sql);
GBytes *hz_test_read_file      (const char *path);

/* One line of JSON (or any text) on stdout, flushed at once: what the
 * peer processes (hz-call-peer, hz-sharedview-peer) tell their
 * controller. */
void   hz_test_emit_line       (const char *format,
                                ...) G_GNUC_PRINTF (1, 2);

/* For tests that run GStreamer calls: see hz-test-utils.c. */
void   hz_test_tolerate_gstreamer_criticals (void);

G_END_DECLS
