// aftersales::EvaluateExpression: one expression with literal bindings, as
// `aftersales expr` runs it.
#include "aftersales/expression.h"

#include <exception>
#include <string>

#include "common/text.h"
#include "expr/compiler.h"
#include "expr/node.h"

namespace aftersales {
namespace {

using internal::CompileExpression;
using internal::CompileOptions;
using internal::Declarations;
using internal::EvalContext;
using internal::ExprIssue;
using internal::Type;
using internal::Value;

std::string Located(std::string_view text, const ExprIssue& issue) {
  std::size_t line = 1, line_start = 0;
  for (std::size_t i = 0; i < issue.offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  std::size_t column = internal::CodePointsBefore(text.substr(line_start), issue.offset - line_start) + 1;
  return std::to_string(line) + ":" + std::to_string(column) + ": " + issue.message;
}

EvalContext MakeContext(const Limits& limits) {
  EvalContext ctx;
  ctx.steps_left = limits.max_eval_steps;
  ctx.max_collection_size = limits.max_collection_size;
  ctx.max_string_length = limits.max_string_length;
  ctx.max_value_bytes = limits.max_decision_bytes;
  ctx.max_regex_memory = limits.max_regex_memory;
  return ctx;
}

ExpressionResult Evaluate(std::string_view expr, const std::vector<std::pair<std::string, std::string>>& bindings,
                          const Limits& limits) {
  ExpressionResult r;
  CompileOptions options;
  options.max_length = limits.max_expression_length;
  options.max_depth = limits.max_expression_depth;

  internal::RegexPool regexes(limits.max_regex_memory, limits.max_policy_regex_memory,
                              internal::RegexPool::WhenFull::kRefuse);
  options.regex_pool = &regexes;
  internal::RegexPool built(limits.max_regex_memory, limits.max_policy_regex_memory,
                            internal::RegexPool::WhenFull::kEmpty);
  Declarations decls;
  std::vector<Value> slots;
  // A value may refer to its program's constants: the programs of the
  // bindings live as long as their values are used.
  std::vector<std::unique_ptr<const internal::Program>> programs;
  const Declarations none;
  for (const auto& [name, literal] : bindings) {
    auto compiled = CompileExpression(literal, none, options);
    if (!compiled.program) {
      for (const ExprIssue& i : compiled.issues) r.errors.push_back("--let " + name + ": " + Located(literal, i));
      r.outcome = ExpressionResult::Outcome::kInvalid;
      return r;
    }
    EvalContext ctx = MakeContext(limits);
    Value v = compiled.program->Evaluate(ctx);
    programs.push_back(std::move(compiled.program));
    if (v.is_error()) {
      r.errors.push_back("--let " + name + ": " + v.error_message());
      r.outcome = ExpressionResult::Outcome::kInvalid;
      return r;
    }
    std::uint32_t slot = static_cast<std::uint32_t>(slots.size());
    if (decls.Find(name)) {
      slots[decls.Find(name)->ref.slot] = v;  // the last binding of a name wins
      continue;
    }
    decls.Add(name, Type::Dyn(), {0, slot});
    slots.push_back(std::move(v));
  }

  auto compiled = CompileExpression(expr, decls, options);
  if (!compiled.program) {
    for (const ExprIssue& i : compiled.issues) r.errors.push_back(Located(expr, i));
    r.outcome = ExpressionResult::Outcome::kInvalid;
    return r;
  }
  const Value* spaces[1] = {slots.data()};
  EvalContext ctx = MakeContext(limits);
  ctx.regex_cache = &built;
  ctx.spaces = spaces;
  ctx.num_spaces = 1;
  Value v = compiled.program->Evaluate(ctx);
  // Work charged by the last operation counts too, as it does in a decision.
  if (!v.is_error() && ctx.steps_left < 0) v = internal::BudgetError();
  if (v.is_error()) {
    r.errors.push_back(v.error_message());
    r.outcome = ExpressionResult::Outcome::kEvaluationError;
    return r;
  }
  r.value = internal::FormatCelLiteral(v);
  r.outcome = ExpressionResult::Outcome::kValue;
  return r;
}

}  // namespace

ExpressionResult EvaluateExpression(std::string_view expr,
                                    const std::vector<std::pair<std::string, std::string>>& bindings,
                                    const Limits& limits) {
  try {
    return Evaluate(expr, bindings, limits);
  } catch (const std::exception& e) {
    ExpressionResult r;
    r.errors.push_back(std::string("internal error: ") + e.what());
    return r;
  }
}

}  // namespace aftersales
