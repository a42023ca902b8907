# The database is part of a deploy (issue 25, point 2; docs/database.md),
# against a real server of ENGINE (t36-database.t: MariaDB,
# t36-database-pg.t: PostgreSQL), which the caller started; it defines
#   site_setup        the user "site" (password $PASS) and its databases site_live, site_test
#   db DB SQL         SQL run as the site user, rows as tab-separated lines
#   migrate_cmd       the command line a Live step runs migration.sql with
#   upsert ID V       SQL inserting the row (ID, V) unless it is there
#   sanitize_step     the sanitize step of Test (libconfig)
# and CONN_KEYS, the connection keys of each database.* group.
# A Live deploy takes a snapshot before its steps; a failing step brings
# back only the code; a rollback with -o restore-db restores the snapshot;
# keep prunes snapshots; a branch env's database is created and dropped
# with it; a database is cloned down and sanitized; no password is ever
# shown or recorded.

P=$T/site
ALL=$T/all-pushes.out
: >"$ALL"
# every push's output, for the password check at the end
push_all() { push "$@"; cat "$OUT" >>"$ALL"; }

site_setup
cat >"$T/workflow.conf" <<CONF
test = { path = "$P/test"; };
live = { path = "$P/live"; keep = 3;
  steps = ( { name = "migrate"; run = [ "sh", "migrate.sh" ]; } ); };
multidev = { branches = [ "md/*" ]; path = "$P/md"; };
database = {
  engine = "$ENGINE";
  live = { name = "site_live"; $CONN_KEYS };
  test = { name = "site_test"; $CONN_KEYS
    sanitize = ( $(sanitize_step) ); };
  multidev = { name = "site_md_\${WF_ENV}"; create = true; $CONN_KEYS };
};
CONF
setup --conf "$T/workflow.conf"

# release N: migration.sql adds row (N, vN); with fail, the step fails after it
release() {
	{ upsert "$1" "v$1"; [ -z "${3:-}" ] || echo "$3"; } >migration.sql
	printf '%s\n[ ! -e fail ] || { echo "the migration failed on purpose"; exit 1; }\n' "$(migrate_cmd)" >migrate.sh
	rm -f fail
	[ "${2:-}" != fail ] || touch fail
	git add -A
	commit "v$1"
	git push -q origin master master:test 2>/dev/null
	fetch
	push_all origin test:live
}
rows() { db site_live "SELECT id FROM t ORDER BY id" | tr '\n' ' '; }
snap() { echo "$P/live/releases/$1.db.sql.gz"; }

release 1
check "the first Live deploy runs its step" eval '[ "$rc" = 0 ] && [ "$(rows)" = "1 " ]'
check "  ... with no snapshot: there is no release before it to go back to" \
	says "no snapshot of database site_live: there is no release before this one"
release 2
check "a Live deploy saves the database before its steps, beside the release before" \
	eval '[ "$rc" = 0 ] && [ -s "$(snap deploy_live_1)" ] && [ -d "$P/live/releases/deploy_live_1" ]'
check "  ... and says so, with its time" says "database site_live saved before the steps as releases/deploy_live_1.db.sql.gz (.* KB, taken 20.* UTC)"
# (-w: a row's value as a whole word; pg_dump's random \restrict key may
# hold "v2" inside it)
check "  ... the snapshot is what the database had before the step (gzip SQL)" \
	eval 'zcat "$(snap deploy_live_1)" | grep -qw "v1" && ! zcat "$(snap deploy_live_1)" | grep -qw "v2"'
check "  ... the step ran after it" test "$(rows)" = "1 2 "
check "  ... the snapshot is not readable by others" test "$(stat -c %a "$(snap deploy_live_1)")" = 600

release 3 ok "ALTER TABLE t ADD COLUMN IF NOT EXISTS c INT;"
db site_live "INSERT INTO t (id, v) VALUES (100, 'written after the deploy')"
check "release 3 is live, a row written after it" test "$(rows)" = "1 2 3 100 "

# a rollback without -o restore-db leaves the database alone, and says what it could do
push_all -f origin 'deploy_live_2^{commit}:live'
check "a rollback without -o restore-db leaves the database as it is" \
	eval '[ "$rc" = 0 ] && [ "$(rows)" = "1 2 3 100 " ]'
check "  ... saying a snapshot goes with that release, and how to restore it" \
	says "the database is left as it is. A snapshot taken .* goes with releases/deploy_live_2: a rollback pushed with -o restore-db restores it, as does 'git-workflow restore-db live deploy_live_2'"

