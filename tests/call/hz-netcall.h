/* hz-netcall.h: a call over the impaired link, for test-call-netsim and
 * bench-call-netsim: the hub in namespace A on 10.201.0.1, the callee
 * (dr.chen, the county hospital) in A, the caller (dr.zhou, the township
 * clinic) in B behind hz-impair, each an hz-call-peer process printing
 * JSON lines. */
#pragma once

#include <stdio.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "hz-netsim.h"

G_BEGIN_DECLS

typedef struct {
  char             *name;
  GSubprocess      *process;
  GDataInputStream *out;
  GPtrArray        *events;   /* JsonObject*, in the order printed */
  gboolean          eof;
  FILE             *log;      /* every line, when HZ_NETCALL_LOG_DIR is set */
} HzNetPeer;

typedef struct {
  HzNetsim    *net;
  GSubprocess *hub;
  char        *hub_url;     /* http://10.201.0.1:PORT/ */
  char        *data_dir;
  char        *consult;
  HzNetPeer   *caller;      /* dr.zhou in B */
  HzNetPeer   *callee;      /* dr.chen in A */
} HzNetcall;

/* The link (options for hz-impair, NULL-terminated) and the hub in A with
 * a fresh live consult between dr.zhou and dr.chen. */
HzNetcall  *hz_netcall_up          (const char * const *link_options,
                                    GError            **error);
/* Starts the callee, waits for it to be signed in, then the caller.
 * peer_args (NULL-terminated) go to both hz-call-peer processes. */
gboolean    hz_netcall_start_call  (HzNetcall          *nc,
                                    const char * const *peer_args,
                                    GError            **error);
void        hz_netcall_free        (HzNetcall          *nc);

/* Runs the main context for ms milliseconds (the peers' output is read
 * meanwhile). */
void        hz_netcall_pump        (guint               ms);
/* Waits until the peer printed an event (with field == value when field
 * is not NULL) after index from; returns its index, or -1 on timeout or
 * when the peer exited. */
int         hz_net_peer_wait       (HzNetPeer          *peer,
                                    guint               from,
                                    const char         *event,
                                    const char         *field,
                                    const char         *value,
                                    guint               timeout_ms);
const char *hz_net_event_str       (JsonObject         *event,
                                    const char         *member);
double      hz_net_event_num       (JsonObject         *event,
                                    const char         *member);
/* CPU time the peer's threads ran and waited for a CPU while runnable
 * (/proc/PID/task/TID/schedstat), in seconds; FALSE when unreadable. On a
 * loaded machine the waiting shows what the figures owe to the load. */
gboolean    hz_net_peer_cpu        (HzNetPeer          *peer,
                                    double             *run_s,
                                    double             *wait_s);
/* The last "state" the peer printed, or "". */
const char *hz_net_peer_state      (HzNetPeer          *peer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HzNetcall, hz_netcall_free)

G_END_DECLS
