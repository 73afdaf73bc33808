/* hz-netsim.h: the impaired test network (netsim.sh + hz-impair) from C:
 * two namespaces A and B joined through the relay, for GTest programs. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  char *script;   /* netsim.sh */
  char *name;     /* unique per topology: namespaces NAME-a, NAME-b, NAME-r */
  char *addr_a;   /* peer A's IPv4 address, as B sees it */
  char *addr_b;
} HzNetsim;

/* TRUE when this machine can build the topology; otherwise FALSE and a
 * reason for g_test_skip (no root, no namespaces). A broken set-up (the
 * relay binary missing) is a test failure, not a skip. */
gboolean     hz_netsim_available (char       **reason);

/* Builds a topology owned by this process; the options go to hz-impair
 * ("--rate", "384kbit", "--delay", "75ms", …, NULL). */
HzNetsim    *hz_netsim_up        (GError     **error,
                                  const char  *first_option,
                                  ...) G_GNUC_NULL_TERMINATED;
void         hz_netsim_free      (HzNetsim    *net);

/* argv prefixed so that it runs inside namespace "A", "B" or "R". */
char       **hz_netsim_argv      (HzNetsim    *net,
                                  const char  *side,
                                  const char * const *argv);
GSubprocess *hz_netsim_spawn     (HzNetsim    *net,
                                  const char  *side,
                                  GSubprocessFlags flags,
                                  GError     **error,
                                  const char  *argv0,
                                  ...) G_GNUC_NULL_TERMINATED;

/* "cut", "restore", "cut a2b", "set rate=384kbit delay=75ms loss=3 queue=50",
 * "set b2a delay=10ms": in effect when this returns. */
gboolean     hz_netsim_control   (HzNetsim    *net,
                                  const char  *command,
                                  GError     **error);
/* The relay's counters, one line per direction ("a2b forwarded=… lost=…"). */
char        *hz_netsim_stats     (HzNetsim    *net,
                                  GError     **error);
/* A "key=value" number from a line starting with prefix (e.g. "a2b") in
 * text such as hz_netsim_stats or the probe's output; -1 if absent. */
double       hz_netsim_value     (const char  *text,
                                  const char  *prefix,
                                  const char  *key);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HzNetsim, hz_netsim_free)

G_END_DECLS
