// Parser: tokens -> Ast, by recursive descent with CEL's precedence. The
// nesting depth is bounded (ParseOptions::max_depth), so no input can
// overflow the stack. Macros are expanded here.
#ifndef AFTERSALES_EXPR_PARSER_H_
#define AFTERSALES_EXPR_PARSER_H_

#include <string_view>
#include <vector>

#include "expr/ast.h"
#include "expr/compiler.h"

namespace aftersales::internal {

struct ParseResult {
  ExprPtr expr;                  // null when any issue
  std::vector<ExprIssue> issues;
};

ParseResult Parse(std::string_view source, int max_depth);

}  // namespace aftersales::internal

#endif  // AFTERSALES_EXPR_PARSER_H_
