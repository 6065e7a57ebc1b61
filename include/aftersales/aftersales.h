/* aftersales: decide e-commerce after-sales cases with a YAML policy.
 *
 * This header is the whole public API. From C it declares the C API below
 * (opaque handles, JSON strings in and out, status codes; no C++ exception
 * ever crosses it). From C++ it also includes the C++ API (Policy,
 * LoadPolicy, Decision, ...).
 *
 * C example:
 *   aftersales_policy_t* policy = NULL;
 *   char* error = NULL;
 *   if (aftersales_policy_load("rules", &policy, &error) != AFTERSALES_OK) {
 *     fprintf(stderr, "%s", error);  aftersales_free(error);  return 2;
 *   }
 *   char* decision = NULL;
 *   if (aftersales_decide_json(policy, case_json, strlen(case_json), 0, &decision, &error) == AFTERSALES_OK)
 *     puts(decision);
 *   aftersales_free(decision);  aftersales_free(error);
 *   aftersales_policy_free(policy);
 */
#ifndef AFTERSALES_AFTERSALES_H_
#define AFTERSALES_AFTERSALES_H_

#include <stddef.h>

#include "aftersales/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A loaded, compiled policy. Immutable: one handle may be used by any
 * number of threads at once. */
typedef struct aftersales_policy_t aftersales_policy_t;

/* Status codes; stable. They match the CLI's exit codes where they meet. */
typedef enum aftersales_status {
  AFTERSALES_OK = 0,
  AFTERSALES_EVAL_FAILED = 1,   /* the case was read but could not be decided */
  AFTERSALES_BAD_INPUT = 2,     /* the case is not valid JSON, or a fact is wrong */
  AFTERSALES_BAD_POLICY = 3,    /* the policy has errors (each as file:line:column: message) */
  AFTERSALES_BAD_ARGUMENT = 4,  /* a NULL where a value is required, or unknown flag bits */
  AFTERSALES_INTERNAL = 5       /* a bug or out of memory */
} aftersales_status;

/* Flags for aftersales_decide_json. */
#define AFTERSALES_EXPLAIN 1 /* add the trace: every rule tried and why */
#define AFTERSALES_TEXT 2    /* the text an agent reads instead of JSON */

/* Loads the policy at `path` (a .yaml file or a folder). On success *out
 * holds a handle to free with aftersales_policy_free. On failure *out is
 * NULL and, when `error` is not NULL, *error holds every problem, one per
 * line (free it with aftersales_free). */
AFTERSALES_EXPORT aftersales_status aftersales_policy_load(const char* path, aftersales_policy_t** out,
                                                           char** error);

/* Frees a policy. NULL is fine. REQUIRES: no decision in flight uses it. */
AFTERSALES_EXPORT void aftersales_policy_free(aftersales_policy_t* policy);

/* "sha256:..." naming the policy's exact content; owned by the policy. */
AFTERSALES_EXPORT const char* aftersales_policy_digest(const aftersales_policy_t* policy);

/* Decides one case given as JSON (`length` bytes, need not be
 * NUL-terminated). On AFTERSALES_OK, *decision holds the decision (JSON, or
 * text with AFTERSALES_TEXT); otherwise *decision is NULL and *error says
 * why, naming the field (when `error` is not NULL). Free both with
 * aftersales_free. Thread-safe. `flags` is 0 or an OR of the flags above;
 * any other bit gives AFTERSALES_BAD_ARGUMENT. A case is decided once,
 * whether it fails or not. */
AFTERSALES_EXPORT aftersales_status aftersales_decide_json(const aftersales_policy_t* policy, const char* case_json,
                                                           size_t length, int flags, char** decision,
                                                           char** error);

/* Frees a string the library returned. NULL is fine. */
AFTERSALES_EXPORT void aftersales_free(void* p);

/* The library's version, e.g. "0.1.0"; static storage. */
AFTERSALES_EXPORT const char* aftersales_version(void);

#ifdef __cplusplus
}  /* extern "C" */

#include "aftersales/batch.h"
#include "aftersales/decide_text.h"
#include "aftersales/decision.h"
#include "aftersales/decision_log.h"
#include "aftersales/diff.h"
#include "aftersales/expression.h"
#include "aftersales/facts.h"
#include "aftersales/issue.h"
#include "aftersales/lint.h"
#include "aftersales/loader.h"
#include "aftersales/options.h"
#include "aftersales/policy.h"
#include "aftersales/policy_store.h"
#include "aftersales/policy_tests.h"
#include "aftersales/result.h"
#include "aftersales/status.h"
#include "aftersales/version.h"
#endif

#endif /* AFTERSALES_AFTERSALES_H_ */
