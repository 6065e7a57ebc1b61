// Ast: the parsed form of an expression, before checking. Operators are
// calls with CEL's internal names ("_+_", "_&&_", "_?_:_", "_[_]", "@in",
// "!_", "-_"); macros (all, exists, ...) are already expanded into
// Comprehension nodes and has() into a test-only Select.
#ifndef AFTERSALES_EXPR_AST_H_
#define AFTERSALES_EXPR_AST_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/value.h"

namespace aftersales::internal {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  enum class Kind { kLiteral, kIdent, kSelect, kCall, kList, kMap, kComprehension };
  enum class Macro { kNone, kAll, kExists, kExistsOne, kFilter, kMap };

  Kind kind = Kind::kLiteral;
  std::uint32_t offset = 0;  // where the node starts (or its operator) in the source
  std::uint32_t end = 0;     // one past its last byte
  Value literal;             // kLiteral
  std::string name;          // kIdent name; kSelect field; kCall function
  bool test_only = false;    // kSelect from has()
  bool receiver = false;     // kCall written as target.f(...): args[0] is the target
  Macro macro = Macro::kNone;  // kComprehension
  std::string var;           // kComprehension: the iteration variable
  int height = 1;            // levels of the tree from here down (a leaf is 1)
  // kSelect: {operand}; kCall: arguments; kList: elements; kMap: key, value,
  // key, value...; kComprehension: {range, predicate-or-transform, [transform]}
  // (for map(x, p, t) the second is the filter and the third the transform).
  std::vector<ExprPtr> args;
};

// Debug form for tests: (_+_ 1 (x.y)) and so on.
std::string DumpExpr(const Expr& e);

}  // namespace aftersales::internal

#endif  // AFTERSALES_EXPR_AST_H_
