/* hz-log-schema.h: the consultation log's tables and their migrations. */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* 'HZLG': tells our databases apart from any other SQLite file. */
#define HZ_LOG_APPLICATION_ID 0x485a4c47

typedef struct {
  guint       version;  /* user_version once this step is applied */
  const char *sql;
} HzLogMigration;

guint    hz_log_schema_latest_version (void);
gboolean hz_log_schema_check          (sqlite3               *db,
                                       guint                  latest,
                                       guint                 *current,
                                       GError               **error);
gboolean hz_log_schema_migrate        (sqlite3               *db,
                                       GError               **error);

/* For tests: run an arbitrary list of steps the way the real list runs. */
gboolean hz_log_schema_migrate_with   (sqlite3               *db,
                                       const HzLogMigration  *steps,
                                       guint                  n_steps,
                                       GError               **error);

G_END_DECLS
