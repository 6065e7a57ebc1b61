// Compiler: expression text -> parsed, checked, compiled Program. The front
// door of src/expr; the policy loader and `aftersales expr` use only this,
// program.h, declarations.h and type.h.
//
// Problems are returned as ExprIssues with a byte offset into the source;
// the caller maps offsets to file:line:column (an expression inside a YAML
// scalar keeps the scalar's position).
#ifndef AFTERSALES_EXPR_COMPILER_H_
#define AFTERSALES_EXPR_COMPILER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aftersales/options.h"
#include "expr/declarations.h"
#include "expr/program.h"
#include "expr/regex_pool.h"
#include "expr/type.h"

namespace aftersales::internal {

struct CompileOptions {
  std::size_t max_length = Limits{}.max_expression_length;  // bytes of source
  int max_depth = Limits{}.max_expression_depth;            // syntax-tree nesting
  // When set, the result type must be assignable to it (e.g. bool for a
  // `when`), otherwise an issue "expected bool, got int".
  TypePtr expected_type;
  // When set (an enum type) and the expression's result is a string made
  // only of string literals (`cond ? 'merchant' : 'customer'`), each
  // literal is checked against the enum and the result is typed as it.
  TypePtr result_enum;
  // Constant regex patterns (`s.matches('^[0-9]+$')`) are compiled here,
  // into this pool: one RE2 per distinct pattern for the whole policy, and
  // together within the policy's regex memory (an "expr.limit" issue at the
  // pattern that goes over). Null: a pool of the expression's own with the
  // default limits.
  RegexPool* regex_pool = nullptr;
};

struct ExprIssue {
  std::string code;       // "expr.syntax", "expr.undeclared", "expr.type", "expr.enum", "expr.limit"
  std::string message;    // with "did you mean 'x'?" where one fits
  std::uint32_t offset;   // byte offset in the source where it points
};

struct CompileResult {
  std::unique_ptr<const Program> program;  // null when any issue
  std::vector<ExprIssue> issues;
};

CompileResult CompileExpression(std::string_view source, const Declarations& decls,
                                const CompileOptions& options = {});

// A name an expression reads, as written: an identifier that is not a
// comprehension variable of the expression (for `order.id`, "order").
struct NameUse {
  std::string name;
  std::uint32_t offset;  // byte offset in the source
};

// The names `source` reads, in source order (repeats kept); empty when it
// does not parse (CompileExpression says why). For finding which named
// values an expression depends on before compiling it.
std::vector<NameUse> ReferencedNames(std::string_view source, int max_depth);

// True when `name` can be declared as a named value: an identifier
// ([A-Za-z_][A-Za-z0-9_]*, at most 128 bytes) that is not a keyword (true,
// false, null, in) or a word CEL reserves.
bool IsPlainName(std::string_view name);

}  // namespace aftersales::internal

#endif  // AFTERSALES_EXPR_COMPILER_H_
