/* hz-log-chain.c: the canonical form of an event and its SHA-256.
 *
 * An event is hashed as the canonical JSON (RFC 8785 ordering) of
 *   {"actor","consult","kind","payload","prev","seq","time"}
 * where payload is already canonical, prev is the previous event's hash
 * and time is ISO 8601 UTC with microseconds. "consult" is left out for
 * events outside any consult. Covering prev makes it a chain; covering
 * seq pins each event to its position. docs/consult-log.md spells it out
 * for auditors who want to check a log with their own tools. */
#include "config.h"

#include <string.h>
#include <time.h>

#include "hz-canonical-json.h"
#include "hz-log-chain.h"

/* Formats by hand: this runs for every event in verify, where
 * GDateTime's allocations would be most of the cost. */
void
hz_log_chain_format_time (gint64 time_us,
                          char   out[32])
{
  time_t secs = (time_t) (time_us / G_USEC_PER_SEC);
  gint64 micros = time_us % G_USEC_PER_SEC;
  struct tm tm;

  if (micros < 0)
    {
      micros += G_USEC_PER_SEC;
      secs -= 1;
    }
  gmtime_r (&secs, &tm);
  g_snprintf (out, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
              tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
              tm.tm_hour, tm.tm_min, tm.tm_sec, (int) micros);
}

void
hz_log_chain_write_event (GString    *out,
                          gint64      seq,
                          gint64      time_us,
                          const char *consult_id,
                          const char *actor,
                          const char *kind,
                          const char *payload,
                          const char *prev_hash,
                          const char *hash)
{
  char when[32];

  hz_log_chain_format_time (time_us, when);

  g_string_append (out, "{\"actor\":");
  hz_canonical_json_write_string (out, actor);
  if (consult_id != NULL)
    {
      g_string_append (out, ",\"consult\":");
      hz_canonical_json_write_string (out, consult_id);
    }
  if (hash != NULL)
    {
      g_string_append (out, ",\"hash\":");
      hz_canonical_json_write_string (out, hash);
    }
  g_string_append (out, ",\"kind\":");
  hz_canonical_json_write_string (out, kind);
  g_string_append (out, ",\"payload\":");
  g_string_append (out, payload);
  g_string_append (out, ",\"prev\":");
  hz_canonical_json_write_string (out, prev_hash);
  g_string_append_printf (out, ",\"seq\":%" G_GINT64_FORMAT ",\"time\":\"%s\"}", seq, when);
}

void
hz_log_chain_sha256_hex (const char *data,
                         gsize       length,
                         char        out_hex[HZ_LOG_HASH_HEX_LEN + 1])
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  g_checksum_update (sum, (const guchar *) data, length);
  memcpy (out_hex, g_checksum_get_string (sum), HZ_LOG_HASH_HEX_LEN + 1);
}

void
hz_log_chain_hash_event (GString    *scratch,
                         gint64      seq,
                         gint64      time_us,
                         const char *consult_id,
                         const char *actor,
                         const char *kind,
                         const char *payload,
                         const char *prev_hash,
                         char        out_hex[HZ_LOG_HASH_HEX_LEN + 1])
{
  g_string_truncate (scratch, 0);
  hz_log_chain_write_event (scratch, seq, time_us, consult_id, actor, kind,
                            payload, prev_hash, NULL);
  hz_log_chain_sha256_hex (scratch->str, scratch->len, out_hex);
}
