/* hz-icd10-catalogue.c: the bundled ICD-10 list and searching it.
 *
 * The list (data/icd10/icd10-common.tsv) is compiled into the core
 * library as a GResource, so the client finds it wherever it is installed
 * (Flatpak included) and the tests need no paths. A few hundred entries:
 * a linear scan per keystroke costs microseconds, so no index. */
#include "config.h"

#include <string.h>

#include "hz-icd10-catalogue.h"
#include "hz-icd10-resources.h"

#define DEFAULT_RESOURCE "/org/huizhen/icd10/icd10-common.tsv"

typedef struct {
  HzIcd10Entry  pub;
  const char   *code_key;  /* upper case, no dot: "I200" */
  const char   *en_fold;   /* English name in lower case */
} Entry;

struct _HzIcd10Catalogue {
  GObject       parent_instance;

  GStringChunk *strings;
  GArray       *entries;   /* Entry, in file order */
  GHashTable   *by_code;   /* code -> Entry* */
};

G_DEFINE_QUARK (hz-icd10-catalogue-error-quark, hz_icd10_catalogue_error)
G_DEFINE_FINAL_TYPE (HzIcd10Catalogue, hz_icd10_catalogue, G_TYPE_OBJECT)

static void
hz_icd10_catalogue_finalize (GObject *object)
{
  HzIcd10Catalogue *self = HZ_ICD10_CATALOGUE (object);

  g_hash_table_unref (self->by_code);
  g_array_unref (self->entries);
  g_string_chunk_free (self->strings);
  G_OBJECT_CLASS (hz_icd10_catalogue_parent_class)->finalize (object);
}

static void
hz_icd10_catalogue_class_init (HzIcd10CatalogueClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hz_icd10_catalogue_finalize;
}

static void
hz_icd10_catalogue_init (HzIcd10Catalogue *self)
{
  self->strings = g_string_chunk_new (16 * 1024);
  self->entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  self->by_code = g_hash_table_new (g_str_hash, g_str_equal);
}

/* "i20.0", "I200", "I20." all become "I200". */
static char *
code_key (const char *text)
{
  GString *out = g_string_new (NULL);
  const char *p;

  for (p = text; *p; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (out, g_ascii_toupper (*p));
    else if (*p != '.')
      return (g_string_free (out, TRUE), NULL);
  return g_string_free (out, FALSE);
}

HzIcd10Catalogue *
hz_icd10_catalogue_new_from_data (const char  *tsv,
                                  gsize        length,
                                  GError     **error)
{
  g_autoptr(HzIcd10Catalogue) self = g_object_new (HZ_TYPE_ICD10_CATALOGUE, NULL);
  g_autofree char *copy = g_strndup (tsv, length);
  g_auto(GStrv) lines = NULL;
  guint i;

  if (!g_utf8_validate (copy, -1, NULL))
    {
      g_set_error_literal (error, HZ_ICD10_CATALOGUE_ERROR, HZ_ICD10_CATALOGUE_ERROR_FORMAT,
                           "the ICD-10 list is not UTF-8");
      return NULL;
    }
  lines = g_strsplit (copy, "\n", -1);
  for (i = 0; lines[i]; i++)
    {
      g_auto(GStrv) fields = NULL;
      g_autofree char *key = NULL;
      g_autofree char *fold = NULL;
      Entry e;

      g_strchomp (lines[i]);
      if (lines[i][0] == '\0' || lines[i][0] == '#')
        continue;
      fields = g_strsplit (lines[i], "\t", -1);
      if (g_strv_length (fields) != 3 || (key = code_key (fields[0])) == NULL || *key == '\0' ||
          *fields[1] == '\0' || *fields[2] == '\0')
        {
          g_set_error (error, HZ_ICD10_CATALOGUE_ERROR, HZ_ICD10_CATALOGUE_ERROR_FORMAT,
                       "line %u of the ICD-10 list is not code<TAB>中文<TAB>English", i + 1);
          return NULL;
        }
      fold = g_utf8_strdown (fields[2], -1);
      e.pub.code = g_string_chunk_insert_const (self->strings, fields[0]);
      e.pub.name_zh = g_string_chunk_insert_const (self->strings, fields[1]);
      e.pub.name_en = g_string_chunk_insert_const (self->strings, fields[2]);
      e.code_key = g_string_chunk_insert_const (self->strings, key);
      e.en_fold = g_string_chunk_insert_const (self->strings, fold);
      g_array_append_val (self->entries, e);
    }
  /* Pointers into the array only once it stops growing. */
  for (i = 0; i < self->entries->len; i++)
    {
      Entry *e = &g_array_index (self->entries, Entry, i);
      g_hash_table_insert (self->by_code, (gpointer) e->code_key, e);
    }
  return g_steal_pointer (&self);
}

HzIcd10Catalogue *
hz_icd10_catalogue_new_from_file (const char  *path,
                                  GError     **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, error))
    return NULL;
  return hz_icd10_catalogue_new_from_data (data, len, error);
}

/* The bundled list, loaded once; never NULL (the list is in the binary
 * and checked by the tests). Transfer none. */
