/* Several web servers: the hosts, ssh and steps_on keys of an env, and
 * the commands made for a host (remote_cmd.h). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "fanout.h"
#include "journal.h"
#include "remote_cmd.h"
#include "sshmux.h"
#include "util.h"

#include <sys/stat.h>
#include <unistd.h>
#include "config_fixture.h"

static void load_err(const char *text, const char *want)
{
	load_refused(text);
	cr_assert(strstr(err, want), "error '%s' does not say '%s'", err, want);
}

#define LIVE(keys) "live = { branch = \"live\"; path = \"/tmp/wfhosts/live\"; " keys " };"

TestSuite(config_hosts, .fini = teardown);

Test(config_hosts, two_hosts)
{
	load_ok(LIVE("hosts = ( { target = \"deploy@web1.example.org:/var/www/site/live/\"; },\n"
		     "  { target = \"deploy@web2.example.org:/var/www/site/live\"; port = 2222; } );\n"
		     "ssh = [ \"-i\", \"/etc/workflow/deploy_key\", \"-o\", \"StrictHostKeyChecking=yes\" ];\n"
		     "steps_on = \"all\";"));
	cr_assert_eq(cfg.live.rel.n_hosts, 2);
	cr_assert_str_eq(cfg.live.rel.hosts[0].login, "deploy@web1.example.org");
	cr_assert_str_eq(cfg.live.rel.hosts[0].host, "web1.example.org");
	cr_assert_str_eq(cfg.live.rel.hosts[0].path, "/var/www/site/live");
	cr_assert_str_eq(cfg.live.rel.hosts[0].name, "web1");
	cr_assert_eq(cfg.live.rel.hosts[0].port, 0);
	cr_assert_eq(cfg.live.rel.hosts[1].port, 2222);
	cr_assert_eq(cfg.live.rel.n_ssh, 4);
	cr_assert_eq(cfg.live.rel.steps_all, 1);
}

Test(config_hosts, defaults_and_names)
{
	load_ok(LIVE("hosts = ( { target = \"127.0.0.2:/srv/a\"; }, { target = \"127.0.0.3:/srv/a\"; name = \"b\"; } );"));
	cr_assert_str_eq(cfg.live.rel.hosts[0].name, "127.0.0.2");
	cr_assert_str_eq(cfg.live.rel.hosts[0].login, "127.0.0.2");
	cr_assert_str_eq(cfg.live.rel.hosts[1].name, "b");
	cr_assert_eq(cfg.live.rel.steps_all, 0);
	cr_assert_eq(cfg.live.rel.n_ssh, 0);
	cr_assert_eq(cfg.live.rel.parallel, 0, "all at once unless said");
}

Test(config_hosts, hosts_parallel)
{
	load_ok(LIVE("hosts = ( { target = \"web1:/srv\"; }, { target = \"web2:/srv\"; } ); hosts_parallel = 1;"));
	cr_assert_eq(cfg.live.rel.parallel, 1);
	wf_config_free(&cfg);
	load_ok(LIVE("hosts = ( { target = \"web1:/srv\"; } ); hosts_parallel = 1000;"));
	cr_assert_eq(cfg.live.rel.parallel, 1000);
	wf_config_free(&cfg);
	load_err(LIVE("hosts = ( { target = \"web1:/srv\"; } ); hosts_parallel = 0;"),
		 "t.conf:1: 'live.hosts_parallel' must be between 1 and 1000 hosts at once, not 0");
	load_err(LIVE("hosts = ( { target = \"web1:/srv\"; } ); hosts_parallel = 1001;"),
		 "'live.hosts_parallel' must be between 1 and 1000 hosts at once, not 1001");
	load_err(LIVE("hosts = ( { target = \"web1:/srv\"; } ); hosts_parallel = \"4\";"),
		 "'live.hosts_parallel' must be an integer (hosts at once)");
	load_err(LIVE("hosts_parallel = 4;"), "'live.hosts_parallel' needs 'live.hosts'");
	load_err("live = { branch = \"live\"; hosts_parallel = 4; };", "'live.hosts_parallel' needs 'live.path'");
	load_err("multidev = { branches = [ \"md/*\" ]; path = \"/tmp/wfhosts/md\"; hosts_parallel = 2; };",
		 "'multidev.hosts_parallel': branch environments run on the git host");
}

Test(config_hosts, bad_targets)
{
	load_err(LIVE("hosts = ( { target = \"web1:relative/path\"; } );"), "t.conf:1: 'live.hosts[0].target' must be");
	load_err(LIVE("hosts = ( { target = \"web1/no/colon\"; } );"), "must be \"user@host:/absolute/path\"");
	load_err(LIVE("hosts = ( { target = \"-oProxyCommand=x:/srv\"; } );"), "'live.hosts[0].target' must be");
	load_err(LIVE("hosts = ( { target = \"web1:/srv/$(reboot)\"; } );"), "'live.hosts[0].target' must be");
	load_err(LIVE("hosts = ( { target = \"web1:/srv/it's\"; } );"), "'live.hosts[0].target' must be");
	load_err(LIVE("hosts = ( { target = \"web1:/srv/../etc\"; } );"), "'live.hosts[0].target' must be");
	load_err(LIVE("hosts = ( { target = \"a b@web1:/srv\"; } );"), "'live.hosts[0].target' must be");
	load_err(LIVE("hosts = ( { target = \"web1:/\"; } );"), "'live.hosts[0].target' must be");
	load_err(LIVE("hosts = ( { port = 22; } );"), "'live.hosts[0]' has no target");
}

Test(config_hosts, bad_keys)
{
	load_err(LIVE("hosts = ( { target = \"web1:/srv\"; port = 0; } );"), "'live.hosts[0].port' must be between 1 and 65535");
	load_err(LIVE("hosts = ( { target = \"web1:/srv\"; port = \"22\"; } );"), "'live.hosts[0].port' must be an integer");
	load_err(LIVE("hosts = ( { target = \"web1:/srv\"; user = \"x\"; } );"), "unknown key 'user'");
	load_err(LIVE("hosts = ( { target = \"web1:/srv\"; name = \"[x]\"; } );"), "'live.hosts[0].name' must be");
	load_err(LIVE("hosts = ();"), "'live.hosts' must name 1 to 64 hosts");
	load_err(LIVE("hosts = \"web1:/srv\";"), "'live.hosts' must be a list");
	load_err(LIVE("hosts = ( \"web1:/srv\" );"), "'live.hosts[0]' must be a group");
	load_err(LIVE("hosts = ( { target = \"web1:/srv\"; } ); steps_on = \"some\";"),
		 "'live.steps_on' must be \"first\" (the first host) or \"all\", not 'some'");
	load_err(LIVE("hosts = ( { target = \"web1:/srv\"; } ); ssh = [ \"-o\", \"ProxyCommand=nc %h 22\" ];"),
		 "'live.ssh' entry 'ProxyCommand=nc %h 22' must be one word");
	load_err(LIVE("hosts = ( { target = \"web1:/srv\"; } ); ssh = [ \"\" ];"), "'live.ssh' entry '' must be one word");
}

Test(config_hosts, twice)
{
	load_err(LIVE("hosts = ( { target = \"a@web1:/srv\"; }, { target = \"b@web1:/srv\"; } );"),
		 "'live.hosts' names b@web1:/srv twice");
	load_err(LIVE("hosts = ( { target = \"web1.a.org:/srv\"; }, { target = \"web1.b.org:/srv\"; } );"),
		 "two hosts are called 'web1'");
	load_ok(LIVE("hosts = ( { target = \"web1:/srv\"; name = \"one\"; }, { target = \"web1:/srv\"; port = 2222; } );"));
}

Test(config_hosts, need_hosts_and_path)
{
	load_err("live = { branch = \"live\"; hosts = ( { target = \"web1:/srv\"; } ); };", "'live.hosts' needs 'live.path'");
	load_err(LIVE("ssh = [ \"-4\" ];"), "'live.ssh' needs 'live.hosts'");
	load_err(LIVE("steps_on = \"all\";"), "'live.steps_on' needs 'live.hosts'");
}

TestSuite(remote_cmd);

static char *joined(const struct wf_argv *a)
{
	struct sbuf sb = SBUF_INIT;
	for (size_t i = 0; i < a->n; i++)
		sbuf_addf(&sb, "%s<%s>", i ? " " : "", a->v[i]);
	return sbuf_detach(&sb);
}

Test(remote_cmd, quote)
{
	struct sbuf sb = SBUF_INIT;
	wf_sh_quote(&sb, "it's $(x) `y`");
	cr_assert_str_eq(sb.buf, "'it'\\''s $(x) `y`'");
	sbuf_free(&sb);
}

Test(remote_cmd, ssh_and_rsync_argv)
{
	char *ssh_args[] = { "-i", "/k", NULL };
	struct wf_host h = { "d@w:/srv/live", "d@w", "w", "/srv/live", "w", 2222 };
	struct wf_release_conf rc;
	struct wf_argv a = { 0 };
	const char *link[] = { "deploy_live_1" };
	char *j;

	memset(&rc, 0, sizeof(rc));
	rc.path = "/var/site/live";
	rc.ssh = ssh_args;
	rc.n_ssh = 2;
	wf_remote_ssh(&rc, &h, NULL, "true", &a);
	j = joined(&a);
	cr_assert_str_eq(j, "<ssh> <-p> <2222> <-i> </k> <-o> <BatchMode=yes> <-o> <ConnectTimeout=10> <-o> "
			    "<ServerAliveInterval=15> <d@w> <true>");
	free(j);
	wf_argv_free(&a);
	wf_remote_rsync_tree(&rc, &h, NULL, "deploy_live_2", link, 1, &a);
	j = joined(&a);
	cr_assert_str_eq(j, "<rsync> <-e> <ssh -p 2222 -i /k -o BatchMode=yes -o ConnectTimeout=10 -o "
			    "ServerAliveInterval=15> <-rlpt> <--delete> <--mkpath> <--link-dest=../deploy_live_1> <--> "
			    "</var/site/live/releases/deploy_live_2/> <d@w:/srv/live/releases/deploy_live_2/>");
	free(j);
	wf_argv_free(&a);
}

/* With the deploy's control directory: the sharing options after the
 * admin's and ours, on ssh and inside rsync's -e alike. */
