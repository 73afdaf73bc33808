/* hz-log-chain.h: how one event of the consultation log is hashed. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HZ_LOG_HASH_HEX_LEN 64

/* The prev_hash of the first event. */
#define HZ_LOG_GENESIS_HASH "0000000000000000000000000000000000000000000000000000000000000000"

void  hz_log_chain_format_time (gint64      time_us,
                                char        out[32]);
void  hz_log_chain_write_event (GString    *out,
                                gint64      seq,
                                gint64      time_us,
                                const char *consult_id,
                                const char *actor,
                                const char *kind,
                                const char *payload,
                                const char *prev_hash,
                                const char *hash);
void  hz_log_chain_hash_event  (GString    *scratch,
                                gint64      seq,
                                gint64      time_us,
                                const char *consult_id,
                                const char *actor,
                                const char *kind,
                                const char *payload,
                                const char *prev_hash,
                                char        out_hex[HZ_LOG_HASH_HEX_LEN + 1]);
void  hz_log_chain_sha256_hex  (const char *data,
                                gsize       length,
                                char        out_hex[HZ_LOG_HASH_HEX_LEN + 1]);

G_END_DECLS
