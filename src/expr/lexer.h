// Lexer: expression text -> tokens. Literal values are decoded here (escape
// sequences, hex, uint suffix); a malformed token becomes a kError token
// with a message.
#ifndef AFTERSALES_EXPR_LEXER_H_
#define AFTERSALES_EXPR_LEXER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace aftersales::internal {

struct Token {
  enum class Kind {
    kEnd, kError, kIdent, kInt, kUint, kDouble, kString, kBytes,
    kTrue, kFalse, kNull, kIn,
    kLParen, kRParen, kLBracket, kRBracket, kLBrace, kRBrace,
    kDot, kComma, kColon, kQuestion,
    kPlus, kMinus, kStar, kSlash, kPercent, kBang,
    kLess, kLessEq, kGreater, kGreaterEq, kEqEq, kNotEq, kAndAnd, kOrOr,
  };
  Kind kind = Kind::kEnd;
  std::uint32_t offset = 0;
  std::uint32_t end = 0;
  std::string text;          // identifier, decoded string, or error message
  std::uint64_t int_value = 0;  // kInt magnitude (may be 2^63 before a unary minus), kUint
  double double_value = 0;
};

std::vector<Token> Lex(std::string_view source);

}  // namespace aftersales::internal

#endif  // AFTERSALES_EXPR_LEXER_H_
