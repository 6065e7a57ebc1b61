// How a policy's expressions are evaluated over one case, set up once for
// everything that evaluates them outside the parser: the engine, the
// decision log (re-rendering scripts to mask them) and the linter (working
// out named values while it searches for a counterexample).
#ifndef AFTERSALES_DECISION_EVAL_SETUP_H_
#define AFTERSALES_DECISION_EVAL_SETUP_H_

#include <vector>

#include "common/value.h"
#include "expr/program.h"
#include "expr/regex_pool.h"
#include "policy/policy_model.h"

namespace aftersales::internal {

// A regex pool with `m`'s limits, for patterns built while evaluating.
RegexPool MakeRegexPool(const PolicyModel& m);

// Sets `ctx` up as a decision of `m` evaluates: `spaces` (the facts' slots,
// then the decision fields', as kFactSpace and kDecisionSpace) as its two
// spaces, the policy's limits and a fresh step budget, `regexes` for
// patterns built while evaluating, and `named` (resized) as the policy's
// named values, each unread until first used. `spaces`, `regexes` and
// `named` must outlive the evaluations.
void PrepareEvalContext(const PolicyModel& m, const Value* const* spaces, RegexPool* regexes,
                        std::vector<NamedValueSlot>* named, EvalContext* ctx);

}  // namespace aftersales::internal

#endif  // AFTERSALES_DECISION_EVAL_SETUP_H_
