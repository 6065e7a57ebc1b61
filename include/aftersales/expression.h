// Standalone expressions: evaluate one expression of the policy language
// with named variables, as `aftersales expr` does. Useful to try a
// condition before putting it in a policy.
#ifndef AFTERSALES_EXPRESSION_H_
#define AFTERSALES_EXPRESSION_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aftersales/export.h"
#include "aftersales/options.h"

namespace aftersales {

struct ExpressionResult {
  enum class Outcome {
    kValue = 0,            // `value` holds the result
    kEvaluationError = 1,  // it parsed and checked, but evaluating failed
    kInvalid = 2,          // a parse or check error, or a bad binding
  };
  Outcome outcome = Outcome::kInvalid;
  std::string value;                // the result as a CEL literal (kValue)
  std::vector<std::string> errors;  // one message per problem, with "line:column: " when known
};

// Evaluates `expr` with `bindings` (name, value written as a CEL literal such
// as `3u`, `{"k": [1, 2]}` or `timestamp("2026-01-01T00:00:00Z")`). Variables
// are typed dyn. Never throws.
AFTERSALES_EXPORT ExpressionResult EvaluateExpression(
    std::string_view expr, const std::vector<std::pair<std::string, std::string>>& bindings,
    const Limits& limits = {});

}  // namespace aftersales

#endif  // AFTERSALES_EXPRESSION_H_
