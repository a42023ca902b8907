/* The policy core: pure functions that take a push as data and return one
 * decision per ref.  Everything it needs to know about the repository is
 * asked through struct wf_repo_ops, so the rules are tested without one. */
#ifndef WF_POLICY_H
#define WF_POLICY_H

#include <stddef.h>
#include "config.h"
#include "hook_input.h"

/* Deny by default in the type: a zeroed decision refuses. */
enum wf_action {
	WF_REFUSE = 0,
	WF_ALLOW,       /* an ordinary write: Dev, feature branches, other tags */
	WF_PROMOTE,     /* Dev -> Test or Test -> Live: a deploy */
	WF_ROLLBACK,    /* env moved back to a commit with one of its deploy tags */
	WF_HOTFIX,      /* refs/hotfix/<env> by an allowed user */
	WF_HOTFIX_DELETE, /* removal of a leftover refs/hotfix/<env> */
	WF_APPROVE      /* refs/approve/<test deploy tag>: approves it; the ref is taken back */
};

struct wf_decision {
	enum wf_action action;
	const struct wf_env *env;  /* the env deployed / refused, or NULL */
	char *reason;              /* one line: why it is refused (REFUSE) */
	char *hint;                /* the command to run instead, or NULL */
	char base[WF_OID_MAX + 1]; /* HOTFIX: the env tip it was checked on top of */
	/* PROMOTE to Test whose new tip is on Dev only through this push's own
	 * Dev update: git applies each ref on its own and may refuse that one,
	 * so the update hook checks Dev's real tip before Test moves */
	int needs_dev_update;
};

/* A hotfix deploy tag (annotated by the hooks with "kind: hotfix"). */
struct wf_hotfix_tag {
	char *name;                /* "deploy_live_3" */
	char oid[WF_OID_MAX + 1];  /* the commit it points at */
};

/* How an env's last deploy of a commit ended (common/sys/outcome.h). */
struct wf_outcome {
	char state[16];         /* "ok", "failed", "interrupted", "running" */
	char tag[128];          /* its deploy tag, "-" when it got none */
	long record;            /* its record (0 while running) */
	char oid[WF_OID_MAX + 1];  /* the commit */
};

/* Questions the policy asks about the repository as it was before the push.
 * Object names are hex strings.  Each returns -1 on error, which the policy
 * turns into a refusal (fail closed). */
struct wf_repo_ops {
	void *ctx;
	/* 1 when anc is desc or an ancestor of it, 0 when not */
	int (*is_ancestor)(void *ctx, const char *anc, const char *desc);
	/* 0 and out filled, 1 when the ref does not exist */
	int (*ref_tip)(void *ctx, const char *ref, char out[WF_OID_MAX + 1]);
	/* 1 when commit oid carries a deploy tag <prefix>_<env>_<N> that the
	 * hooks made (not a lightweight or hand-made one) */
	int (*has_deploy_tag)(void *ctx, const char *oid, const char *env);
	/* how env's last deploy of commit oid ended: 0 (out filled), 1 when
	 * env never deployed it (as far as outcomes were noted) */
	int (*deploy_outcome)(void *ctx, const char *env, const char *oid, struct wf_outcome *out);
	/* 1 when oid names a commit */
	int (*is_commit)(void *ctx, const char *oid);
	/* malloc'd "abc1234 subject, def5678 subject" for the commits reachable
	 * from have and not from tip, at most max of them; NULL on error */
	char *(*missing_commits)(void *ctx, const char *have, const char *tip, size_t max);
	/* env's hotfix deploy tags: a malloc'd array in *out (free it with
	 * wf_hotfix_tags_free) and its length, or -1 */
	long (*hotfix_tags)(void *ctx, const char *env, struct wf_hotfix_tag **out);
	/* who approved deploy tag (approvals.h): a malloc'd array of n names,
	 * each malloc'd; 0, or -1 */
	int (*approvals)(void *ctx, const char *tag, char ***users, size_t *n);
};

