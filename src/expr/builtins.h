// Builtins: the runtime implementations of operators and functions. Each
// takes evaluated, non-error arguments and returns a value or an error
// value; none throws. The checker picks the function at compile time by
// name (FindBuiltin); within it, the argument kinds are switched on.
#ifndef AFTERSALES_EXPR_BUILTINS_H_
#define AFTERSALES_EXPR_BUILTINS_H_

#include <string_view>

#include "expr/node.h"

namespace aftersales::internal {

// The implementation for an operator ("_+_", "_[_]", "@in", ...) or a
// function ("size", "getHours", "calendar_days", ...). nullptr if unknown.
BuiltinFn FindBuiltin(std::string_view name);

// Three-way comparison for <, <=, >, >=: -1, 0, 1; 2 when unordered (NaN);
// sets *error when the kinds cannot be ordered.
int CompareValues(const Value& a, const Value& b, bool* error);

}  // namespace aftersales::internal

#endif  // AFTERSALES_EXPR_BUILTINS_H_
