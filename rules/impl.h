/* impl.h — the engine's insides, shared by the files of rules/ only. */
#ifndef LATCH_RULES_IMPL_H
#define LATCH_RULES_IMPL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>

#include "rule.h"

/* A pattern with its source, compiled once. */
struct pattern {
	pcre2_code *code;
	char *text;
};

/* A named root of an operand test. */
enum root_kind { ROOT_WORKDIR, ROOT_HOME, ROOT_TMP, ROOT_CACHE, ROOT_PATH };

struct root {
	enum root_kind kind;
	char *path; /* ROOT_PATH: normalised absolute path */
};

struct rootset {
	struct root *v;
	size_t n;
	bool set;
};

/* One option in any of its spellings: short letters, long names. */
struct optspec {
	char *shorts;
	struct strv longs;
};

/* Which operands a test looks at, by place. */
enum opnd_place { PLACE_ANY, PLACE_FIRST, PLACE_LAST, PLACE_NOT_FIRST,
		  PLACE_NOT_LAST };

/* A test on the operands: holds when SOME operand passes every part. */
struct opnd_test {
	enum opnd_place place;   /* only the operands at this place */
	char *prefix;            /* only operands starting with it, stripped */
	struct rootset outside;  /* not strictly inside any root */
	struct rootset under;    /* equal to or inside some root */
	struct rootset not_under; /* neither equal to nor inside any root */
	struct rootset above;    /* equal to or an ancestor of some root */
	int in_git;              /* -1 unset; 1: has a component ".git"; 0: has not */
	int exists;              /* -1 unset; 1: is an existing file (not a
				    directory), as rules_roots.exists says */
	struct pattern *word;    /* on the operand as written (prefix stripped) */
	struct pattern *path;    /* on the resolved absolute path */
};

/* A conjunction: everything given must hold. */
struct cond {
	struct strv subcmd;      /* the subcommand is one of these */
	struct optspec *opts;    /* each present */
	size_t n_opts;
	struct opnd_test *opnds; /* each satisfied by some operand */
	size_t n_opnds;
	struct pattern **argv;   /* each matches some word after argv[0] */
	size_t n_argv;
	struct pattern *cmdline; /* matches "command word1 word2 …" */
	int no_operands;         /* -1 unset */
	struct cond *any;        /* at least one holds */
	size_t n_any;
	struct cond *not;        /* does not hold */
};

struct example {
	struct strv argv;
	char *cwd; /* NULL: the workdir */
	struct strv exists; /* the files that exist for it (absolute) */
	enum action expect;
	int line;
};

struct rule {
	char *id, *reason;
	const char *file; /* the pack's */
	int line;
	enum action action;
	struct strv commands;
	struct cond when;
	struct example *ex;
	size_t n_ex;
	size_t index; /* load order */
	bool disabled; /* by a profile: out of the index */
};

/* How a command's argv is read: which options take a value, the known long
 * options (for abbreviations), whether the first operand is a subcommand
 * (then "CMD SUB" names the subcommand's own grammar). */
struct grammar {
	char *command;
	char *value_shorts;
	struct strv value_longs;
	struct strv longs;
	char *target_shorts;      /* value options whose value is the */
	struct strv target_longs; /* destination: read as the last operand */
	char *chdir_shorts;       /* wrappers: value options whose value is */
	struct strv chdir_longs;  /* the inner command's directory (env -C) */
	bool wraps;               /* runs the command after its options */
	bool shell;               /* sh-like: -c SCRIPT is judged command by
				     command (shell.c) */
	bool assignments;         /* wrappers: NAME=VALUE words come first */
	char *script_shorts;      /* value options whose value is a shell */
	struct strv script_longs; /* script (script -c, flock -c, env -S) */
	struct strv script_keys;  /* if set, only a KEY=VALUE value with KEY
				     matching one (git -c core.pager=…) */
	struct strv alias_keys;   /* KEY=VALUE: VALUE is the command's own
				     arguments, or a script after '!' */
	bool script_operands;     /* the operands, joined, are a shell script
				     (watch) */
	int language;             /* enum lang: an interpreter whose
				     script_options' values are code */
	bool program_operand;     /* … or its first operand, unless -f (awk) */
	unsigned skip_operands;   /* wrappers: operands before the command */
	bool subcommands;
	bool expressions; /* find: operands end at the first word starting
			     with '-', '(' or '!'; what follows is not read */
	const char *file;
	int line;
};

struct pack {
	char *name, *description, *file;
};

struct cmd_index {
	const char *name;
	size_t *rules; /* indexes into rules[], in load order */
	size_t n;
};

struct rules {
	struct pack **packs;
	size_t n_packs;
	struct rule **rules;
	size_t n_rules;
	struct grammar **grammars; /* sorted by command */
	size_t n_grammars;
	struct cmd_index *index; /* sorted by name */
	size_t n_index;
	size_t *globs; /* rules with a "prefix*" command */
	size_t n_globs;
	bool jit_failed;
	bool skip_examples; /* run time: never read the examples document */
};

/* pack.c: parse one pack; the new rules and grammars are returned in the
 * arrays (owned by the caller) and the pack itself. */
