/* hz-consult-log-private.h: what the log's own files share. */
#pragma once

#include <sqlite3.h>

#include "hz-consult-log.h"
#include "hz-log-chain.h"

G_BEGIN_DECLS

typedef enum {
  STMT_BEGIN,
  STMT_COMMIT,
  STMT_ROLLBACK,
  STMT_HEAD,
  STMT_INSERT_EVENT,
  STMT_SET_HEAD,
  N_STMTS
} HzLogStmt;

struct _HzConsultLog {
  GObject       parent_instance;

  char         *path;
  sqlite3      *db;
  sqlite3_stmt *stmts[N_STMTS];
  GString      *scratch;   /* reused canonical-form buffer */
};

/* An event ready to go in: validated, payload canonical. */
typedef struct {
  const char *consult_id;
  const char *actor;
  const char *kind;
  char       *payload;
} HzLogPending;

/* The newest event, carried through a batch so it is read only once. */
typedef struct {
  gint64 seq;
  char   hash[HZ_LOG_HASH_HEX_LEN + 1];
} HzLogHead;

HzConsultLogError hz_consult_log_error_from_sqlite (int rc);
void     hz_consult_log_set_sqlite_error   (GError      **error,
                                            sqlite3      *db,
                                            int           rc,
                                            const char   *context);

sqlite3_stmt *_hz_consult_log_prepare      (HzConsultLog *self,
                                            const char   *sql,
                                            GError      **error);
gboolean _hz_consult_log_begin             (HzConsultLog *self,
                                            GError      **error);
gboolean _hz_consult_log_commit            (HzConsultLog *self,
                                            GError      **error);
void     _hz_consult_log_rollback          (HzConsultLog *self);
gboolean _hz_consult_log_validate          (const HzLogDraft *draft,
                                            HzLogPending     *pending,
                                            GError          **error);
gboolean _hz_consult_log_read_head         (HzConsultLog *self,
                                            HzLogHead    *head,
                                            GError      **error);
gboolean _hz_consult_log_insert            (HzConsultLog       *self,
                                            HzLogHead          *head,
                                            const HzLogPending *pending,
                                            gint64              time_us,
                                            GError            **error);
gboolean _hz_consult_log_write_head        (HzConsultLog *self,
                                            const HzLogHead *head,
                                            GError      **error);
gint64   _hz_consult_log_append_in_txn     (HzConsultLog *self,
                                            const char   *consult_id,
                                            const char   *actor,
                                            const char   *kind,
                                            const char   *payload,
                                            GError      **error);

G_END_DECLS
