#include "expr/program.h"

#include <utility>

#include "expr/node.h"

namespace aftersales::internal {

Program::~Program() = default;

Program::Program(std::unique_ptr<const Node> root, TypePtr type, std::vector<Conjunct> conjuncts,
                 std::vector<std::unique_ptr<const Node>> conjunct_nodes, std::string source,
                 int num_locals)
    : root_(std::move(root)),
      type_(std::move(type)),
      conjuncts_(std::move(conjuncts)),
      conjunct_nodes_(std::move(conjunct_nodes)),
      source_(std::move(source)),
      num_locals_(num_locals) {}

namespace {

Value Run(const Node& node, EvalContext& ctx, int num_locals) {
  // Comprehension variables live on the stack for the usual shallow nesting.
  Value small[8];
  std::vector<Value> big;
  Value* locals = small;
  if (num_locals > 8) {
    big.resize(static_cast<std::size_t>(num_locals));
    locals = big.data();
  }
  Frame f{&ctx, locals};
  if (ctx.steps_left <= 0) return BudgetError();
  return node.Eval(f);
}

}  // namespace

Value Program::Evaluate(EvalContext& ctx) const { return Run(*root_, ctx, num_locals_); }

Value Program::EvaluateConjunct(std::size_t i, EvalContext& ctx) const {
  if (i >= conjunct_nodes_.size()) return Value::Error("no such part of the condition");
  return Run(*conjunct_nodes_[i], ctx, num_locals_);
}

}  // namespace aftersales::internal
