// DecideText: one case given as text in, its decision or its located errors
// out, the way every tool of aftersales decides a case (the CLI, the C API,
// batches, diff and the policy tests), so the same case gives the same
// output and the same error text wherever it is decided.
//
//   aftersales::CaseText run = aftersales::DecideText(*policy, json);
//   if (run.outcome == aftersales::CaseText::Outcome::kDecided) send(run.output);
//   else for (const std::string& e : run.errors) log(e);
#ifndef AFTERSALES_DECIDE_TEXT_H_
#define AFTERSALES_DECIDE_TEXT_H_

#include <string>
#include <string_view>
#include <vector>

#include "aftersales/decision.h"
#include "aftersales/export.h"
#include "aftersales/policy.h"

namespace aftersales {

struct DecideTextOptions {
  enum class Input { kJson, kYaml };
  // One line of JSON (as a batch writes), JSON indented by two spaces (as
  // `decide --case` prints), or the text an agent reads (DecisionToText).
  enum class Output { kJsonLine, kJsonIndented, kText };
  Input input = Input::kJson;
  Output output = Output::kJsonLine;
  bool explain = false;        // add the trace (DecideOptions::explain)
  std::string_view source_name;  // prefixes a reading error (a file name); may be empty
};

struct CaseText {
  enum class Outcome {
    kDecided,     // `output` holds the decision
    kNotDecided,  // read, but its decision failed: `errors` says why
    kNotRead,     // the text is not a case of this policy: `errors` has one line
  };
  Outcome outcome = Outcome::kNotRead;
  // The decision in the form asked for. For kNotDecided with JSON output,
  // the decision's JSON holding its `errors` (what a batch writes); empty
  // otherwise.
  std::string output;
  // One line per error: `file:line:column: message` when the error has a
  // place in the policy, the message alone otherwise.
  std::vector<std::string> errors;
  std::string case_id;  // when the case was read and has one
};

// Never throws; running out of memory is a kNotDecided with that error.
AFTERSALES_EXPORT CaseText DecideText(const Policy& policy, std::string_view text,
                                      const DecideTextOptions& options = {});

// A decision's error as every tool prints it: `file:line:column: message`,
// or the message alone when it has no place.
AFTERSALES_EXPORT std::string FormatDecisionError(const DecisionError& error);

}  // namespace aftersales

#endif  // AFTERSALES_DECIDE_TEXT_H_
