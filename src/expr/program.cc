#include "expr/program.h"

#include <algorithm>
#include <utility>

#include "expr/node.h"

namespace aftersales::internal {

Program::~Program() = default;

Program::Program(std::unique_ptr<const Node> root, TypePtr type, const std::vector<Span>& parts,
                 std::vector<const Node*> conjunct_nodes, std::string source,
                 int num_locals)
    : root_(std::move(root)),
      type_(std::move(type)),
      conjunct_nodes_(std::move(conjunct_nodes)),
      source_(std::move(source)),
      num_locals_(num_locals) {
  // The parts' texts are views of source_ (a string of their own each was
  // an allocation per part of every condition of a large policy).
  conjuncts_.reserve(parts.size());
  for (const Span& p : parts) conjuncts_.push_back({std::string_view(source_).substr(p.offset, p.length), p.offset});
  guards_.reserve(conjunct_nodes_.size());
  std::vector<Guard> ranges;
  for (const Node* part : conjunct_nodes_) {
    if (std::optional<Guard> g = part->AsGuard()) {
      guards_.push_back(std::move(*g));
    } else if (std::optional<Guard> b = part->AsBound()) {
      // The bounds on one variable make one range.
      auto same = std::find_if(ranges.begin(), ranges.end(), [&](const Guard& r) {
        return r.ref.space == b->ref.space && r.ref.slot == b->ref.slot;
      });
      if (same == ranges.end()) {
        ranges.push_back(*b);
      } else {
        same->lo = std::max(same->lo, b->lo);
        same->hi = std::min(same->hi, b->hi);
      }
    }
  }
  for (Guard& r : ranges) guards_.push_back(std::move(r));
}

namespace {

bool Allows(const Guard& g, const EvalContext& ctx) {
  if (g.ref.space >= ctx.num_spaces || ctx.spaces[g.ref.space] == nullptr) return false;
  // An absent variable equals nothing and compares with nothing: the
  // guard's part would be an error.
  const Value& v = ctx.spaces[g.ref.space][g.ref.slot];
  if (g.range) {
    if (v.kind() == Value::Kind::kInt) return v.int_value() >= g.lo && v.int_value() <= g.hi;
    return !v.is_absent();
  }
  if (g.words != nullptr && g.word_bits != nullptr && v.kind() == Value::Kind::kString) {
    const int i = g.words->StoredIndex(v.string_value());
    if (i >= 0) {
      const auto word = static_cast<std::size_t>(i);  // < the enum's size
      return ((g.word_bits[word / 64] >> (word % 64)) & 1u) != 0;
    }
  }
  for (const Value& a : g.allowed) {
    if (ValuesEqual(v, a)) return true;
  }
  return false;
}

}  // namespace

bool Program::GuardAllows(EvalContext& ctx) const {
  if (guards_.empty()) return true;
  --ctx.steps_left;
  // Each guard is a part of the top-level && chain: one that is not true
  // (false, or an error that a false elsewhere would absorb) means the
  // chain is not true.
  for (const Guard& g : guards_) {
    if (!Allows(g, ctx)) return false;
  }
  return true;
}

namespace {

Value RunWithLocals(const Node& node, EvalContext& ctx, int num_locals) {
  // Comprehension variables live on the stack for the usual shallow nesting.
  if (num_locals <= 8) {
    Value small[8];
    Frame f{&ctx, small};
    return node.Eval(f);
  }
  std::vector<Value> big(static_cast<std::size_t>(num_locals));
  Frame f{&ctx, big.data()};
  return node.Eval(f);
}

Value Run(const Node& node, EvalContext& ctx, int num_locals) {
  // Out of steps is below zero, as the engine counts: a budget spent to
  // exactly zero is not over (the next step makes it so).
  if (ctx.steps_left < 0) return BudgetError();
  // Most conditions use no macro, and so no locals to set up and tear down.
  if (num_locals == 0) {
    Frame f{&ctx, nullptr};
    return node.Eval(f);
  }
  return RunWithLocals(node, ctx, num_locals);
}

}  // namespace

const Value* ReadNamedValue(EvalContext& ctx, std::uint32_t index) {
  if (ctx.named == nullptr || index >= ctx.num_named) return nullptr;
  NamedValueSlot& slot = ctx.named[index];
  switch (slot.state) {
    case NamedValueSlot::State::kDone: return &slot.value;
    case NamedValueSlot::State::kComputing: return nullptr;
    case NamedValueSlot::State::kNotYet: break;
  }
  if (slot.program == nullptr) return nullptr;
  slot.state = NamedValueSlot::State::kComputing;
  // Nothing resizes `ctx.named` while evaluating: `slot` stays valid.
  Value v = slot.program->Evaluate(ctx);
  slot.value = std::move(v);
  slot.state = NamedValueSlot::State::kDone;
  return &slot.value;
}

Value Program::Evaluate(EvalContext& ctx) const { return Run(*root_, ctx, num_locals_); }

Value Program::EvaluateConjunct(std::size_t i, EvalContext& ctx) const {
  if (i >= conjunct_nodes_.size()) return Value::Error("no such part of the condition");
  return Run(*conjunct_nodes_[i], ctx, num_locals_);
}

}  // namespace aftersales::internal
