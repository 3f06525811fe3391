#include "report.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "../policy/access.h"

static const char *net_name(enum net_mode m)
{
	return m == NET_BLOCK ? "block" : m == NET_ALLOWLIST ? "allowlist" : "open";
}

static void print_list(FILE *out, const char *label, const struct strv *sv)
{
	fprintf(out, "%-12s", label);
	if (sv == NULL || sv->n == 0)
		fputs("(none)", out);
	for (size_t i = 0; sv && i < sv->n; i++)
		fprintf(out, "%s%s", i ? ", " : "", sv->v[i]);
	fputc('\n', out);
}

static void text_fs(FILE *out, const struct capset *cs)
{
	size_t hidden = 0;

	fputs("\ngrants (union of all at or above a path)\n", out);
	for (size_t i = 0; i < cs->n_grants; i++)
		fprintf(out, "  %-4s %-40s %s\n", access_str(cs->grants[i].access),
			cs->grants[i].path, cs->grants[i].origin);
	fputs("\ndenied (win over every grant)\n", out);
	for (size_t i = 0; i < cs->n_denies; i++) {
		const struct deny *d = &cs->denies[i];

		if (!d->exists && !d->masked) {
			hidden++;
			continue;
		}
		fprintf(out, "  %-9s %-36s %s%s\n",
			d->write_only ? "read-only" : "deny", d->path, d->origin,
			d->masked ? " [masked]" : "");
	}
	if (hidden)
		fprintf(out, "  (and %zu more that do not exist here)\n", hidden);
	if (cs->n_unprotected) {
		fputs("\nunprotected (sensitive paths opened up by a profile)\n", out);
		for (size_t i = 0; i < cs->n_unprotected; i++)
			fprintf(out, "  %-40s %s\n", cs->unprotected[i].path,
				cs->unprotected[i].origin);
	}
}

void report_text(FILE *out, const struct report *r)
{
	const struct capset *cs = r->cs;

	fprintf(out, "%-12s%s (", "profile", cs->profile);
	for (size_t i = 0; i < cs->chain.n; i++)
		fprintf(out, "%s%s", i ? " -> " : "", cs->chain.v[i]);
	fputs(")\n", out);
	fprintf(out, "%-12s%s (%s)\n", "workdir", cs->workdir,
		access_str(cs->workdir_access));
	if (r->argv) {
		fprintf(out, "%-12s", "command");
		for (char *const *a = r->argv; *a; a++)
			fprintf(out, "%s%s", a == r->argv ? "" : " ", *a);
		fputc('\n', out);
	}
	print_list(out, "groups", &cs->groups);
	text_fs(out, cs);
	fputc('\n', out);
	if (r->stripped)
		print_list(out, "env strip", r->stripped);
	fprintf(out, "%-12s", "env set");
	for (size_t i = 0; i < cs->env_set.n; i++)
		fprintf(out, "%s%.*s", i ? ", " : "",
			(int)strcspn(cs->env_set.v[i], "="), cs->env_set.v[i]);
	fputs(cs->env_set.n ? "\n" : "(none)\n", out);
	fprintf(out, "%-12s%s; unix sockets %s\n", "network", net_name(cs->net_mode),
		cs->unix_sockets ? "allowed" : "refused");
	if (cs->net_mode == NET_ALLOWLIST) {
		print_list(out, "  allow", &cs->net_allow);
		fprintf(out, "%-12s%s\n", "  private", cs->net_private ? "allowed" : "refused");
	}
	for (size_t i = 0; i < cs->n_creds; i++)
		fprintf(out, "%-12s%s: %s, %s%s from %s (the sandbox's %s holds a phantom)\n",
			i ? "" : "credentials", cs->creds[i].route, cs->creds[i].upstream,
			cs->creds[i].header ? "" : "query parameter ",
			cs->creds[i].header ? cs->creds[i].header : cs->creds[i].param,
			cs->creds[i].source, cs->creds[i].env);
	if (cs->rule_packs_set)
		print_list(out, "rule packs", &cs->rule_packs);
	else
		fprintf(out, "%-12s%s\n", "rule packs", "every shipped pack");
	if (cs->rule_add.n)
		print_list(out, "  added", &cs->rule_add);
	if (cs->rule_disable.n)
		print_list(out, "  disabled", &cs->rule_disable);
	if (cs->exec_anonymous)
		fprintf(out, "%-12s%s\n", "  anonymous", "memfd/O_TMPFILE execs allowed (not judged by content)");
	fprintf(out, "%-12s%s\n", "snapshots", cs->snapshots
		? "at session start, and before execs rules mark 'snapshot' (latch rollback)"
		: "off");
	if (cs->snapshots && cs->snap_exclude.n)
		print_list(out, "  exclude", &cs->snap_exclude);
	if (cs->snapshots && cs->snap_include.n)
		print_list(out, "  include", &cs->snap_include);
	if (cs->snapshots && (cs->snap_max_files || cs->snap_max_bytes ||
			      cs->snap_max_file_size))
		fprintf(out, "%-12sfiles %llu, bytes %llu, one file %llu (0: no limit)\n",
			"  limits", (unsigned long long)cs->snap_max_files,
			(unsigned long long)cs->snap_max_bytes,
			(unsigned long long)cs->snap_max_file_size);
	if (r->sb) {
		fprintf(out, "%-12sLinux %s, Landlock ABI %d\n", "kernel",
			r->sb->kernel, r->sb->abi);
		for (size_t i = 0; i < r->sb->enforced.n; i++)
			fprintf(out, "  enforced      %s\n", r->sb->enforced.v[i]);
		for (size_t i = 0; i < r->sb->not_enforced.n; i++)
			fprintf(out, "  NOT enforced  %s\n", r->sb->not_enforced.v[i]);
	}
	for (size_t i = 0; i < cs->warnings.n; i++)
		fprintf(out, "warning: %s\n", cs->warnings.v[i]);
}

