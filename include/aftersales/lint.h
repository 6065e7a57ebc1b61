// Lint: what is wrong with a policy that loads (docs/policy-language.md,
// "Lint"): rules that can never fire, table rows that overlap or disagree,
// cases a stage leaves undecided, conditions that can never be true,
// declarations nothing uses, scripts missing a locale. Findings that claim
// a case exists come with one: a case that `decide` confirms, found and
// run through the engine before it is reported.
//
// Exact where conditions compare facts, named values and decision fields
// of bool, int, enum or string type with constants; conservative elsewhere
// (what it cannot see into it treats as unknown, and then claims nothing).
// Thread-safe: it only reads the policy.
#ifndef AFTERSALES_LINT_H_
#define AFTERSALES_LINT_H_

#include <string>
#include <vector>

#include "aftersales/export.h"
#include "aftersales/issue.h"
#include "aftersales/policy.h"

namespace aftersales {

struct LintFinding {
  Severity severity = Severity::kError;
  // shadowed, overlap, disagree, gap, unsatisfiable (errors); unused,
  // missing_locale, incomplete (warnings; incomplete: the work limit
  // stopped the analysis, so later checks did not run).
  std::string code;
  std::string message;
  SourceLocation location;
  // The rules or rows concerned, the one the finding is about first
  // (shadowed: then a smallest set of earlier ones that covers it).
  std::vector<std::string> rules;
  // A case that shows the problem, as a JSON object on one line (facts in
  // the vocabulary's shape); "" for findings that have none.
  std::string counterexample;
};

struct LintReport {
  std::vector<LintFinding> findings;  // by file, line, column
  AFTERSALES_EXPORT bool has_errors() const;
};

struct LintOptions {
  // How much analysis one run may do, in units of about one comparison of
  // two sets of cases (the shipped policy with its overlays takes under a
  // million, a 3,000-row table 30 to 200 million). Past it, lint stops and
  // says so with an `incomplete` warning instead of running on.
  long long max_work = 2'000'000'000;
};

// Lints `policy` and each of its platform overlays (a finding they share
// is reported once). Never fails: a policy that loaded can be linted.
AFTERSALES_EXPORT LintReport LintPolicy(const Policy& policy, const LintOptions& options = {});

// `file:line:column: severity: message [code]`, each counterexample below
// its finding, indented.
AFTERSALES_EXPORT std::string FormatLintText(const LintReport& report);
// {"findings": [{"severity", "code", "file", "line", "column", "message",
// "rules", "counterexample"}]} with `indent` as nlohmann's dump (-1: one line).
AFTERSALES_EXPORT std::string FormatLintJson(const LintReport& report, int indent = 2);

}  // namespace aftersales

#endif  // AFTERSALES_LINT_H_