struct wf_command;                 /* command.h */

struct wf_push {
	struct wf_command *cmds;   /* one per ref, in git's order */
	size_t n;
	const char *pusher;
	int drop_hotfix;           /* -o drop-hotfix: a rollback may drop hotfixes */
	const char *override;      /* -o override=REASON: a deploy in a freeze (NULL: none) */
	long long now;             /* when it is decided (unix s; 0: now), for freezes */
	int clone_content;         /* -o clone-content (1), -o no-clone-content (-1), else 0 */
	int content_up;            /* -o content-up: content may go up into Live, by an admin */
	const char *clone_from;    /* -o clone-from=ENV: where content comes from (NULL: the default) */
};

/* Decide every command of the push (each one's d).  Returns the number
 * of refusals. */
size_t wf_policy_decide(const struct wf_config *c, const struct wf_push *p, const struct wf_repo_ops *ops);

/* The freeze rule (policy_freeze.c), part of wf_policy_decide: a deploy
 * to an env in a freeze window becomes a refusal unless an overrider
 * pushed it with -o override. */
void wf_policy_freeze(const struct wf_config *c, const struct wf_push *p);

/* The content rule (policy_content.c, docs/content.md), part of
 * wf_policy_decide: a deploy with -o clone-content is refused when its
 * content cannot be cloned (no path, no such source), and into Live unless
 * an admin pushed it with -o content-up. */
void wf_policy_content(const struct wf_config *c, const struct wf_push *p);

/* With a config that does not load: refuse every command (fail closed),
 * naming the config error. */
void wf_policy_fail_closed(const struct wf_push *p, const char *config_error);

/* The one-line message for a refusal: "reason. hint". malloc'd. */
char *wf_decision_message(const struct wf_decision *d);

const char *wf_action_name(enum wf_action a);
/* "deploy", "rollback" or "hotfix": the kind of a deploy in tags and records. */
const char *wf_deploy_kind_word(enum wf_action k);
/* The other way: a journal's or a record's word as a kind (WF_PROMOTE for
 * "deploy" and any other word). */
enum wf_action wf_deploy_kind_of(const char *word);
/* 1 when word is a deploy's kind ("deploy", "rollback", "hotfix"): records
 * of it are deploys, with an outcome and an event of their own. */
int wf_is_deploy_kind(const char *word);

/* "<prefix>_<env>_" when ref is refs/tags/<prefix>_<env>_..., used to
 * protect the deploy-tag namespace.  1 when ref is in it. */
int wf_is_deploy_tag_ref(const struct wf_config *c, const char *ref);

void wf_decisions_free(struct wf_decision *d, size_t n);

/* 1 when ref is refs/approve/... (policy_approve.c). */
int wf_is_approve_ref(const char *ref);
/* The deploy tag an approve ref names: what follows refs/approve/. */
const char *wf_approve_ref_tag(const char *ref);

/* The protected ref (Dev, Test, Live, refs/hotfix/<env>) or deploy-tag
 * namespace ("the deploy tags deploy_live_*") that ref equals only
 * case-insensitively, malloc'd; NULL when ref is exactly one of them or
 * like none (common/core/policy_names.c). */
char *wf_lookalike_of(const struct wf_config *c, const char *ref);

/* The hotfix commits that moving env from old to new takes off it and
 * that dev (NULL: there is no Dev) does not contain, found from env's
 * hotfix deploy tags: "deploy_live_3: abc123456789 subject;..." in *list
 * (malloc'd).  1 when there are some, 0 none, -1 on error
 * (common/core/policy_hotfix.c). */
int wf_hotfixes_dropped(const struct wf_repo_ops *ops, const struct wf_env *env, const char *old,
			const char *new, const char *dev, char **list);

void wf_hotfix_tags_free(struct wf_hotfix_tag *t, long n);

#endif