struct parsed_pack {
	struct pack *pack;
	struct rule **rules;
	size_t n_rules;
	struct grammar **grammars;
	size_t n_grammars;
	bool jit_failed;
};
/* Parse a pack. A second YAML document, if any, maps rule ids to example
 * lists; with `examples` false it is not even read and the patterns are
 * not JIT-compiled (run time: rules_jit_now). */
int pack_parse(const char *buf, size_t len, const char *file, bool examples,
	       struct parsed_pack *out, struct err *e);
void pack_parsed_free(struct parsed_pack *pp);
void rule_free(struct rule *ru);
/* JIT-compile every pattern of a condition; false if one could not be. */
bool cond_jit(const struct cond *cd);
void grammar_free(struct grammar *g);
void pattern_free(struct pattern *p);

/* argv.c: one command line read through its grammar. */
struct argv_view {
	const char *sub;        /* subcommand, or NULL */
	uint64_t shorts[4];     /* bit per byte value: short option letters seen */
	const char **longs;     /* long option names (after "--") … */
	size_t *long_len;       /* … and their lengths (up to '=') */
	size_t n_longs;
	const char **ops;       /* operands (a target option's value last) */
	size_t n_ops;
	const char *target;     /* the value of a target option (-t DIR) */
	const char *chdir;      /* the value of a chdir option (env -C DIR) */
	const char **scripts;   /* the values of script options */
	size_t n_scripts;
	const struct grammar *g; /* the grammar used for the options, or NULL */
};
void argv_read(struct argv_view *v, const struct rules *r, const char *command,
	       const char *const *argv, size_t argc);
void argv_view_free(struct argv_view *v);
/* For a wrapper grammar (wraps: true): the index in argv of the command
 * it runs (0: none), and in *chdir the directory it runs it in (NULL:
 * the same). */
size_t argv_inner(const struct grammar *g, const char *const *argv,
		  size_t argc, const char **chdir);
bool argv_has_short(const struct argv_view *v, unsigned char c);
/* Does one of the long options `names` appear, exactly or abbreviated (an
 * abbreviation counts when all its readings among the grammar's known long
 * options are in `names`; without a grammar, any prefix counts)? */
bool argv_has_long(const struct argv_view *v, const struct strv *names);
const struct grammar *grammar_find(const struct rules *r, const char *command);

/* NAME=VALUE, as a shell reads an assignment before a command. */
bool argv_is_assignment(const char *w);
/* For a shell grammar (shell: true) given -c: the index in argv of the
 * script (0: none); the words after it are $0, $1 … */
size_t argv_script(const struct grammar *g, const char *const *argv,
		   size_t argc);

/* shell.c: the simple commands of a script, as far as they are known
 * without running it. */
struct sh_cmd {
	struct strv argv;   /* words, expanded where known */
	struct strv writes; /* targets of > >| &> N> (not >>) */
	char *cwd;          /* where it runs (cd followed) */
};
struct sh_script {
	struct sh_cmd *v;
	size_t n;
};
/* `pos` are $0..$(npos-1); `home` (may be NULL) is ~ and $HOME. */
void shell_parse(const char *script, const char *cwd, const char *home,
		 const char *const *pos, size_t npos, struct sh_script *out);
void shell_free(struct sh_script *s);

/* oneliner.c: what an interpreter one-liner runs, as far as its literals
 * tell: shell scripts, argvs, and recursive deletes as `rm -rf -- T`. */
enum lang { LANG_NONE, LANG_PYTHON, LANG_PERL, LANG_RUBY, LANG_NODE,
	    LANG_PHP, LANG_AWK };
int lang_from_name(const char *s); /* -1: unknown */
struct ol_item {
	char *script;     /* a shell script, or NULL: */
	struct strv argv; /* an argv */
};
struct oneliner {
	struct ol_item *v;
	size_t n;
};
/* `home` (may be NULL) is what ~ and the home expressions mean. */
void oneliner_parse(enum lang l, const char *code, const char *home,
		    struct oneliner *out);
void oneliner_free(struct oneliner *o);

/* paths.c: lexical resolution and root tests. */
/* `p` made absolute against `cwd` and normalised: ".", "..", "//" and a
 * trailing "/" removed. Fresh string. */
char *path_resolve(const char *cwd, const char *p);
bool path_inside(const char *p, const char *root);   /* strictly */
bool path_under(const char *p, const char *root);    /* equal or inside */
bool path_above(const char *p, const char *root);    /* equal or ancestor */
bool path_has_git(const char *p);

/* match.c: one decision's state and condition evaluation. */
struct call {
	const struct rules *r;
	const char *command;
	const char *const *argv;
	size_t argc;
	const char *cwd;
	char *workdir, *home, *cache; /* normalised roots, or NULL */
	bool (*exists)(const char *path, void *ctx); /* rules_roots' */
	void *exists_ctx;
	struct argv_view view;
	bool have_view;
	char *cmdline;
	size_t cmdline_len;
	pcre2_match_data *md;
};
void call_init(struct call *cl, const struct rules *r, const char *command,
	       const char *const *argv, size_t argc, const char *cwd,
	       const struct rules_roots *roots);
void call_done(struct call *cl);
bool cond_holds(struct call *cl, const struct cond *c);
/* A condition that holds for every argv: the rule applies to every use. */
bool cond_empty(const struct cond *c);

#endif
