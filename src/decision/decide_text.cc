// DecideText, RunCase and DecideCase: the one case runner behind the CLI,
// the C API, batches, diff and the policy tests (decision/case_runner.h).
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

// Runs `body` (which fills `run`), turning whatever it throws into a
// kNotDecided with that error, after `undo`: one case never takes the
// caller down.
template <typename Run, typename Body, typename Undo>
Run Guarded(Body body, Undo undo) {
  Run run;
  const auto failed = [&](std::string error) {
    undo();
    run = Run();
    run.outcome = CaseText::Outcome::kNotDecided;
    run.errors.push_back(std::move(error));
  };
  try {
    body(run);
  } catch (const std::bad_alloc&) {
    failed("out of memory while deciding the case");
  } catch (const std::exception& e) {
    failed(std::string("internal error while deciding the case: ") + e.what());
  }
  return run;
}

Result<Facts> Read(const Policy& policy, std::string_view text, const DecideTextOptions& options) {
  return options.input == DecideTextOptions::Input::kYaml ? policy.ReadFactsYaml(text, options.source_name)
                                                          : policy.ReadFactsJson(text, options.source_name);
}

// Fills `run` from a reading: the reading error, or the case decided.
void Decided(const Policy& policy, Result<Facts> facts, bool explain, internal::DecidedCase& run) {
  if (!facts.ok()) {
    run.errors.push_back(facts.status().message());
    return;
  }
  run.facts.emplace(std::move(*facts));
  run.case_id = run.facts->case_id();
  DecideOptions decide;
  decide.explain = explain;
  run.decision = policy.Decide(*run.facts, decide);
  run.outcome = run.decision.ok() ? CaseText::Outcome::kDecided : CaseText::Outcome::kNotDecided;
  for (const DecisionError& e : run.decision.errors) run.errors.push_back(FormatDecisionError(e));
}

}  // namespace

namespace internal {

DecidedCase DecideCase(const Policy& policy, std::string_view text, const DecideTextOptions& options) {
  return Guarded<DecidedCase>(
      [&](DecidedCase& run) { Decided(policy, Read(policy, text, options), options.explain, run); }, [] {});
}

DecidedCase DecideCase(const Policy& policy, const YamlNode& case_node, std::string_view source_name) {
  return Guarded<DecidedCase>(
      [&](DecidedCase& run) {
        Decided(policy, PolicyInternal::Impl(policy).ReadFactsYaml(case_node, source_name), false, run);
      },
      [] {});
}

CaseText RunCase(const Policy& policy, std::string_view text, const DecideTextOptions& options, std::string* out) {
  const std::size_t size = out->size();
  return Guarded<CaseText>(
      [&](CaseText& run) {
        if (options.output == DecideTextOptions::Output::kJsonLine) {
          // Straight from the engine: no Decision built, decided once either way.
          Result<Facts> facts = Read(policy, text, options);
          if (!facts.ok()) {
            run.errors.push_back(facts.status().message());
            return;
          }
          run.case_id = facts->case_id();
          DecideOptions decide;
          decide.explain = options.explain;
          std::vector<DecisionError> errors;
          const bool decided = PolicyInternal::Impl(policy).AppendDecisionJson(*facts, decide, out, &errors);
          run.outcome = decided ? CaseText::Outcome::kDecided : CaseText::Outcome::kNotDecided;
          for (const DecisionError& e : errors) run.errors.push_back(FormatDecisionError(e));
          return;
        }
        DecidedCase decided;
        Decided(policy, Read(policy, text, options), options.explain, decided);
        run.outcome = decided.outcome;
        run.errors = std::move(decided.errors);
        run.case_id = std::move(decided.case_id);
        if (decided.outcome == CaseText::Outcome::kNotRead) return;
        if (options.output == DecideTextOptions::Output::kJsonIndented) {
          *out += DecisionToJson(decided.decision, options.explain, 2);
        } else if (decided.outcome == CaseText::Outcome::kDecided) {
          *out += DecisionToText(decided.decision, options.explain);
        }
      },
      [&] { out->resize(size); });  // nothing half-written
}

}  // namespace internal

CaseText DecideText(const Policy& policy, std::string_view text, const DecideTextOptions& options) {
  std::string output;
  CaseText run = internal::RunCase(policy, text, options, &output);
  run.output = std::move(output);
  return run;
}

}  // namespace aftersales