Test(remote_cmd, shared_connection_argv)
{
	char *ssh_args[] = { "-i", "/k", NULL };
	struct wf_host h = { "d@w:/srv/live", "d@w", "w", "/srv/live", "w", 0 };
	struct wf_release_conf rc;
	struct wf_argv a = { 0 };
	char *j;

	memset(&rc, 0, sizeof(rc));
	rc.path = "/var/site/live";
	rc.ssh = ssh_args;
	rc.n_ssh = 2;
	wf_remote_ssh(&rc, &h, "/tmp/wf-ssh-AbC123", "true", &a);
	j = joined(&a);
	cr_assert_str_eq(j, "<ssh> <-i> </k> <-o> <BatchMode=yes> <-o> <ConnectTimeout=10> <-o> <ServerAliveInterval=15> "
			    "<-o> <ControlMaster=auto> <-o> <ControlPath=/tmp/wf-ssh-AbC123/%C> <-o> <ControlPersist=60> "
			    "<d@w> <true>");
	free(j);
	wf_argv_free(&a);
	wf_remote_rsync_marker(&rc, &h, "/tmp/wf-ssh-AbC123", "deploy_live_2", &a);
	j = joined(&a);
	cr_assert_str_eq(j, "<rsync> <-e> <ssh -i /k -o BatchMode=yes -o ConnectTimeout=10 -o ServerAliveInterval=15 "
			    "-o ControlMaster=auto -o ControlPath=/tmp/wf-ssh-AbC123/%C -o ControlPersist=60> <-pt> <--> "
			    "</var/site/live/releases/deploy_live_2.release> <d@w:/srv/live/releases/>");
	free(j);
	wf_argv_free(&a);
	cr_assert(wf_remote_shared(&rc, "/tmp/wf-ssh-AbC123"));
	cr_assert_not(wf_remote_shared(&rc, NULL));
	cr_assert_not(wf_remote_shared(&rc, ""));
}

