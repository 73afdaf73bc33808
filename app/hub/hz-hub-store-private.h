/* hz-hub-store-private.h: what the store's two halves share — the
 * object itself and the statement helpers around SQLite. */
#pragma once

#include <sqlite3.h>

#include "hz-hub-store.h"

G_BEGIN_DECLS

struct _HzHubStore {
  GObject  parent_instance;
  sqlite3 *db;
  /* Tests only (HUIZHEN_HUB_TEST_CRASH_AFTER_COMMIT=1): die right after
   * committing an action that carries an idempotency key, before any
   * answer is sent, as a power cut there would. */
  gboolean crash_after_commit;
  GHashTable *statements;  /* SQL text → prepared statement, kept */
  guint64  commits;        /* transactions committed so far */
  guint64  synced;         /* … of which the WAL holds durably */
};

gboolean      _hz_hub_store_set_error (HzHubStore   *self,
                                       int           rc,
                                       GError      **error);
gboolean      _hz_hub_store_exec      (HzHubStore   *self,
                                       const char   *sql,
                                       GError      **error);
void          _hz_hub_store_release   (sqlite3_stmt *stmt);
sqlite3_stmt *_hz_hub_store_prepare   (HzHubStore   *self,
                                       const char   *sql,
                                       GError      **error,
                                       ...);
gboolean      _hz_hub_store_run       (HzHubStore   *self,
                                       sqlite3_stmt *stmt,
                                       GError      **error);
char         *_hz_hub_store_col       (sqlite3_stmt *stmt,
                                       int           i);

G_END_DECLS