static cJSON *strv_json(const struct strv *sv)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; sv && i < sv->n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(sv->v[i]));
	return a;
}

static cJSON *fs_json(const struct capset *cs)
{
	cJSON *fs = cJSON_CreateObject();
	cJSON *g = cJSON_AddArrayToObject(fs, "grants");
	cJSON *d = cJSON_AddArrayToObject(fs, "denies");
	cJSON *u = cJSON_AddArrayToObject(fs, "unprotected");

	for (size_t i = 0; i < cs->n_grants; i++) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "path", cs->grants[i].path);
		cJSON_AddStringToObject(o, "access", access_str(cs->grants[i].access));
		cJSON_AddStringToObject(o, "type", cs->grants[i].is_dir ? "dir" : "file");
		cJSON_AddStringToObject(o, "origin", cs->grants[i].origin);
		cJSON_AddItemToArray(g, o);
	}
	for (size_t i = 0; i < cs->n_denies; i++) {
		const struct deny *x = &cs->denies[i];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "path", x->path);
		cJSON_AddStringToObject(o, "mode", x->write_only ? "read-only" : "deny");
		cJSON_AddBoolToObject(o, "exists", x->exists);
		cJSON_AddBoolToObject(o, "masked", x->masked);
		cJSON_AddBoolToObject(o, "required", x->required);
		cJSON_AddStringToObject(o, "origin", x->origin);
		cJSON_AddItemToArray(d, o);
	}
	for (size_t i = 0; i < cs->n_unprotected; i++) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "path", cs->unprotected[i].path);
		cJSON_AddStringToObject(o, "origin", cs->unprotected[i].origin);
		cJSON_AddItemToArray(u, o);
	}
	return fs;
}

