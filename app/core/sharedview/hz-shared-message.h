/* hz-shared-message.h: the versioned JSON messages of the call's data
 * channel: the shared view (what is open, slice, window, zoom, pan),
 * the pointer, annotations, presenter/follow control and chat. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define HZ_SHARED_VIEW_ERROR (hz_shared_view_error_quark ())

typedef enum {
  HZ_SHARED_VIEW_ERROR_SYNTAX,        /* not a JSON object */
  HZ_SHARED_VIEW_ERROR_TOO_LARGE,     /* message or a field beyond its limit */
  HZ_SHARED_VIEW_ERROR_VERSION,       /* a version we do not speak */
  HZ_SHARED_VIEW_ERROR_UNKNOWN_TYPE,  /* a message type we do not know */
  HZ_SHARED_VIEW_ERROR_INVALID,       /* a member missing, unknown, of the wrong type or out of range */
} HzSharedViewError;

/* The one version this code speaks; anything else is refused whole, so a
 * newer peer is never half-understood. */
#define HZ_SHARED_VIEW_VERSION        1

/* Limits on what we accept from the peer. */
#define HZ_SHARED_VIEW_MAX_BYTES      (16 * 1024)   /* one message */
#define HZ_SHARED_VIEW_MAX_ID         64            /* ids and UIDs, bytes */
#define HZ_SHARED_VIEW_MAX_TEXT       2000          /* annotation and chat text, bytes */
#define HZ_SHARED_VIEW_MAX_SLICE      100000
#define HZ_SHARED_VIEW_MAX_COORD      1.0e6         /* image pixels, either sign */
#define HZ_SHARED_VIEW_MIN_ZOOM       0.05
#define HZ_SHARED_VIEW_MAX_ZOOM       64.0
#define HZ_SHARED_VIEW_MAX_WINDOW     1.0e6         /* |centre| and width, modality units */

typedef enum {
  HZ_SHARED_MESSAGE_VIEW,               /* the presenter's whole view state */
  HZ_SHARED_MESSAGE_POINTER,            /* where the presenter points */
  HZ_SHARED_MESSAGE_ANNOTATION_ADD,
  HZ_SHARED_MESSAGE_ANNOTATION_REMOVE,
  HZ_SHARED_MESSAGE_CONTROL,            /* presenter and follow */
  HZ_SHARED_MESSAGE_CHAT,
} HzSharedMessageType;

typedef enum {
  HZ_SHARED_RESOURCE_NONE,              /* nothing open */
  HZ_SHARED_RESOURCE_RECORD_SECTION,    /* a section of the record view, by id */
  HZ_SHARED_RESOURCE_DOCUMENT,          /* a FHIR resource, "DocumentReference/ID" */
  HZ_SHARED_RESOURCE_SERIES,            /* an image series, by SeriesInstanceUID */
} HzSharedResource;

typedef enum {
  HZ_ANNOTATION_TEXT,                   /* text at (x1, y1) */
  HZ_ANNOTATION_ARROW,                  /* from (x1, y1) pointing at (x2, y2) */
  HZ_ANNOTATION_LENGTH,                 /* a measured line (x1, y1)-(x2, y2) */
} HzAnnotationKind;

typedef enum {
  HZ_SHARED_CONTROL_PRESENT,            /* I present now: follow me */
  HZ_SHARED_CONTROL_STOP_PRESENTING,
  HZ_SHARED_CONTROL_FOLLOW,             /* I follow you again (sender state) */
  HZ_SHARED_CONTROL_UNFOLLOW,           /* I left following and look around */
} HzSharedControl;

/* The whole view, enough to draw the same thing on the other screen.
 * Coordinates are image pixels of the open series so that two windows of
 * different sizes show the same anatomy. */
typedef struct {
  HzSharedResource resource;
  char    *resource_id;      /* section id, "DocumentReference/ID" or SeriesInstanceUID; NULL for NONE */
  char    *study_uid;        /* the series' study, or NULL */
  guint    slice;            /* 0-based index within the series */
  gboolean has_window;       /* FALSE: the image's own default window */
  double   window_centre;
  double   window_width;     /* > 0 */
  double   zoom;             /* 1.0: the image fits the view */
  double   pan_x;            /* the image point at the view's centre, */
  double   pan_y;            /*   relative to the image's centre, image pixels */
  gboolean invert;
} HzSharedViewState;

typedef struct {
  char            *id;        /* chosen by its author, unique in the consult */
  HzAnnotationKind kind;
  char            *series_uid;
  guint            slice;
  double           x1, y1, x2, y2;  /* image pixels */
  char            *text;      /* for TEXT (required) and ARROW (optional), else NULL */
} HzAnnotation;

typedef struct {
  HzSharedMessageType type;
  guint64 seq;               /* the sender's counter: a follower drops older views */
  /* VIEW */
  HzSharedViewState *view;
  /* POINTER */
  gboolean pointer_visible;
  double   pointer_x, pointer_y;  /* image pixels */
  /* ANNOTATION_ADD */
  HzAnnotation *annotation;
  /* ANNOTATION_REMOVE (and CHAT: its id) */
  char    *id;
  /* CONTROL */
  HzSharedControl control;
  /* CHAT */
  char    *text;
  gint64   time_us;           /* when it was written, µs since 1970 UTC */
} HzSharedMessage;

#define HZ_TYPE_SHARED_VIEW_STATE (hz_shared_view_state_get_type ())
#define HZ_TYPE_ANNOTATION        (hz_annotation_get_type ())
#define HZ_TYPE_SHARED_MESSAGE    (hz_shared_message_get_type ())

GQuark              hz_shared_view_error_quark     (void);
GType               hz_shared_view_state_get_type  (void) G_GNUC_CONST;
GType               hz_annotation_get_type         (void) G_GNUC_CONST;
GType               hz_shared_message_get_type     (void) G_GNUC_CONST;

HzSharedViewState  *hz_shared_view_state_new       (void);
HzSharedViewState  *hz_shared_view_state_copy      (const HzSharedViewState *state);
void                hz_shared_view_state_free      (HzSharedViewState       *state);
gboolean            hz_shared_view_state_equal     (const HzSharedViewState *a,
                                                    const HzSharedViewState *b);

HzAnnotation       *hz_annotation_new              (HzAnnotationKind         kind,
                                                    const char              *id);
HzAnnotation       *hz_annotation_copy             (const HzAnnotation      *annotation);
void                hz_annotation_free             (HzAnnotation            *annotation);

HzSharedMessage    *hz_shared_message_new          (HzSharedMessageType      type);
HzSharedMessage    *hz_shared_message_copy         (const HzSharedMessage   *message);
void                hz_shared_message_free         (HzSharedMessage         *message);

/* Strict: refuses other versions, unknown types and members, wrong types,
 * numbers out of range and anything over the size limits. */
HzSharedMessage    *hz_shared_message_parse        (const char              *text,
                                                    gssize                   length,
                                                    GError                 **error);
/* Compact JSON; what serialize writes, parse reads back as equal. Fails
 * only on a message parse would refuse. */
char               *hz_shared_message_serialize    (const HzSharedMessage   *message,
                                                    GError                 **error);

const char         *hz_shared_message_type_to_string (HzSharedMessageType type);
const char         *hz_shared_resource_to_string     (HzSharedResource    resource);
const char         *hz_annotation_kind_to_string     (HzAnnotationKind    kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HzSharedViewState, hz_shared_view_state_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HzAnnotation, hz_annotation_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HzSharedMessage, hz_shared_message_free)

G_END_DECLS
