#include "aftersales/aftersales.h"
#include "commands.h"
#include "output.h"

namespace aftersales::cli {

int RunExpr(const ExprArgs& args) {
  std::vector<std::pair<std::string, std::string>> bindings;
  for (const std::string& let : args.lets) {
    std::size_t eq = let.find('=');
    if (eq == std::string::npos || eq == 0) {
      PrintError("--let " + let + ": expected NAME=LITERAL");
      return kExitBadInput;
    }
    bindings.emplace_back(let.substr(0, eq), let.substr(eq + 1));
  }
  ExpressionResult r = EvaluateExpression(args.expr, bindings);
  for (const std::string& e : r.errors) PrintError(e);
  switch (r.outcome) {
    case ExpressionResult::Outcome::kValue:
      if (!WriteStdout(r.value + "\n")) return kExitBadInput;
      return kExitOk;
    case ExpressionResult::Outcome::kEvaluationError:
      return kExitEvalFailed;
    case ExpressionResult::Outcome::kInvalid:
      break;
  }
  return kExitBadInput;
}

}  // namespace aftersales::cli
