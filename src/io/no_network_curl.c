/* Link-time replacements for the six libcurl calls of CFITSIO (its https and ftps drivers), used
 * when the isoster tool links CFITSIO statically (ISOSTER_STATIC_TOOL). Debian's CFITSIO depends on
 * libcurl, which loads ~35 more shared libraries (TLS, Kerberos, LDAP) at every process start
 * (docs/benchmarks.md measures it). With these, an https:// or ftps:// input fails to open
 * with CFITSIO's usual error; local files (and CFITSIO's own http/ftp socket drivers) are
 * unchanged. */
#include <stddef.h>

void* curl_easy_init(void) { return NULL; }
int curl_easy_setopt(void* handle, int option, ...) {
  (void)handle;
  (void)option;
  return 1; /* CURLE_UNSUPPORTED_PROTOCOL */
}
int curl_easy_perform(void* handle) {
  (void)handle;
  return 1;
}
void curl_easy_cleanup(void* handle) { (void)handle; }
int curl_global_init(long flags) {
  (void)flags;
  return 2; /* CURLE_FAILED_INIT */
}
void curl_global_cleanup(void) {}
