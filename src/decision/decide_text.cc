// DecideText and RunCase: the one case runner behind the CLI, the C API
// and batches.
#include "aftersales/decide_text.h"

#include <exception>
#include <new>
#include <utility>
#include <vector>

#include "aftersales/issue.h"
#include "decision/case_runner.h"
#include "decision/policy_impl.h"
#include "decision/policy_internal.h"

namespace aftersales {

std::string FormatDecisionError(const DecisionError& error) {
  Issue as_issue;
  as_issue.location = error.location;
  as_issue.message = error.message;
  return as_issue.ToString();
}

namespace {

CaseText Run(const Policy& policy, std::string_view text, const DecideTextOptions& options, std::string* out) {
  CaseText run;
  Result<Facts> facts = options.input == DecideTextOptions::Input::kYaml
                            ? policy.ReadFactsYaml(text, options.source_name)
                            : policy.ReadFactsJson(text, options.source_name);
  if (!facts.ok()) {
    run.outcome = CaseText::Outcome::kNotRead;
    run.errors.push_back(facts.status().message());
    return run;
  }
  run.case_id = facts->case_id();
  DecideOptions decide;
  decide.explain = options.explain;
  std::vector<DecisionError> errors;
  bool decided = false;
  if (options.output == DecideTextOptions::Output::kJsonLine) {
    // Straight from the engine: no Decision built, decided once either way.
    decided = internal::PolicyInternal::Impl(policy).AppendDecisionJson(*facts, decide, out, &errors);
  } else {
    Decision d = policy.Decide(*facts, decide);
    decided = d.ok();
    if (options.output == DecideTextOptions::Output::kJsonIndented) {
      *out += DecisionToJson(d, options.explain, 2);
    } else if (decided) {
      *out += DecisionToText(d, options.explain);
    }
    errors = std::move(d.errors);
  }
  run.outcome = decided ? CaseText::Outcome::kDecided : CaseText::Outcome::kNotDecided;
  for (const DecisionError& e : errors) run.errors.push_back(FormatDecisionError(e));
  return run;
}

}  // namespace

namespace internal {

CaseText RunCase(const Policy& policy, std::string_view text, const DecideTextOptions& options, std::string* out) {
  const std::size_t size = out->size();
  try {
    return Run(policy, text, options, out);
  } catch (const std::bad_alloc&) {
    out->resize(size);  // nothing half-written
    CaseText run;
    run.outcome = CaseText::Outcome::kNotDecided;
    run.errors.push_back("out of memory while deciding the case");
    return run;
  } catch (const std::exception& e) {
    out->resize(size);
    CaseText run;
    run.outcome = CaseText::Outcome::kNotDecided;
    run.errors.push_back(std::string("internal error while deciding the case: ") + e.what());
    return run;
  }
}

}  // namespace internal

CaseText DecideText(const Policy& policy, std::string_view text, const DecideTextOptions& options) {
  std::string output;
  CaseText run = internal::RunCase(policy, text, options, &output);
  run.output = std::move(output);
  return run;
}

}  // namespace aftersales