# a rollback with -o restore-db restores the release's snapshot
push_all -f -o dry-run -o restore-db origin 'deploy_live_1^{commit}:live'
check "a dry run of it says the snapshot it would take and the one it would restore" \
	eval 'says "would save database site_live as releases/deploy_live_2.db.sql.gz before the steps" && says "would restore database site_live to its snapshot of releases/deploy_live_1, taken 20.* UTC: what was written since is lost"'
check "  ... and changes nothing" eval '[ "$(rows)" = "1 2 3 100 " ] && [ "$(readlink "$P/live/current")" = releases/deploy_live_2 ]'
push_all -f -o restore-db origin 'deploy_live_1^{commit}:live'
check "a rollback with -o restore-db restores the snapshot of the release it goes back to" \
	eval '[ "$rc" = 0 ] && [ "$(rows)" = "1 " ]'
check "  ... a row written after the snapshot is gone, and so is the later schema" \
	eval '! db site_live "SELECT c FROM t" >/dev/null 2>&1'
check "  ... the push says plainly what is lost, with the time" \
	says "-o restore-db: database site_live goes back to its snapshot of releases/deploy_live_1, taken 20.* UTC: everything written to it since 20.* UTC is LOST"
check "  ... and that it was restored" says "database site_live restored to the snapshot of"
check "  ... what the rollback left is kept with the release it left" \
	eval 'zcat "$(snap deploy_live_2)" | grep -q "written after the deploy"'

# a Live step that fails brings back the code only
release 4 fail
check "a Live deploy whose step fails goes back to the code before" \
	eval '[ "$rc" = 0 ] && [ "$(readlink "$P/live/current")" = releases/deploy_live_1 ]'
check "  ... the database keeps what the step did" eval '[ "$(rows)" = "1 4 " ]'
check "  ... and the push says it was not restored, and how to" \
	says "only the code went back: database site_live was NOT restored and keeps what this deploy did to it. Its snapshot from before the steps, taken .*, is releases/deploy_live_1.db.sql.gz: restore it with 'git-workflow restore-db live deploy_live_1' on the server"
"$WF_CLI" -C "$T/origin.git" restore-db live deploy_live_1 >"$OUT" 2>&1; rc=$?
cat "$OUT" >>"$ALL"
check "git-workflow restore-db live RELEASE restores its snapshot" eval '[ "$rc" = 0 ] && [ "$(rows)" = "1 " ]'
check "  ... saying what is lost" says "everything written to it since .* is LOST"
check "  ... recorded, as a deploy is" sh -c '"$1" -C "$2" log | grep -Eq "^ *[0-9]+ [^ ]+ restore-db +ok +live "' - "$WF_CLI" "$T/origin.git"
"$WF_CLI" -C "$T/origin.git" restore-db live deploy_live_2 >"$OUT" 2>&1
check "  ... the snapshot of a release current does not serve: a warning" \
	says "warning: live's current serves releases/deploy_live_1, not deploy_live_2"
"$WF_CLI" -C "$T/origin.git" restore-db live deploy_live_1 >/dev/null 2>&1
"$WF_CLI" -C "$T/origin.git" restore-db live deploy_live_9 >"$OUT" 2>&1; rc=$?
check "  ... a release with no snapshot is refused in one line" \
	sh -c '[ "$1" = 1 ] && grep -q "live has no snapshot for .deploy_live_9." "$2"' - "$rc" "$OUT"

# keep = 3: pruned releases take their snapshots with them
release 5
release 6
release 7
check "keep prunes the releases and their snapshots with them" \
	eval '[ "$rc" = 0 ] && [ ! -e "$(snap deploy_live_1)" ] && [ ! -e "$(snap deploy_live_2)" ] && [ ! -e "$P/live/releases/deploy_live_1" ] && says "removed .* old release"'
check "  ... and no snapshot outlives its release" sh -c 'for f in "$1"/*.db.sql.gz; do [ -d "${f%.db.sql.gz}" ] || exit 1; done' - "$P/live/releases"

# Test takes no snapshots (snapshot is Live's default only): a rollback of
# it with -o restore-db has none to restore and is refused, nothing moved
fetch
before=$(tip refs/heads/test)
push_all -f -o restore-db origin 'deploy_test_6^{commit}:test'
check "-o restore-db on a rollback to a release with no snapshot is refused" \
	eval '[ "$rc" != 0 ] && at refs/heads/test "$before" && [ "$(readlink "$P/test/current")" = releases/deploy_test_7 ]'