/* The admin shares connections their own way: theirs stays whole. */
Test(remote_cmd, admin_sharing_left_alone)
{
	char *own[][2] = { { "-o", "ControlPath=/run/me/%C" }, { "-oControlMaster=no", "-4" }, { "-S", "/run/sock" },
			   { "-o", "controlpersist=5" } };
	struct wf_host h = { "w:/srv", "w", "w", "/srv", "w", 0 };
	struct wf_release_conf rc;

	memset(&rc, 0, sizeof(rc));
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
		struct wf_argv a = { 0 };
		char *j;

		rc.ssh = own[i];
		rc.n_ssh = 2;
		cr_assert_not(wf_remote_shared(&rc, "/tmp/wf-ssh-AbC123"), "%s %s", own[i][0], own[i][1]);
		wf_remote_ssh(&rc, &h, "/tmp/wf-ssh-AbC123", "true", &a);
		j = joined(&a);
		cr_assert_null(strstr(j, "wf-ssh"), "%s", j);
		free(j);
		wf_argv_free(&a);
	}
}

/* sshmux.c: a private directory, a name a journal may carry, and its
 * close removes it (no master: nothing to stop). */
Test(remote_cmd, sshmux_dir)
{
	char dir[WF_SSHMUX_DIR_MAX];
	struct stat st;

	cr_assert_eq(wf_sshmux_open(dir), 0);
	cr_assert(wf_sshmux_name_ok(dir), "%s", dir);
	cr_assert_eq(stat(dir, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0700);
	cr_assert_lt(strlen(dir) + 1 + 40 + 17, 100, "room for the socket's name");
	wf_sshmux_close(dir);
	cr_assert_neq(stat(dir, &st), 0, "%s is still there", dir);
	cr_assert_not(wf_sshmux_name_ok("/tmp/wf-ssh-../etc"));
	cr_assert_not(wf_sshmux_name_ok("/home/x/wf-ssh-AbC123"));
	cr_assert_not(wf_sshmux_name_ok("/tmp/wf-ssh-AbC1234"));
	wf_sshmux_close("/etc");        /* not a name of ours: left alone */
	cr_assert_eq(stat("/etc", &st), 0);
}

/* The journal carries the directory to the runner; removing the journal
 * (the deploy's end) removes the directory. */
Test(remote_cmd, journal_names_and_closes_it)
{
	char gd[64] = "/tmp/wfjhXXXXXX", *wd; /* room for the "/" added below */
	struct wf_job j, back;
	struct stat st;

	cr_assert_not_null(mkdtemp(gd));
	wd = xasprintf("%s/workflow", gd);
	cr_assert_eq(mkdir(wd, 0700), 0);
	memset(&j, 0, sizeof(j));
	strcpy(j.env, "live"), strcpy(j.kind, "deploy"), strcpy(j.ref, "refs/heads/live");
	strcpy(j.new_oid, "0123456789012345678901234567890123456789");
	j.pusher = "p";
	cr_assert_eq(wf_sshmux_open(j.ssh_dir), 0);
	strcat(gd, "/");
	cr_assert_eq(wf_job_write(gd, &j), 0);
	cr_assert_eq(wf_job_read(gd, "live", &back), 0);
	cr_assert_str_eq(back.ssh_dir, j.ssh_dir);
	wf_job_free(&back);
	wf_job_remove(gd, "live");
	cr_assert_neq(stat(j.ssh_dir, &st), 0, "%s is still there", j.ssh_dir);
	rmdir(wd);
	gd[strlen(gd) - 1] = 0;
	rmdir(gd);
	free(wd);
}

Test(remote_cmd, step_line_and_input)
{
	char *run[] = { "drush", "it's", NULL };
	struct wf_step st;
	char *env[] = { "WF_ENV=live", "WF_MESSAGE=a\nWF_PATH=/evil $(x)", NULL };
	char *c, *in;

	memset(&st, 0, sizeof(st));
	st.run = run;
	st.run_len = 2;
	c = wf_remote_step(&st, "/srv/live/releases/deploy_live_2");
	cr_assert(strstr(c, "cd '/srv/live/releases/deploy_live_2' || exit 127;"), "%s", c);
	cr_assert(strstr(c, "exec 'drush' 'it'\\''s'"), "%s", c);
	in = wf_remote_step_input(env);
	/* a newline in a value cannot start a variable of its own */
	cr_assert_str_eq(in, "WF_ENV=live\nWF_MESSAGE=a WF_PATH=/evil $(x)\n");
	free(in);
	free(c);
}

Test(remote_cmd, switch_line)
{
	struct wf_host h = { "w:/srv/live", "w", "w", "/srv/live", "w", 0 };
	char *shared[] = { "files", NULL };
	struct wf_release_conf rc;
	char *c;

	memset(&rc, 0, sizeof(rc));
	rc.shared = shared;
	rc.n_shared = 1;
	c = wf_remote_switch(&rc, &h, "deploy_live_2", "deploy_live_3");
	cr_assert(strstr(c, "cd '/srv/live' || exit 1; mv -T -- 'releases/deploy_live_2' 'releases/deploy_live_3'"), "%s", c);
	cr_assert(strstr(c, "[ -e 'shared/files' ] || mkdir -p -- 'shared/files' || exit 1;"), "%s", c);
	cr_assert(strstr(c, "ln -sfn -- 'releases/deploy_live_3' .current.wf && mv -fT -- .current.wf current"), "%s", c);
	free(c);
	c = wf_remote_switch(&rc, &h, "deploy_live_3", "deploy_live_3");
	cr_assert_null(strstr(c, "mv -T --"), "%s", c);
	free(c);
}

/* fanout.c: jobs at once, each a sequence stopped at its first failure,
 * stdin given to each command, lines told apart by label. */
TestSuite(fanout);

struct seen {
	struct sbuf sb;
};

static void seen_line(void *ctx, const char *label, const char *line, size_t len)
{
	struct seen *s = ctx;
	sbuf_addf(&s->sb, "%s:%.*s\n", label, (int)len, line);
}

Test(fanout, parallel_sequences_and_input)
{
	char *a1[] = { "sh", "-c", "read -r x; echo \"a got $x\"", NULL };
	char *a2[] = { "sh", "-c", "read -r x; echo \"again $x\"", NULL };
	char *b1[] = { "sh", "-c", "echo b; exit 3", NULL };
	char *b2[] = { "sh", "-c", "echo never", NULL };
	char *c1[] = { "sleep", "5", NULL };
	struct wf_fan_job j[3];
	struct seen s = { SBUF_INIT };
	size_t failed;

	memset(j, 0, sizeof(j));
	j[0].label = "web1", j[0].cmds[0] = a1, j[0].cmds[1] = a2, j[0].n_cmds = 2, j[0].input = "v $(x)\n";
	j[1].label = "web2", j[1].cmds[0] = b1, j[1].cmds[1] = b2, j[1].n_cmds = 2;
	j[2].label = "web3", j[2].cmds[0] = c1, j[2].n_cmds = 1, j[2].timeout = 1;
	failed = wf_fan_run(j, 3, 0, seen_line, &s);
	cr_assert_eq(failed, 2);
	cr_assert_eq(j[0].exit_status, 0);
	cr_assert_eq(j[1].exit_status, 3);
	cr_assert_eq(j[2].exit_status, 124);
	cr_assert(strstr(s.sb.buf, "web1:a got v $(x)\n"), "%s", s.sb.buf);
	cr_assert(strstr(s.sb.buf, "web1:again v $(x)\n"), "%s", s.sb.buf);
	cr_assert(strstr(s.sb.buf, "web2:b\n"), "%s", s.sb.buf);
	cr_assert_null(strstr(s.sb.buf, "never"), "%s", s.sb.buf);
	cr_assert(strstr(j[2].output, "killed after its timeout of 1 s"), "%s", j[2].output);
	cr_assert_str_eq(j[1].output, "b\n");
	wf_fan_free(j, 3);
	sbuf_free(&s.sb);
}

/* hosts_parallel = 1: one job after the other, in order, each whole
 * before the next starts; a job that cannot run does not stop the rest. */
Test(fanout, at_most_max_at_once)
{
	char *run[] = { "sh", "-c", "echo start; sleep 0.1; echo end", NULL };
	char *bad[] = { "/nonexistent/wf-no-such-tool", NULL };
	struct wf_fan_job j[4];
	struct seen s = { SBUF_INIT };
	const char *labels[] = { "a", "b", "c", "d" };

	memset(j, 0, sizeof(j));
	for (size_t i = 0; i < 4; i++)
		j[i].label = labels[i], j[i].cmds[0] = i == 2 ? bad : run, j[i].n_cmds = 1;
	cr_assert_eq(wf_fan_run(j, 4, 1, seen_line, &s), 1);
	cr_assert_str_eq(s.sb.buf, "a:start\na:end\nb:start\nb:end\n"
			 "c:cannot run '/nonexistent/wf-no-such-tool': No such file or directory\nd:start\nd:end\n", "%s", s.sb.buf);
	cr_assert_eq(j[2].exit_status, 127);
	cr_assert_eq(j[3].exit_status, 0);
	wf_fan_free(j, 4);
	sbuf_free(&s.sb);
}

/* Issue 24, point 9: Test and Live placing into one directory of one host. */
Test(config_hosts, two_envs_on_one_host_place)
{
	load_err("test = { path = \"/tmp/wfhosts/test\"; hosts = ( { target = \"deploy@web1:/srv/site\"; } ); };\n"
		 "live = { path = \"/tmp/wfhosts/live\";\n hosts = ( { target = \"web1:/srv/site/\"; } ); };",
		 "t.conf:3: 'test.hosts' and 'live.hosts' overlap ('deploy@web1:/srv/site', 'web1:/srv/site/')");
	load_ok("test = { path = \"/tmp/wfhosts/test\"; hosts = ( { target = \"web1:/srv/test\"; } ); };\n"
		"live = { path = \"/tmp/wfhosts/live\"; hosts = ( { target = \"web1:/srv/live\"; } ); };");
	wf_config_free(&cfg);
	load_ok("test = { path = \"/tmp/wfhosts/test\"; hosts = ( { target = \"web1:/srv/site\"; } ); };\n"
		"live = { path = \"/tmp/wfhosts/live\"; hosts = ( { target = \"web2:/srv/site\"; } ); };");
}
