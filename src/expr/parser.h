// Parser: tokens -> Ast, by recursive descent with CEL's precedence. The
// nesting depth is bounded (ParseOptions::max_depth), so no input can
// overflow the stack. Macros are expanded here.
#ifndef AFTERSALES_EXPR_PARSER_H_
#define AFTERSALES_EXPR_PARSER_H_

#include <string_view>
#include <vector>

#include "expr/ast.h"
#include "expr/compiler.h"
#include "expr/lexer.h"

namespace aftersales::internal {

struct ParseResult {
  ExprPtr expr;                  // null when any issue
  std::vector<ExprIssue> issues;
  std::vector<Token> tokens;     // the expression's tokens, as lexed
};

ParseResult Parse(std::string_view source, int max_depth);

// A keyword (true, false, null, in) or a word CEL reserves (if, let, ...).
bool IsReservedWord(std::string_view word);

// The macros the parser expands, by name: has(a.b), a test-only select, and
// the comprehensions range.all(x, p) and the like.
inline constexpr std::string_view kHasMacro = "has";
struct ComprehensionMacro {
  std::string_view name;
  Expr::Macro macro;
};
inline constexpr ComprehensionMacro kComprehensionMacros[] = {
    {"all", Expr::Macro::kAll},       {"exists", Expr::Macro::kExists}, {"exists_one", Expr::Macro::kExistsOne},
    {"filter", Expr::Macro::kFilter}, {"map", Expr::Macro::kMap},
};

}  // namespace aftersales::internal

#endif  // AFTERSALES_EXPR_PARSER_H_
