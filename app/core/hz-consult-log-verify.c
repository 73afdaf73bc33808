/* hz-consult-log-verify.c: walking the chain to find the first break.
 *
 * Runs without parsing any JSON: stored payloads are already canonical,
 * so each event's canonical form is rebuilt by concatenation and hashed.
 * Any edit of a stored payload changes that hash, so it still shows. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hz-consult-log-private.h"

void
hz_log_verify_report_clear (HzLogVerifyReport *report)
{
  g_clear_pointer (&report->detail, g_free);
  memset (report, 0, sizeof *report);
}

static void
report_break (HzLogVerifyReport *report,
              HzLogChainProblem  problem,
              gint64             position,
              gint64             seq,
              char              *detail)
{
  report->problem = problem;
  report->position = position;
  report->seq = seq;
  report->detail = detail;
}

static const char *
text_or_empty (sqlite3_stmt *stmt,
               int           col)
{
  const char *text = (const char *) sqlite3_column_text (stmt, col);
  return text ? text : "";
}

/* Checks one row against the one before it; FALSE once the chain broke. */
static gboolean
check_row (HzConsultLog      *self,
           sqlite3_stmt      *stmt,
           gint64             position,
           HzLogHead         *prev,
           HzLogVerifyReport *report)
{
  char expected[HZ_LOG_HASH_HEX_LEN + 1];
  gint64 seq = sqlite3_column_int64 (stmt, 0);
  const char *prev_hash = text_or_empty (stmt, 6);
  const char *hash = text_or_empty (stmt, 7);

  if (seq != position)
    {
      report_break (report, HZ_LOG_CHAIN_EVENT_MISSING, position, seq,
                    g_strdup_printf (_("Event %lld is missing: the log goes "
                                       "from event %lld to event %lld (deleted)"),
                                     (long long) position, (long long) position - 1, (long long) seq));
      return FALSE;
    }
  if (strcmp (prev_hash, prev->hash) != 0)
    {
      report_break (report, HZ_LOG_CHAIN_LINK_BROKEN, position, seq,
                    g_strdup_printf (_("Event %lld does not follow the event "
                                       "before it (events reordered, inserted or deleted)"), (long long) seq));
      return FALSE;
    }
  hz_log_chain_hash_event (self->scratch, seq, sqlite3_column_int64 (stmt, 1),
                           (const char *) sqlite3_column_text (stmt, 2),
                           text_or_empty (stmt, 3), text_or_empty (stmt, 4),
                           text_or_empty (stmt, 5), prev_hash, expected);
  if (strcmp (expected, hash) != 0)
    {
      report_break (report, HZ_LOG_CHAIN_CONTENT_ALTERED, position, seq,
                    g_strdup_printf (_("Event %lld was changed after it was "
                                       "written: its content does not match its hash"), (long long) seq));
      return FALSE;
    }
  prev->seq = seq;
  memcpy (prev->hash, hash, sizeof prev->hash);
  return TRUE;
}

static gboolean
walk_events (HzConsultLog      *self,
             HzLogHead         *last,
             HzLogVerifyReport *report,
             GError           **error)
{
  sqlite3_stmt *stmt;
  gint64 position = 0;
  int rc;

  stmt = _hz_consult_log_prepare (self, "SELECT seq, time_us, consult_id, actor, kind, payload,"
                                        " prev_hash, hash FROM events ORDER BY seq", error);
  if (stmt == NULL)
    return FALSE;
  last->seq = 0;
  memcpy (last->hash, HZ_LOG_GENESIS_HASH, sizeof last->hash);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      position++;
      report->n_events = position;
      if (!check_row (self, stmt, position, last, report))
        {
          rc = SQLITE_DONE;
          break;
        }
    }
  sqlite3_finalize (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  hz_consult_log_set_sqlite_error (error, self->db, rc, _("Could not read the consultation log"));
  return FALSE;
}

/* The head stored beside the chain must name its last event. */
static gboolean
check_head (HzConsultLog      *self,
            const HzLogHead   *last,
            HzLogVerifyReport *report,
            GError           **error)
{
  g_autofree char *expected = NULL;
  g_autofree char *stored = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = _hz_consult_log_prepare (self, "SELECT value FROM meta WHERE key = 'head'", error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    stored = g_strdup (text_or_empty (stmt, 0));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      hz_consult_log_set_sqlite_error (error, self->db, rc, _("Could not read the consultation log"));
      return FALSE;
    }

  if (stored == NULL && last->seq == 0)
    return TRUE;  /* an empty log */
  expected = g_strdup_printf ("%" G_GINT64_FORMAT ":%s", last->seq, last->hash);
  if (g_strcmp0 (stored, expected) != 0)
    report_break (report, HZ_LOG_CHAIN_TRUNCATED, last->seq + 1, last->seq,
                  g_strdup_printf (_("The log ends at event %lld, but its "
                                     "recorded last event is “%s” (events removed from the end)"),
                                   (long long) last->seq, stored ? stored : _("missing")));
  return TRUE;
}

/* Each stored opinion must still hash to what its event recorded. */
static gboolean
check_opinions (HzConsultLog      *self,
                HzLogVerifyReport *report,
                GError           **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = _hz_consult_log_prepare (self, "SELECT o.id, o.body, o.body_hash, e.payload ->> '$.body_hash',"
                                        " o.event_seq FROM opinions o LEFT JOIN events e"
                                        " ON e.seq = o.event_seq ORDER BY o.event_seq", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      char actual[HZ_LOG_HASH_HEX_LEN + 1];
      const char *body = text_or_empty (stmt, 1);

      hz_log_chain_sha256_hex (body, strlen (body), actual);
      if (strcmp (actual, text_or_empty (stmt, 2)) != 0 ||
          strcmp (actual, text_or_empty (stmt, 3)) != 0)
        {
          gint64 seq = sqlite3_column_int64 (stmt, 4);
          report_break (report, HZ_LOG_CHAIN_OPINION_ALTERED, seq, seq,
                        g_strdup_printf (_("The opinion %s was changed after it was signed: it "
                                           "does not match the hash recorded in event %lld"),
                                         text_or_empty (stmt, 0), (long long) seq));
          rc = SQLITE_DONE;
          break;
        }
    }
  sqlite3_finalize (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  hz_consult_log_set_sqlite_error (error, self->db, rc, _("Could not read the opinions"));
  return FALSE;
}

/**
 * hz_consult_log_verify:
 * @report: (out caller-allocates): what was found; clear it after
 *
 * Walks the whole chain in one read snapshot. Returns FALSE only when
 * the log could not be read; a broken chain is a successful verify with
 * report->problem set and the first broken link's position.
 */
gboolean
hz_consult_log_verify (HzConsultLog      *self,
                       HzLogVerifyReport *report,
                       GError           **error)
{
  HzLogHead last;
  gboolean ok;

  g_return_val_if_fail (HZ_IS_CONSULT_LOG (self), FALSE);
  g_return_val_if_fail (report != NULL, FALSE);

  memset (report, 0, sizeof *report);
  if (sqlite3_exec (self->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
    {
      hz_consult_log_set_sqlite_error (error, self->db, sqlite3_errcode (self->db),
                                       _("Could not read the consultation log"));
      return FALSE;
    }
  ok = walk_events (self, &last, report, error);
  if (ok && report->problem == HZ_LOG_CHAIN_INTACT)
    ok = check_head (self, &last, report, error);
  if (ok && report->problem == HZ_LOG_CHAIN_INTACT)
    ok = check_opinions (self, report, error);
  sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);
  return ok;
}
