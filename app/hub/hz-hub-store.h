/* hz-hub-store.h: the hub's SQLite store. */
#pragma once

#include <glib-object.h>

#include "hz-hub-records.h"

G_BEGIN_DECLS

#define HZ_HUB_STORE_ERROR (hz_hub_store_error_quark ())

typedef enum {
  HZ_HUB_STORE_ERROR_FAILED,
  HZ_HUB_STORE_ERROR_NOT_FOUND,
  HZ_HUB_STORE_ERROR_EXISTS,
  HZ_HUB_STORE_ERROR_CONFLICT,    /* changed by someone else meanwhile */
  HZ_HUB_STORE_ERROR_TOO_NEW,
} HzHubStoreError;

typedef enum {
  HZ_HUB_BOX_ALL,        /* everything the user may see */
  HZ_HUB_BOX_INCOMING,   /* addressed to the user or their department */
  HZ_HUB_BOX_OUTGOING,   /* sent by the user */
} HzHubBox;

/* The answer kept for a client's Idempotency-Key. It is written in the
 * same transaction as the action it answers, so a crash can never leave
 * an action done without its answer (a retry would act twice). */
typedef struct {
  const char *user_id;
  const char *key;
  guint       status;
  const char *body;
} HzHubIdempotent;

#define HZ_TYPE_HUB_STORE (hz_hub_store_get_type ())
G_DECLARE_FINAL_TYPE (HzHubStore, hz_hub_store, HZ, HUB_STORE, GObject)

GQuark        hz_hub_store_error_quark     (void);
HzHubStore   *hz_hub_store_open            (const char       *path,
                                            GError          **error);

guint64       hz_hub_store_commits         (HzHubStore       *self);
gboolean      hz_hub_store_unsynced        (HzHubStore       *self);
gboolean      hz_hub_store_sync            (HzHubStore       *self,
                                            GError          **error);

gboolean      hz_hub_store_add_institution (HzHubStore       *self,
                                            const char       *id,
                                            const char       *name,
                                            const char       *name_en,
                                            const char       *level,
                                            GError          **error);
gboolean      hz_hub_store_add_department  (HzHubStore       *self,
                                            const char       *id,
                                            const char       *institution_id,
                                            const char       *name,
                                            const char       *name_en,
                                            GError          **error);
gboolean      hz_hub_store_add_user        (HzHubStore       *self,
                                            const HzHubUser  *user,
                                            const char       *password_hash,
                                            GError          **error);
HzHubUser    *hz_hub_store_get_user        (HzHubStore       *self,
                                            const char       *user_id,
                                            char            **password_hash,
                                            GError          **error);
char         *hz_hub_store_department_institution (HzHubStore *self,
                                            const char       *department_id);
JsonNode     *hz_hub_store_directory       (HzHubStore       *self,
                                            GError          **error);
gboolean      hz_hub_store_is_empty        (HzHubStore       *self);

gboolean      hz_hub_store_add_token       (HzHubStore       *self,
                                            const char       *token,
                                            const char       *user_id,
                                            gint64            expires_us,
                                            GError          **error);
HzHubUser    *hz_hub_store_user_for_token  (HzHubStore       *self,
                                            const char       *token,
                                            gint64            now_us);
void          hz_hub_store_delete_token    (HzHubStore       *self,
                                            const char       *token);

gint64        hz_hub_store_create_consult  (HzHubStore       *self,
                                            const HzHubConsult *consult,
                                            const char       *bundle,
                                            const HzHubIdempotent *idem,
                                            GError          **error);
HzHubConsult *hz_hub_store_get_consult     (HzHubStore       *self,
                                            const char       *consult_id,
                                            GError          **error);
gint64        hz_hub_store_update_consult  (HzHubStore       *self,
                                            const HzHubConsult *consult,
                                            HzConsultState    expected_state,
                                            const char       *actor,
                                            const char       *kind,
                                            const char       *payload,
                                            const HzHubIdempotent *idem,
                                            GError          **error);
GPtrArray    *hz_hub_store_list_consults   (HzHubStore       *self,
                                            const HzHubUser  *user,
                                            HzHubBox          box,
                                            gint              state,
                                            GError          **error);
GPtrArray    *hz_hub_store_consults_in_state (HzHubStore     *self,
                                            HzConsultState    state);
GPtrArray    *hz_hub_store_due_for_expiry  (HzHubStore       *self,
                                            gint64            now_us);
char         *hz_hub_store_get_bundle      (HzHubStore       *self,
                                            const char       *consult_id);

gint64        hz_hub_store_append_event    (HzHubStore       *self,
                                            const char       *consult_id,
                                            const char       *actor,
                                            const char       *kind,
                                            const char       *payload,
                                            GError          **error);
gint64        hz_hub_store_last_seq        (HzHubStore       *self);
GPtrArray    *hz_hub_store_events          (HzHubStore       *self,
                                            const char       *consult_id,
                                            gint64            after_seq,
                                            guint             limit);

gboolean      hz_hub_store_add_attachment  (HzHubStore       *self,
                                            const char       *consult_id,
                                            const char       *sha256,
                                            const char       *content_type,
                                            const char       *filename,
                                            GBytes           *data,
                                            const char       *actor,
                                            const HzHubIdempotent *idem,
                                            GError          **error);
GBytes       *hz_hub_store_get_attachment  (HzHubStore       *self,
                                            const char       *consult_id,
                                            const char       *sha256,
                                            char            **content_type);
JsonNode     *hz_hub_store_list_attachments (HzHubStore      *self,
                                            const char       *consult_id);

gboolean      hz_hub_store_idempotent_get  (HzHubStore       *self,
                                            const char       *user_id,
                                            const char       *key,
                                            guint            *status,
                                            char            **body);

G_END_DECLS
