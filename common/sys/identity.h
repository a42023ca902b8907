/* Who is pushing: the first set variable of the config's identity_vars
 * (GitLab, Gitea/Forgejo, gitolite, smart HTTP), else the Unix user. */
#ifndef WF_IDENTITY_H
#define WF_IDENTITY_H

#include <stddef.h>

/* Returns a malloc'd name, never NULL, never holding a control byte
 * (a name with one is returned escaped, see identity.c). */
char *wf_identity(const char *const *vars, size_t n);

#endif
