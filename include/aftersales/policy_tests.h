// Policy tests: YAML files of cases, each with the decision fields it must
// get (partially specified), run against a loaded policy. This is how the
// people who own a policy check a change before it goes live.
//
// A test file:
//
//   base:                      # optional: facts every test here starts from
//     case: {timezone: Asia/Shanghai, locale: zh-CN}
//   tests:
//     - name: quality defect on day 3
//       case:                  # merged over base, map by map
//         issue: {type: quality_defect}
//       expect:
//         resolution: return_refund
//         refund_cents: 29900
//         freight: {payer: merchant}      # nested or dotted: freight.payer
//         escalation: null                # a group with nothing set
//         matched_rules: [quality_7d_return, evidence_quality]   # exact, in order
//         script_contains: "29900"        # or a list of substrings
//         script_not_contains: "运费"      # none of these may be in the script
//         error: "no rule decided"        # the decision must fail, with this text
//
// A policy with platform overlays (`platforms` in its header) runs its own
// tests, each case decided by the overlay of its platform, and then each
// overlay's tests folder against the overlay; a rule counts as reached when
// any test of any of them fires it.
#ifndef AFTERSALES_POLICY_TESTS_H_
#define AFTERSALES_POLICY_TESTS_H_

#include <string>
#include <vector>

#include "aftersales/export.h"
#include "aftersales/issue.h"
#include "aftersales/options.h"
#include "aftersales/policy.h"

namespace aftersales {

struct PolicyTestFailure {
  std::string test;         // the test's name
  SourceLocation location;  // of the test in its file
  std::string field;        // the decision field (or "case", "error", ...)
  std::string expected;
  std::string actual;
  std::vector<std::string> rules_fired;
  // `file:line:column: test 'name': field: expected X, got Y (rules fired: a, b)`
  AFTERSALES_EXPORT std::string ToString() const;
};

struct UnreachedRule {
  std::string rule_id;
  SourceLocation location;
};

// The tests of one policy: the policy's own, or a platform overlay's.
struct PolicyTestSuite {
  std::string policy;      // the name of the policy the tests ran against
  std::string platform;    // "" for the policy itself; the platform of an overlay
  std::string tests_path;  // the folder or file of tests
  int passed = 0;
  int failed = 0;
};

struct PolicyTestReport {
  int passed = 0;  // all suites together
  int failed = 0;
  std::vector<PolicyTestFailure> failures;
  std::vector<UnreachedRule> unreached;  // rules that no test's decision fired
  std::vector<Issue> issues;             // unreadable or malformed test files
  std::vector<PolicyTestSuite> suites;   // the policy's own first, then each overlay's
  bool ok() const { return failed == 0 && unreached.empty() && !HasErrors(issues); }
};

// Runs every *.yaml / *.yml test file in `tests_path` (a folder, or one
// file) against `policy`, and, when it has platform overlays, each
// overlay's `tests` folder (beside the overlay's files; skipped with a
// warning when there is none) against the overlay. Never throws.
AFTERSALES_EXPORT PolicyTestReport RunPolicyTests(const Policy& policy,
                                                  const std::string& tests_path,
                                                  const LoadOptions& options = {});

}  // namespace aftersales

#endif  // AFTERSALES_POLICY_TESTS_H_
