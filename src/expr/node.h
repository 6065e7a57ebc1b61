// Node: one step of a compiled expression. The compiler turns a checked
// Ast into a tree of Nodes in which every name is a slot and every function
// is a pointer; evaluating walks that tree. Nodes are immutable and shared
// by all threads; per-evaluation state lives in the Frame.
#ifndef AFTERSALES_EXPR_NODE_H_
#define AFTERSALES_EXPR_NODE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/value.h"
#include "expr/declarations.h"
#include "expr/program.h"
#include "expr/type.h"

namespace re2 {
class RE2;
}

namespace aftersales::internal {

class TimeZone;
struct Builtin;
class ExprWriter;

struct Frame {
  EvalContext* ctx;
  Value* locals;  // comprehension variables, by index
};

class Node {
 public:
  virtual ~Node() = default;
  virtual Value Eval(Frame& f) const = 0;
  // The value without copying it, for nodes that hold or point at one
  // (constants, present slots); nullptr otherwise. Charges one step.
  virtual const Value* Peek(Frame& f) const { return nullptr; }
  // The variable a node reads, for a plain variable node.
  virtual const VarRef* AsVar() const { return nullptr; }
  // The guard this node is (`var == constant` or `var in constant-list`).
  virtual std::optional<Guard> AsGuard() const { return std::nullopt; }
  // The range guard this node is (`var < int`, `int <= var`, ...).
  virtual std::optional<Guard> AsBound() const { return std::nullopt; }
  // The constant this node is, for a constant node.
  virtual const Value* AsConst() const { return nullptr; }
  // Writes the node, its tag first, and its children through w.WriteNode
  // (codec.h; DecodeNode reads it back).
  virtual void Save(ExprWriter& w) const = 0;
};
using NodePtr = std::unique_ptr<const Node>;

// Charges one evaluation step; false when the budget is gone.
inline bool Step(Frame& f) { return --f.ctx->steps_left >= 0; }
Value BudgetError();

// Data a builtin may take from compile time (a constant pattern or zone).
struct BuiltinData {
  std::shared_ptr<const re2::RE2> regex;
  std::int64_t regex_size = 0;  // regex->ProgramSize(), what a match costs per byte
  const TimeZone* zone = nullptr;
};

using BuiltinFn = Value (*)(const Value* args, std::size_t n, const BuiltinData& data, Frame& f);

NodePtr MakeConst(Value v);
// `absent`: the error a read of the slot gives when it holds nothing
// (AbsentError; made once per declared name and shared by its nodes).
NodePtr MakeVar(VarRef ref, Value absent);
// "fact 'order.id' is absent", "decision field 'refund_cents' is not set".
Value AbsentError(VarRef ref, std::string_view name);
// A named value: EvalContext::named[index], worked out on its first read.
NodePtr MakeNamed(std::uint32_t index, std::string name);
NodePtr MakePresence(VarRef ref);
NodePtr MakeLocal(int index);
NodePtr MakeSelect(NodePtr operand, std::string field, bool test_only);
NodePtr MakeAnd(NodePtr a, NodePtr b);
NodePtr MakeOr(NodePtr a, NodePtr b);
NodePtr MakeNot(NodePtr a);
NodePtr MakeConditional(NodePtr c, NodePtr a, NodePtr b);
// A call of `builtin`'s implementation, charged as its Cost says.
NodePtr MakeCall(const Builtin& builtin, std::vector<NodePtr> args, BuiltinData data = {});
NodePtr MakeList(std::vector<NodePtr> elems);
NodePtr MakeMap(std::vector<NodePtr> keys, std::vector<NodePtr> values);

// `operand == constant` (or !=, or `operand in constant-list`) without
// copying the operand: the most common shape of a rule's condition.
// `words`: the operand's enum, when it is of one (null otherwise): an
// operand that is one of the enum's own words is then compared by its
// index, not its text.
NodePtr MakeEqConst(NodePtr operand, Value constant, bool negate, std::shared_ptr<const EnumType> words = nullptr);
NodePtr MakeInConstList(NodePtr operand, Value list, std::shared_ptr<const EnumType> words = nullptr);

enum class MacroKind { kAll, kExists, kExistsOne, kFilter, kMap };
// `filter` is the predicate of map(x, p, t) (null otherwise); `body` is the
// predicate or the transform.
NodePtr MakeComprehension(MacroKind kind, int local, NodePtr range, NodePtr filter, NodePtr body);

}  // namespace aftersales::internal

#endif  // AFTERSALES_EXPR_NODE_H_
