// DecideText: the one case runner behind the CLI, the C API and batches.
#include "aftersales/decide_text.h"

#include <exception>
#include <new>
#include <utility>

#include "aftersales/issue.h"
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

CaseText Run(const Policy& policy, std::string_view text, const DecideTextOptions& options) {
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
  if (options.output == DecideTextOptions::Output::kJsonLine) {
    // Straight from the engine: no Decision built, decided once either way.
    std::vector<DecisionError> errors;
    const bool decided =
        internal::PolicyInternal::Impl(policy).AppendDecisionJson(*facts, decide, &run.output, &errors);
    run.outcome = decided ? CaseText::Outcome::kDecided : CaseText::Outcome::kNotDecided;
    for (const DecisionError& e : errors) run.errors.push_back(FormatDecisionError(e));
    return run;
  }
  Decision d = policy.Decide(*facts, decide);
  if (!d.ok()) {
    run.outcome = CaseText::Outcome::kNotDecided;
    for (const DecisionError& e : d.errors) run.errors.push_back(FormatDecisionError(e));
    if (options.output == DecideTextOptions::Output::kJsonIndented) run.output = DecisionToJson(d, options.explain, 2);
    return run;
  }
  run.outcome = CaseText::Outcome::kDecided;
  run.output = options.output == DecideTextOptions::Output::kText ? DecisionToText(d, options.explain)
                                                                   : DecisionToJson(d, options.explain, 2);
  return run;
}

}  // namespace

CaseText DecideText(const Policy& policy, std::string_view text, const DecideTextOptions& options) {
  try {
    return Run(policy, text, options);
  } catch (const std::bad_alloc&) {
    CaseText run;
    run.outcome = CaseText::Outcome::kNotDecided;
    run.errors.push_back("out of memory while deciding the case");
    return run;
  } catch (const std::exception& e) {
    CaseText run;
    run.outcome = CaseText::Outcome::kNotDecided;
    run.errors.push_back(std::string("internal error while deciding the case: ") + e.what());
    return run;
  }
}

}  // namespace aftersales