cJSON *report_cjson(const struct report *r)
{
	const struct capset *cs = r->cs;
	cJSON *root = cJSON_CreateObject();
	cJSON *env, *net, *ports;

	cJSON_AddStringToObject(root, "profile", cs->profile);
	cJSON_AddItemToObject(root, "chain", strv_json(&cs->chain));
	cJSON_AddStringToObject(root, "workdir", cs->workdir);
	cJSON_AddStringToObject(root, "workdir_access", access_str(cs->workdir_access));
	if (r->argv) {
		cJSON *a = cJSON_AddArrayToObject(root, "command");

		for (char *const *p = r->argv; *p; p++)
			cJSON_AddItemToArray(a, cJSON_CreateString(*p));
	}
	cJSON_AddItemToObject(root, "groups", strv_json(&cs->groups));
	cJSON_AddItemToObject(root, "filesystem", fs_json(cs));
	env = cJSON_AddObjectToObject(root, "environment");
	cJSON_AddItemToObject(env, "stripped", strv_json(r->stripped));
	{
		cJSON *set = cJSON_AddArrayToObject(env, "set");

		for (size_t i = 0; i < cs->env_set.n; i++) {
			char *name = strndup(cs->env_set.v[i],
					     strcspn(cs->env_set.v[i], "="));

			cJSON_AddItemToArray(set, cJSON_CreateString(name ? name : ""));
			free(name);
		}
	}
	cJSON_AddItemToObject(env, "allow", strv_json(&cs->env_allow));
	cJSON_AddItemToObject(env, "deny", strv_json(&cs->env_deny));
	net = cJSON_AddObjectToObject(root, "network");
	cJSON_AddStringToObject(net, "mode", net_name(cs->net_mode));
	cJSON_AddBoolToObject(net, "unix_sockets", cs->unix_sockets);
	cJSON_AddItemToObject(net, "allow", strv_json(&cs->net_allow));
	cJSON_AddBoolToObject(net, "private", cs->net_private);
	{
		cJSON *routes = cJSON_AddArrayToObject(net, "credentials");

		for (size_t i = 0; i < cs->n_creds; i++) {
			cJSON *route = cJSON_CreateObject();

			cJSON_AddStringToObject(route, "route", cs->creds[i].route);
			cJSON_AddStringToObject(route, "upstream", cs->creds[i].upstream);
			if (cs->creds[i].header)
				cJSON_AddStringToObject(route, "header", cs->creds[i].header);
			else
				cJSON_AddStringToObject(route, "param", cs->creds[i].param);
			cJSON_AddStringToObject(route, "source", cs->creds[i].source);
			cJSON_AddStringToObject(route, "env", cs->creds[i].env);
			cJSON_AddItemToArray(routes, route);
		}
	}
	ports = cJSON_AddArrayToObject(net, "bind");
	for (size_t i = 0; i < cs->n_net_bind; i++)
		cJSON_AddItemToArray(ports, cJSON_CreateNumber(cs->net_bind[i]));
	ports = cJSON_AddArrayToObject(net, "connect");
	for (size_t i = 0; i < cs->n_net_connect; i++)
		cJSON_AddItemToArray(ports, cJSON_CreateNumber(cs->net_connect[i]));
	cJSON_AddBoolToObject(root, "best_effort", cs->best_effort);
	{
		cJSON *snap = cJSON_AddObjectToObject(root, "snapshots");

		cJSON_AddBoolToObject(snap, "enabled", cs->snapshots);
		cJSON_AddItemToObject(snap, "exclude", strv_json(&cs->snap_exclude));
		cJSON_AddItemToObject(snap, "include", strv_json(&cs->snap_include));
		cJSON_AddNumberToObject(snap, "max_files", (double)cs->snap_max_files);
		cJSON_AddNumberToObject(snap, "max_bytes", (double)cs->snap_max_bytes);
		cJSON_AddNumberToObject(snap, "max_file_size", (double)cs->snap_max_file_size);
	}
	{
		cJSON *rules = cJSON_AddObjectToObject(root, "rules");

		if (cs->rule_packs_set)
			cJSON_AddItemToObject(rules, "packs", strv_json(&cs->rule_packs));
		else
			cJSON_AddStringToObject(rules, "packs", "shipped");
		cJSON_AddItemToObject(rules, "add", strv_json(&cs->rule_add));
		cJSON_AddItemToObject(rules, "disable", strv_json(&cs->rule_disable));
		cJSON_AddBoolToObject(rules, "anonymous", cs->exec_anonymous);
	}
	if (r->sb) {
		cJSON *k = cJSON_AddObjectToObject(root, "kernel");

		cJSON_AddStringToObject(k, "release", r->sb->kernel);
		cJSON_AddNumberToObject(k, "landlock_abi", r->sb->abi);
		cJSON_AddItemToObject(k, "enforced", strv_json(&r->sb->enforced));
		cJSON_AddItemToObject(k, "not_enforced", strv_json(&r->sb->not_enforced));
		cJSON_AddItemToObject(k, "gaps", strv_json(&r->sb->gaps));
	}
	cJSON_AddItemToObject(root, "warnings", strv_json(&cs->warnings));
	return root;
}

void report_json(FILE *out, const struct report *r)
{
	cJSON *root = report_cjson(r);
	char *text = cJSON_Print(root);

	if (text) {
		fprintf(out, "%s\n", text);
		free(text);
	}
	cJSON_Delete(root);
}
