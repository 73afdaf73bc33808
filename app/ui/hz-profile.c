/* hz-profile.c: one profile's folder. `huizhen --profile NAME` gives a
 * second doctor on the same machine a folder of their own. Everything in
 * it may be patient-related: the folder is 0700, files 0600. */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "hz-profile.h"

struct _HzProfile
{
  GObject       parent_instance;
  char         *name;
  char         *data_dir;
  HzConsultLog *log;
};

G_DEFINE_FINAL_TYPE (HzProfile, hz_profile, G_TYPE_OBJECT)

static void
hz_profile_finalize (GObject *object)
{
  HzProfile *self = HZ_PROFILE (object);

  g_clear_object (&self->log);
  g_free (self->name);
  g_free (self->data_dir);
  G_OBJECT_CLASS (hz_profile_parent_class)->finalize (object);
}

static void
hz_profile_class_init (HzProfileClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hz_profile_finalize;
}

static void
hz_profile_init (HzProfile *self)
{
}

static gboolean
valid_name (const char *name)
{
  if (name == NULL || *name == '\0' || *name == '.' || strlen (name) > 64)
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return TRUE;
}

HzProfile *
hz_profile_new (const char *name,
                GError    **error)
{
  g_autoptr(HzProfile) self = NULL;

  if (name && !valid_name (name))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("A profile name may hold only letters, digits, “-”, “_” and “.”."));
      return NULL;
    }
  self = g_object_new (HZ_TYPE_PROFILE, NULL);
  self->name = g_strdup (name);
  if (name)
    self->data_dir = g_build_filename (g_get_user_data_dir (), "huizhen", "profiles", name, NULL);
  else
    self->data_dir = g_build_filename (g_get_user_data_dir (), "huizhen", NULL);
  if (g_mkdir_with_parents (self->data_dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot create the folder %s: %s"), self->data_dir, g_strerror (saved));
      return NULL;
    }
  g_chmod (self->data_dir, 0700);
  return g_steal_pointer (&self);
}

const char *
hz_profile_get_name (HzProfile *self)
{
  return self->name;
}

const char *
hz_profile_get_data_dir (HzProfile *self)
{
  return self->data_dir;
}

HzConsultLog *
hz_profile_get_log (HzProfile *self,
                    GError   **error)
{
  if (self->log == NULL)
    {
      g_autofree char *path = g_build_filename (self->data_dir, "consult-log.db", NULL);
      self->log = hz_consult_log_open (path, error);
    }
  return self->log;
}

JsonObject *
hz_profile_load_json (HzProfile  *self,
                      const char *name)
{
  g_autofree char *path = g_build_filename (self->data_dir, name, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!json_parser_load_from_file (parser, path, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

gboolean
hz_profile_save_json (HzProfile  *self,
                      const char *name,
                      JsonObject *object)
{
  g_autofree char *path = g_build_filename (self->data_dir, name, NULL);
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  json_node_set_object (node, object);
  text = json_to_string (node, TRUE);
  if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    {
      g_warning ("Cannot save %s: %s", name, error->message);
      return FALSE;
    }
  return TRUE;
}

void
hz_profile_remove_file (HzProfile  *self,
                        const char *name)
{
  g_autofree char *path = g_build_filename (self->data_dir, name, NULL);

  g_unlink (path);
}

gboolean
hz_profile_save_session (HzProfile  *self,
                         const char *url,
                         const char *token,
                         const char *expires,
                         JsonObject *user,
                         GError    **error)
{
  g_autoptr(JsonObject) session = json_object_new ();

  json_object_set_string_member (session, "url", url);
  json_object_set_string_member (session, "token", token);
  json_object_set_string_member (session, "expires", expires ? expires : "");
  if (user)
    json_object_set_object_member (session, "user", json_object_ref (user));
  return hz_profile_save_json (self, "session.json", session);
}

/* Only a session that has not yet expired comes back. */
gboolean
hz_profile_load_session (HzProfile   *self,
                         char       **url,
                         char       **token,
                         JsonObject **user)
{
  g_autoptr(JsonObject) session = hz_profile_load_json (self, "session.json");
  g_autoptr(GDateTime) expires = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  if (session == NULL || !json_object_has_member (session, "token") ||
      !json_object_has_member (session, "url") || !json_object_has_member (session, "user"))
    return FALSE;
  expires = g_date_time_new_from_iso8601 (json_object_get_string_member_with_default (session, "expires", ""), NULL);
  if (expires == NULL || g_date_time_compare (expires, now) <= 0)
    {
      hz_profile_clear_session (self);
      return FALSE;
    }
  *url = g_strdup (json_object_get_string_member (session, "url"));
  *token = g_strdup (json_object_get_string_member (session, "token"));
  *user = json_object_ref (json_object_get_object_member (session, "user"));
  return TRUE;
}

void
hz_profile_clear_session (HzProfile *self)
{
  hz_profile_remove_file (self, "session.json");
}
