// The one case runner of the library: a case's text (or, for the policy
// tests, its YAML document) read and decided, with the errors every tool
// prints. DecideText (aftersales/decide_text.h), the CLI, the C API and
// batches write its decision as text through RunCase; diff and the policy
// test runner, which compare decisions, take it whole through DecideCase.
#ifndef AFTERSALES_DECISION_CASE_RUNNER_H_
#define AFTERSALES_DECISION_CASE_RUNNER_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aftersales/decide_text.h"
#include "aftersales/decision.h"
#include "aftersales/facts.h"
#include "aftersales/policy.h"

namespace aftersales::internal {

struct YamlNode;

// A case read and decided.
struct DecidedCase {
  CaseText::Outcome outcome = CaseText::Outcome::kNotRead;
  std::optional<Facts> facts;  // as read (kDecided, kNotDecided)
  Decision decision;           // kDecided, kNotDecided
  // As CaseText::errors: the reading error (kNotRead), or the decision's
  // errors, each `file:line:column: message` when it has a place.
  std::vector<std::string> errors;
  std::string case_id;
};

// Reads `text` as `options` says (input, source_name) and decides it
// (explain). Never throws: running out of memory, or any other failure
// while deciding, is a kNotDecided with that error.
DecidedCase DecideCase(const Policy& policy, std::string_view text, const DecideTextOptions& options);
// The same for a case already read as YAML (the policy tests' cases, merged
// over their file's base case), its errors at that document's lines.
DecidedCase DecideCase(const Policy& policy, const YamlNode& case_node, std::string_view source_name);

// Reads and decides `text` as DecideText does; appends to `*out` what
// DecideText would put in CaseText::output (nothing when the case was not
// read), and returns the rest (its `output` is left empty). Never throws.
CaseText RunCase(const Policy& policy, std::string_view text, const DecideTextOptions& options, std::string* out);

}  // namespace aftersales::internal

#endif  // AFTERSALES_DECISION_CASE_RUNNER_H_
