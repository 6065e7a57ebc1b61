// Issues: problems found in user content (policy files, expressions,
// templates). They are collected, never thrown, and reported all at once,
// one line each as `file:line:column: message`.
#ifndef AFTERSALES_ISSUE_H_
#define AFTERSALES_ISSUE_H_

#include <string>
#include <vector>

#include "aftersales/export.h"

namespace aftersales {

// A place in a source file. line and column are 1-based; column counts
// Unicode code points, not bytes. 0 means unknown.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

enum class Severity { kError, kWarning };

struct Issue {
  Severity severity = Severity::kError;
  // Stable machine-readable code, e.g. "yaml.syntax", "expr.undeclared",
  // "schema.unknown_key". Listed in docs/policy-language.md.
  std::string code;
  std::string message;
  SourceLocation location;

  // `file:line:column: message` (parts that are unknown are left out;
  // warnings say "warning: " before the message).
  AFTERSALES_EXPORT std::string ToString() const;
};

// One line per issue, in order, each ending with '\n'.
AFTERSALES_EXPORT std::string FormatIssues(const std::vector<Issue>& issues);

// True when any issue has error severity.
AFTERSALES_EXPORT bool HasErrors(const std::vector<Issue>& issues);

}  // namespace aftersales

#endif  // AFTERSALES_ISSUE_H_
