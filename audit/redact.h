/* redact.h — secrets out of argv words before they are written anywhere.
 *
 * Redacted (the secret part becomes "***"):
 *  - the value of an option that names a secret, as the next word or after
 *    '=': --token, --password, --passwd, --secret, --api-key, --apikey,
 *    --access-token, --auth-token, --client-secret, --private-key;
 *  - NAME=VALUE words whose NAME looks secret (*TOKEN*, *SECRET*, *PASS*,
 *    *_KEY*, *APIKEY*, *CREDENTIAL*);
 *  - the userinfo of a URL (user:pass in https://user:pass@host becomes ***);
 *  - the value of an HTTP header that carries credentials (Authorization,
 *    Proxy-Authorization, Cookie, Set-Cookie, X-Api-Key, Api-Key,
 *    X-Auth-Token, Private-Token), also glued to curl's -H;
 *  - in a URL, the values of query parameters that name secrets (key, sig,
 *    signature, auth, code, access_token, …, and the NAME patterns below);
 *  - the values of the environment's secret variables (NAME patterns
 *    below, values of REDACT_VALUE_MIN bytes or more) wherever they occur;
 *  - known key formats anywhere in a word: sk-…, ghp_/gho_/ghu_/ghs_/ghr_…,
 *    github_pat_…, glpat-…, xox[abprs]-…, AKIA/ASIA + 16, AIza…
 * A word with spaces or quotes in it (a script: sh -c '…') gets these
 * rules token by token; a credential header's name there hides the rest
 * of its quoted string.
 * Pure.
 */
#ifndef LATCH_REDACT_H
#define LATCH_REDACT_H

#include "../common/strv.h"

#define REDACT_VALUE_MIN 8

/* The values of envp's secret variables, added to `values`. */
void redact_env_values(char *const *envp, struct strv *values);

/* `word` as it may be written, `prev` being the word before it (NULL for
 * the first), `values` the secret values to mask (may be NULL). NULL when
 * nothing is secret in it; else a new string. */
char *redact_word(const char *prev, const char *word, const struct strv *values);

#endif
