// Builtins: the registry of the expression language's functions and
// operators. Each is declared once, as data (a Builtin): its name, how it is
// called (`size(x)`, `x.size()` or both), its overloads (argument types ->
// result type), its implementation, how it is charged against the step
// budget, and what is prepared at load from a constant argument (a regex
// pattern compiled once, a time zone looked up once).
//
// Everything that needs to know the functions reads this registry: the
// checker types a call by its overloads (ResolveOverload), "did you mean"
// suggests from its names (SuggestedNames), the compiler prepares constant
// arguments with its hooks and resolves the call to its implementation, a
// function pointer the runtime calls without looking anything up.
//
// The declarations live by area in src/expr/builtins/*.cc; how to add one:
// docs/internals.md, "How to add a built-in function".
#ifndef AFTERSALES_EXPR_BUILTINS_H_
#define AFTERSALES_EXPR_BUILTINS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "expr/node.h"
#include "expr/type.h"

namespace aftersales::internal {

class RegexPool;

// A parameter's or a result's type in an overload, one level deep:
// `list(int)`, `map(A, B)`.
struct TypeSpec {
  enum class Kind : std::uint8_t {
    kDyn,        // parameter: any argument; result: dyn
    kBool,
    kInt,
    kUint,
    kDouble,
    kNumber,     // parameter only: an int, uint or double
    kString,     // parameter: a string or an enum's word; result: string
    kTimestamp,
    kDuration,
    kList,       // list(elem)
    kMap,        // map(elem, value): elem is the key
    kA,          // type parameters: bound to the argument's own type
    kB,
  };
  Kind kind = Kind::kDyn;
  Kind elem = Kind::kDyn;
  Kind value = Kind::kDyn;
};

// One signature of a function: parameter types -> result type. An argument
// whose type is not known (dyn) matches any parameter.
struct Overload {
  // How arguments bound to the same type parameter must agree.
  enum class Bind : std::uint8_t {
    kJoin,        // the parameter is their common type, dyn when they differ
    kComparable,  // they must be comparable with == (else no match)
  };
  std::vector<TypeSpec> params;
  TypeSpec result = {};
  Bind bind = Bind::kJoin;
  // When an argument's type is unknown and this overload matches, the call
  // is typed dyn (`t + d` with d dyn could be a timestamp or a duration).
  bool dyn_if_unknown = false;
};

// How a call is charged against the step budget. Every call costs one step
// (its node's); beyond that:
struct Cost {
  enum class Kind : std::uint8_t {
    kStep,      // nothing: the work does not grow with the arguments
    kArgBytes,  // a step per `per_step` bytes of argument `arg` when it is a
                // string and the call succeeds; the call node charges it
    kMeasured,  // the implementation charges the work it did (the bytes it
                // scanned, the items it compared), which only running it tells
  };
  Kind kind = Kind::kStep;
  std::uint8_t arg = 0;
  std::uint32_t per_step = 0;

  static constexpr Cost Step() { return {}; }
  static constexpr Cost ArgBytes(std::uint8_t arg, std::uint32_t per_step) {
    return {Kind::kArgBytes, arg, per_step};
  }
  static constexpr Cost Measured() { return {Kind::kMeasured}; }
};

// Work that grows with its operands is charged to the step budget, a step
// per 64 bytes scanned or per 8 items compared: otherwise a macro over a
// fact's list that looks through a 1 MiB text, or through the list itself,
// at every item runs for minutes on a few steps per item.
constexpr std::uint32_t kBytesPerStep = 64;
constexpr std::uint32_t kItemsPerStep = 8;

// Equality within what is left of a step budget: each comparison made
// through it adds the work it did (ValuesEqualCounted), and it stops just
// past what the budget allows, so no comparison of huge nested lists runs
// past it. The caller charges steps() and, when spent(), fails the budget.
class ChargedEquality {
 public:
  explicit ChargedEquality(std::int64_t steps_left)
      : limit_((static_cast<std::uint64_t>(steps_left < 0 ? 0 : steps_left) + 1) * kItemsPerStep) {}
  // a == b; false too once the budget is spent (then spent() says so).
  bool Equal(const Value& a, const Value& b) { return ValuesEqualCounted(a, b, limit_, &work_); }
  bool spent() const { return work_ >= limit_; }
  // The steps the comparisons so far took.
  std::int64_t steps() const { return static_cast<std::int64_t>(work_ / kItemsPerStep); }

 private:
  std::uint64_t limit_;
  std::uint64_t work_ = 0;
};

// Made at load from a constant string argument, into the call's
// BuiltinData: false, with the issue's code and message, when the constant
// is wrong.
struct PrepareContext {
  RegexPool& regex_pool;  // the policy's constant patterns
};
struct PrepareIssue {
  std::string code;
  std::string message;
};
using PrepareFn = bool (*)(const std::string& constant, PrepareContext& ctx, BuiltinData* data,
                           PrepareIssue* issue);
struct Preparation {
  int arg = -1;  // the argument prepared when it is a string literal; -1: none
  PrepareFn fn = nullptr;
};

enum class CallStyle : std::uint8_t { kGlobal = 1, kReceiver = 2, kBoth = 3 };

enum class Form : std::uint8_t {
  kFunction,     // a function: suggested by "did you mean"
  kOperator,     // an operator ("_+_", "@in"): a function the parser names
  // Operators that evaluate their operands lazily: no implementation; the
  // compiler builds their nodes.
  kAnd,
  kOr,
  kNot,
  kConditional,
};

// Calls of ==, != and `in` with a literal operand: its words are checked
// against the other operand's enum, and the call compiles to a node that
// holds the constant (MakeEqConst, MakeInConstList).
enum class LiteralForm : std::uint8_t { kNone, kEquals, kNotEquals, kIn };

struct Builtin {
  std::string_view name;     // as the parser names the call: "size", "_+_", "@in"
  std::string_view display;  // in messages: "size", "+", "in"
  Form form = Form::kFunction;
  CallStyle style = CallStyle::kGlobal;
  std::vector<Overload> overloads = {};
  BuiltinFn impl = nullptr;
  Cost cost = {};
  Preparation prepare = {};
  LiteralForm literal_form = LiteralForm::kNone;
  // The checker's message when no overload fits the argument types; null:
  // "no matching overload for '<display>' applied to (<types>)".
  std::string (*mismatch)(const std::vector<TypePtr>& args) = nullptr;
};

// The builtin named `name` as the parser names calls; nullptr if none.
const Builtin* FindBuiltin(std::string_view name);

// Every builtin, in the order the areas declare them.
const std::vector<const Builtin*>& AllBuiltins();

// The names "did you mean" may suggest for an unknown function: the
// functions, in declaration order, then the macros.
const std::vector<std::string>& SuggestedNames();

// The result type of calling `b` with arguments of `args` types (for a
// receiver call, args[0] is the receiver), or nullptr when no overload fits;
// then *why holds the builtin's own message, if it has one.
TypePtr ResolveOverload(const Builtin& b, bool receiver, const std::vector<TypePtr>& args, std::string* why);

}  // namespace aftersales::internal

#endif  // AFTERSALES_EXPR_BUILTINS_H_
