/* The words of a deploy: its message, options, tag annotation, the
 * hotfixes a rollback drops, and the dry run's description
 * (deploy_text.c), shared by the deploy and its refusals. */
#ifndef WF_DEPLOY_TEXT_H
#define WF_DEPLOY_TEXT_H

#include "deploy.h"

/* The message as pushed (or the default one), malloc'd. */
char *wf_deploy_message(struct wf_session *s, const struct wf_deploy *d);
/* The message as one line, as the tag shows it: what steps get. */
char *wf_deploy_message_line(const char *m);
/* The options as pushed, space separated. */
char *wf_deploy_options_line(struct wf_session *s);
/* The tag's annotation: message, kind, env, pusher, time, from, to,
 * options, a dropped hotfix, the commits. */
char *wf_deploy_annotation(struct wf_session *s, const struct wf_deploy *d, const char *message,
			   const char *dropped, const char *commits);
/* The hotfix commits a rollback takes off its env that Dev lacks, or NULL. */
char *wf_deploy_dropped_hotfixes(struct wf_session *s, const struct wf_deploy *d);

#endif