check "  ... saying why and what to do" \
	says "-o restore-db: there is no snapshot of database site_test for releases/deploy_test_6 (none was taken, or it was pruned): push refused, nothing moved; push without -o restore-db"
push_all -f -o restore-db origin 'deploy_test_1^{commit}:test'
check "  ... and so is one to a commit whose release was pruned" \
	eval '[ "$rc" != 0 ] && at refs/heads/test "$before" && says "the commit it goes back to has no kept release (pruned by keep), so no snapshot of database site_test: push refused"'

# content down: Live's database into Test's, sanitized, the old one replaced
db site_test "CREATE TABLE only_in_test (x INT)"
"$WF_CLI" -C "$T/origin.git" clone-db live test >"$OUT" 2>&1; rc=$?
cat "$OUT" >>"$ALL"
check "git-workflow clone-db live test copies Live's database into Test's" \
	eval '[ "$rc" = 0 ] && [ "$(db site_test "SELECT id FROM t ORDER BY id" | tr "\n" " ")" = "$(rows)" ]'
check "  ... then runs Test's sanitize steps" \
	eval '[ "$(db site_test "SELECT DISTINCT v FROM t")" = scrubbed ] && [ "$(db site_live "SELECT v FROM t WHERE id = 1")" = v1 ]'
check "  ... Test's old database is replaced, not mixed" eval '! db site_test "SELECT * FROM only_in_test" >/dev/null 2>&1'
check "  ... recorded" sh -c '"$1" -C "$2" log test | grep -Eq "^ *[0-9]+ [^ ]+ clone-db +ok +test "' - "$WF_CLI" "$T/origin.git"
"$WF_CLI" -C "$T/origin.git" clone-db test live >"$OUT" 2>&1; rc=$?
check "  ... into Live only with --into-live" sh -c '[ "$1" != 0 ] && grep -q "add --into-live" "$2"' - "$rc" "$OUT"

# content down in a deploy: a Test promotion with -o clone-content gets
# Live's database too (after the files), sanitized
db site_live "INSERT INTO t (id, v) VALUES (500, 'only on live')"
echo 8 >content.txt; git add content.txt; commit "v8"
git push -q origin master 2>/dev/null
push_all -o dry-run -o clone-content origin master:test
check "the dry run of -o clone-content names the database it would replace" \
	says "dry-run: test: would replace database site_test by a copy of live's database site_live (dropped, created, loaded), then run 1 sanitize step "
push_all -o clone-content origin master:test
check "a Test promotion with -o clone-content copies Live's database into Test's" \
	eval '[ "$rc" = 0 ] && db site_test "SELECT id FROM t" | grep -qx 500 && says "database: live (site_live) into test (site_test)"'
check "  ... and runs Test's sanitize steps on it" eval '[ "$(db site_test "SELECT DISTINCT v FROM t")" = scrubbed ]'
check "  ... and its record says the database came too" \
	sh -c '"$1" -C "$2" show deploy_test_8 | grep -q "database site_live into site_test (1 sanitize step)"' - "$WF_CLI" "$T/origin.git"

# a branch env's database: created with it, dropped with it
push_all origin HEAD:md/feature-x
check "a new branch env gets its own database (multidev.create)" \
	eval '[ "$rc" = 0 ] && db site_md_feature_x "SELECT 1" >/dev/null'
push_all origin :md/feature-x
check "deleting the branch env drops its database" eval '[ "$rc" = 0 ] && ! db site_md_feature_x "SELECT 1" >/dev/null 2>&1'
check "  ... and says so" says "its database site_md_feature_x dropped"

check "the password is in no push output" sh -c '! grep -q -- "$1" "$2"' - "$PASS" "$ALL"
check "  ... nor in the records, run logs or journals" sh -c '! grep -rq -- "$1" "$2"' - "$PASS" "$T/origin.git/workflow"
check "  ... nor in a snapshot" sh -c 'for f in "$2"/*.db.sql.gz; do zcat "$f" | grep -q -- "$1" && exit 1; done; :' - "$PASS" \
	"$P/live/releases"
check "  ... nor any dump left outside the snapshots" \
	eval '[ -z "$(find "$P/live/.wf-db" "$T/origin.git/workflow/tmp" ! -type d 2>/dev/null)" ]'
