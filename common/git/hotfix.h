/* Hotfix deploys as the repository holds them: the hotfix deploy tags
 * (read with libgit2 for wf_repo_ops) and what `status` says about the
 * hotfix commits Dev does not contain yet. */
#ifndef WF_HOTFIX_H
#define WF_HOTFIX_H

#include "repo.h"

/* env's hotfix deploy tags: annotated <prefix>_<env>_<N> tags whose
 * annotation the hooks marked "kind: hotfix".  The count, or -1. */
long wf_repo_hotfix_tags(struct wf_repo *r, const char *env, struct wf_hotfix_tag **out);

/* Per env (0 test, 1 live): the commits of its hotfix deploy tags that
 * Dev lacks, "abc123456789 subject\n" each, split by whether the env
 * still has them (off: a rollback took them off; with the tag's name). */
struct wf_hotfix_report {
	struct sbuf on[2], off[2];
	long n_on[2], n_off[2];
};

/* dev_tip NULL: no Dev, nothing is reported.  0, or -1 on error. */
int wf_hotfix_report(struct wf_repo *r, const char *dev_tip, struct wf_hotfix_report *h);
/* status's lines for them */
void wf_hotfix_report_print(const struct wf_hotfix_report *h, const struct wf_config *c);
/* ,"unmerged_hotfixes":[...],"dropped_hotfixes":[...] for status --json */
void wf_hotfix_report_json(const struct wf_hotfix_report *h, struct sbuf *sb);
void wf_hotfix_report_free(struct wf_hotfix_report *h);

#endif