HzIcd10Catalogue *
hz_icd10_catalogue_get_default (void)
{
  static gsize once;
  static HzIcd10Catalogue *catalogue;

  if (g_once_init_enter (&once))
    {
      g_autoptr(GBytes) bytes = g_resource_lookup_data (hz_icd10_get_resource (), DEFAULT_RESOURCE,
                                                        G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
      g_autoptr(GError) error = NULL;
      gsize len = 0;
      const char *data = g_bytes_get_data (bytes, &len);

      catalogue = hz_icd10_catalogue_new_from_data (data, len, &error);
      if (catalogue == NULL)
        g_error ("the bundled ICD-10 list is broken: %s", error->message);
      g_once_init_leave (&once, 1);
    }
  return catalogue;
}

guint
hz_icd10_catalogue_get_n_entries (HzIcd10Catalogue *self)
{
  g_return_val_if_fail (HZ_IS_ICD10_CATALOGUE (self), 0);
  return self->entries->len;
}

const HzIcd10Entry *
hz_icd10_catalogue_lookup (HzIcd10Catalogue *self,
                           const char       *code)
{
  g_autofree char *key = NULL;
  Entry *e;

  g_return_val_if_fail (HZ_IS_ICD10_CATALOGUE (self), NULL);
  if (code == NULL || (key = code_key (code)) == NULL)
    return NULL;
  e = g_hash_table_lookup (self->by_code, key);
  return e ? &e->pub : NULL;
}

typedef struct {
  const Entry *entry;
  guint        score;
} Hit;

static int
compare_hits (gconstpointer a,
              gconstpointer b)
{
  const Hit *x = a, *y = b;

  if (x->score != y->score)
    return x->score < y->score ? -1 : 1;
  return strcmp (x->entry->code_key, y->entry->code_key);
}

static gboolean
is_word_start (const char *text,
               const char *at)
{
  return at == text || !g_ascii_isalnum (at[-1]);
}

/* Lower is better: an exact code, then code prefixes (broader codes
 * first), then Chinese names starting with the query, containing it,
 * then English names likewise (a word starting with it beats a word
 * merely containing it). Within a rank, shorter names come first: they
 * are the general terms. */
static guint
score_entry (const Entry *e,
             const char  *q_key,
             const char  *q,
             const char  *q_fold)
{
  const char *at;
  guint best = G_MAXUINT;

  if (q_key && strcmp (e->code_key, q_key) == 0)
    return 0;
  if (q_key && g_str_has_prefix (e->code_key, q_key))
    best = MIN (best, 10 + (guint) strlen (e->code_key));
  if (g_str_has_prefix (e->pub.name_zh, q))
    best = MIN (best, 100 + (guint) g_utf8_strlen (e->pub.name_zh, -1));
  else if (strstr (e->pub.name_zh, q))
    best = MIN (best, 200 + (guint) g_utf8_strlen (e->pub.name_zh, -1));
  if (best < 300)
    return best;
  if ((at = strstr (e->en_fold, q_fold)) != NULL)
    {
      guint len = (guint) MIN (strlen (e->en_fold), 90);
      if (at == e->en_fold)
        best = MIN (best, 300 + len);
      else if (is_word_start (e->en_fold, at))
        best = MIN (best, 400 + len);
      else
        best = MIN (best, 500 + len);
    }
  return best;
}

/* Every word of a several-word query somewhere in either name. */
static gboolean
all_words_match (const Entry *e,
                 char       **words)
{
  guint i;

  for (i = 0; words[i]; i++)
    if (*words[i] && !strstr (e->en_fold, words[i]) && !strstr (e->pub.name_zh, words[i]))
      return FALSE;
  return TRUE;
}

/* Entries matching query, best first; at most max_results (0: all).
 * The array holds const HzIcd10Entry * owned by the catalogue. */
GPtrArray *
hz_icd10_catalogue_search (HzIcd10Catalogue *self,
                           const char       *query,
                           guint             max_results)
{
  g_autoptr(GArray) hits = g_array_new (FALSE, FALSE, sizeof (Hit));
  g_autofree char *q = NULL;
  g_autofree char *q_fold = NULL;
  g_autofree char *q_key = NULL;
  g_auto(GStrv) words = NULL;
  GPtrArray *out = g_ptr_array_new ();
  guint i;

  g_return_val_if_fail (HZ_IS_ICD10_CATALOGUE (self), out);

  if (query == NULL || !g_utf8_validate (query, -1, NULL))
    return out;
  q = g_strstrip (g_strdup (query));
  if (*q == '\0')
    return out;
  q_fold = g_utf8_strdown (q, -1);
  /* Only something shaped like the start of a code is matched as one:
   * a letter, then digits, dots, letters. */
  if (g_ascii_isalpha (q[0]) && (q[1] == '\0' || g_ascii_isdigit (q[1])))
    q_key = code_key (q);
  words = g_strsplit (q_fold, " ", -1);

  for (i = 0; i < self->entries->len; i++)
    {
      const Entry *e = &g_array_index (self->entries, Entry, i);
      Hit hit = { e, score_entry (e, q_key, q, q_fold) };

      if (hit.score == G_MAXUINT && g_strv_length (words) > 1 && all_words_match (e, words))
        hit.score = 600;
      if (hit.score != G_MAXUINT)
        g_array_append_val (hits, hit);
    }
  g_array_sort (hits, compare_hits);
  for (i = 0; i < hits->len && (max_results == 0 || i < max_results); i++)
    g_ptr_array_add (out, (gpointer) &g_array_index (hits, Hit, i).entry->pub);
  return out;
}
