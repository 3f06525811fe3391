/* redact.h — secrets out of argv words before they are written anywhere.
 *
 * Redacted (the secret part becomes "***"):
 *  - the value of an option that names a secret, as the next word or after
 *    '=': --token, --password, --passwd, --secret, --api-key, --apikey,
 *    --access-token, --auth-token, --client-secret, --private-key;
 *  - NAME=VALUE words whose NAME looks secret (*TOKEN*, *SECRET*,
 *    *PASSWORD*, *PASSWD*, *API_KEY*, *APIKEY*, *PRIVATE_KEY*, *CREDENTIAL*);
 *  - the userinfo of a URL (user:pass in https://user:pass@host becomes ***);
 *  - an HTTP Authorization or Cookie header's value;
 *  - known key formats anywhere in a word: sk-…, ghp_/gho_/ghu_/ghs_/ghr_…,
 *    github_pat_…, glpat-…, xox[abprs]-…, AKIA/ASIA + 16, AIza…
 * Pure.
 */
#ifndef LATCH_REDACT_H
#define LATCH_REDACT_H

/* `word` as it may be written, `prev` being the word before it (NULL for
 * the first). NULL when nothing is secret in it; else a new string. */
char *redact_word(const char *prev, const char *word);

#endif
