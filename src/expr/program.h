// Program: a checked, compiled expression. Immutable and safe to evaluate
// from many threads at once; evaluation reads slots, never names.
//
// Errors while evaluating (absent fact, division by zero, overflow, a limit)
// are returned as error Values, never thrown; && and || absorb them as the
// CEL specification says.
#ifndef AFTERSALES_EXPR_PROGRAM_H_
#define AFTERSALES_EXPR_PROGRAM_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "aftersales/options.h"
#include "common/value.h"
#include "expr/declarations.h"
#include "expr/type.h"

namespace aftersales::internal {

// Per-evaluation state. Not shared between threads.
class RegexPool;
class Program;

// One named value (a policy's `variables`) for one decision: its program,
// run the first time the value is read, and the value kept for every later
// read. `program` belongs to the policy; the rest to the evaluation.
struct NamedValueSlot {
  enum class State : std::uint8_t { kNotYet, kComputing, kDone };
  const Program* program = nullptr;
  Value value;
  State state = State::kNotYet;
};

struct EvalContext {
  // spaces[ref.space][ref.slot] is the value of a declared variable; a slot
  // holding an absent Value reads as an error naming the variable.
  const Value* const* spaces = nullptr;
  std::size_t num_spaces = 0;
  // Decremented per node evaluated and per macro iteration; at 0 evaluation
  // stops with an error value.
  // The limits default to Limits' (MakeContext sets a policy's own).
  std::int64_t steps_left = Limits{}.max_eval_steps;
  std::size_t max_collection_size = Limits{}.max_collection_size;
  std::size_t max_string_length = Limits{}.max_string_length;
  // Bytes, as JSON, of a value built while evaluating (max_decision_bytes).
  std::size_t max_value_bytes = Limits{}.max_decision_bytes;
  // Patterns built while evaluating (`s.matches(a + b)`): compiled once per
  // decision into this pool, which bounds their memory. Null: each call
  // compiles its pattern (still within the per-pattern max_regex_memory).
  RegexPool* regex_cache = nullptr;
  std::size_t max_regex_memory = Limits{}.max_regex_memory;
  // named[ref.slot] for a reference in kNamedValueSpace; its program runs
  // on this context (its steps charged to this budget) when first read.
  NamedValueSlot* named = nullptr;
  std::size_t num_named = 0;
};

class Node;  // internal to src/expr

// Named value `index` of `ctx`: worked out on its first read (its program
// run on `ctx`, charged to its budget), kept after. Null when `ctx` has no
// such value or it is being worked out (a cycle, which the loader refuses).
// The value may be an error value. Valid while `ctx.named` is.
const Value* ReadNamedValue(EvalContext& ctx, std::uint32_t index);

// A top-level part of a condition that tests one variable against constants
// (`issue.type == 'x'`, `request.type in ['a', 'b']`, `item.paid_cents >=
// 100`). When it is not true the whole && chain cannot be true, so a caller
// may skip the rest.
struct Guard {
  VarRef ref;
  // An equality guard: the value must equal one of these (the program's
  // own constants, seen in place: valid while the program lives).
  std::span<const Value> allowed;
  // A range guard (`x >= 5`, `x < 9`, both: the parts of the chain that
  // compare one variable with int constants, taken together): an int value
  // must lie in [lo, hi]; an absent one fails (the comparison would be an
  // error); a value of another kind passes (the condition decides it).
  bool range = false;
  std::int64_t lo = std::numeric_limits<std::int64_t>::min();
  std::int64_t hi = std::numeric_limits<std::int64_t>::max();
  // When the variable is of an enum type: that enum, and the words of it
  // the equality guard allows as bits (word i at bit i % 64 of
  // word_bits[i / 64], one uint64 per 64 words of the enum). A value that is
  // one of the enum's own words (as read facts are) is tested by its index
  // alone; any other value by `allowed`.
  const EnumType* words = nullptr;
  const std::uint64_t* word_bits = nullptr;
};

class Program {
 public:
  // One part of a top-level `a && b && c` chain, for explanations.
  struct Conjunct {
    std::string_view source;  // the part's text as written (inside source())
    std::uint32_t offset;     // its byte offset in the expression
  };
  // Where a part is in the expression's text.
  struct Span {
    std::uint32_t offset;
    std::uint32_t length;
  };

  ~Program();
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;
  // `parts`: the top-level && parts' places in `source`, and
  // `conjunct_nodes` their nodes, inside `root`'s tree.
  // `num_locals`: comprehension variables the nodes use (their nesting depth).
  // REQUIRES: every part lies inside `source`.
  Program(std::unique_ptr<const Node> root, TypePtr type, const std::vector<Span>& parts,
          std::vector<const Node*> conjunct_nodes, std::string source,
          int num_locals);

  // The result may refer to constants the program holds (copies of them
  // touch no shared reference count): use it while the program lives.
  Value Evaluate(EvalContext& ctx) const;
  const TypePtr& type() const { return type_; }
  const std::string& source() const { return source_; }

  // The top-level && parts (just one for an expression without &&).
  const std::vector<Conjunct>& conjuncts() const { return conjuncts_; }
  Value EvaluateConjunct(std::size_t i, EvalContext& ctx) const;

  // False when one of the program's guards (its top-level parts that are
  // guards) is not true, so the program cannot evaluate to true; charges
  // one step for them all (none when there is no guard). Cheap: no node is
  // evaluated, no value copied.
  bool GuardAllows(EvalContext& ctx) const;
  // The guards GuardAllows checks, in the order of the parts.
  const std::vector<Guard>& guards() const { return guards_; }

  // What the program was made of, for writing it to a snapshot (codec.h).
  const Node& root() const { return *root_; }
  const std::vector<const Node*>& conjunct_nodes() const { return conjunct_nodes_; }
  int num_locals() const { return num_locals_; }

 private:
  std::unique_ptr<const Node> root_;
  TypePtr type_;
  std::vector<Conjunct> conjuncts_;
  std::vector<const Node*> conjunct_nodes_;  // inside root_'s tree
  std::string source_;
  int num_locals_ = 0;
  std::vector<Guard> guards_;
};

}  // namespace aftersales::internal

#endif  // AFTERSALES_EXPR_PROGRAM_H_
