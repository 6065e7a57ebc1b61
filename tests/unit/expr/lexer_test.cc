// Lexer: token kinds and offsets, decoded literals (strings with escapes,
// raw and triple-quoted strings, hex and uint integers, doubles), comments,
// and error tokens with the offset they point at.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "expr/lexer.h"

namespace aftersales::internal {
namespace {

std::string KindName(Token::Kind k) {
  using K = Token::Kind;
  switch (k) {
    case K::kEnd: return "end";
    case K::kError: return "error";
    case K::kIdent: return "ident";
    case K::kInt: return "int";
    case K::kUint: return "uint";
    case K::kDouble: return "double";
    case K::kString: return "string";
    case K::kBytes: return "bytes";
    case K::kTrue: return "true";
    case K::kFalse: return "false";
    case K::kNull: return "null";
    case K::kIn: return "in";
    case K::kLParen: return "(";
    case K::kRParen: return ")";
    case K::kLBracket: return "[";
    case K::kRBracket: return "]";
    case K::kLBrace: return "{";
    case K::kRBrace: return "}";
    case K::kDot: return ".";
    case K::kComma: return ",";
    case K::kColon: return ":";
    case K::kQuestion: return "?";
    case K::kPlus: return "+";
    case K::kMinus: return "-";
    case K::kStar: return "*";
    case K::kSlash: return "/";
    case K::kPercent: return "%";
    case K::kBang: return "!";
    case K::kLess: return "<";
    case K::kLessEq: return "<=";
    case K::kGreater: return ">";
    case K::kGreaterEq: return ">=";
    case K::kEqEq: return "==";
    case K::kNotEq: return "!=";
    case K::kAndAnd: return "&&";
    case K::kOrOr: return "||";
  }
  return "?";
}

// Tokens as "kind@offset-end" with the decoded payload for literals, e.g.
// "ident(a)@0-1 ==@2-4 int(1)@5-6 end@6".
std::string Render(const std::vector<Token>& tokens) {
  using K = Token::Kind;
  std::string out;
  for (const Token& t : tokens) {
    if (!out.empty()) out += " ";
    out += KindName(t.kind);
    switch (t.kind) {
      case K::kIdent: case K::kString: case K::kError: out += "(" + t.text + ")"; break;
      case K::kInt: out += "(" + std::to_string(t.int_value) + ")"; break;
      case K::kUint: out += "(" + std::to_string(t.int_value) + "u)"; break;
      case K::kDouble: {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.17g", t.double_value);
        out += std::string("(") + buf + ")";
        break;
      }
      default: break;
    }
    out += "@" + std::to_string(t.offset);
    if (t.kind != K::kEnd) out += "-" + std::to_string(t.end);
  }
  return out;
}

// The one token before kEnd: its decoded text (strings) or the error message.
struct Single {
  Token::Kind kind;
  std::string text;
  std::uint32_t offset;
};
Single LexOne(const std::string& src) {
  std::vector<Token> t = Lex(src);
  BOOST_TEST_REQUIRE(t.size() == 2u, "tokens: " << Render(t));
  BOOST_TEST_REQUIRE((t[1].kind == Token::Kind::kEnd));
  return {t[0].kind, t[0].text, t[0].offset};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(lexer)

BOOST_AUTO_TEST_CASE(tokens_with_offsets) {
  struct Row {
    const char* in;
    const char* want;
  };
  const std::vector<Row> rows = {
      {"", "end@0"},
      {"   \t\n ", "end@6"},
      {"a == 1", "ident(a)@0-1 ==@2-4 int(1)@5-6 end@6"},
      {"order.delivered_at", "ident(order)@0-5 .@5-6 ident(delivered_at)@6-18 end@18"},
      {"_x1 in [true,false,null]",
       "ident(_x1)@0-3 in@4-6 [@7-8 true@8-12 ,@12-13 false@13-18 ,@18-19 null@19-23 ]@23-24 end@24"},
      {"( ) { } : ? + - * / %", "(@0-1 )@2-3 {@4-5 }@6-7 :@8-9 ?@10-11 +@12-13 -@14-15 *@16-17 /@18-19 %@20-21 end@21"},
      {"<<=>>=!!===&&||", "<@0-1 <=@1-3 >@3-4 >=@4-6 !@6-7 !=@7-9 ==@9-11 &&@11-13 ||@13-15 end@15"},
      {"inside trueish nulls", "ident(inside)@0-6 ident(trueish)@7-14 ident(nulls)@15-20 end@20"},
      {"a // comment\n+ b", "ident(a)@0-1 +@13-14 ident(b)@15-16 end@16"},
      {"// only a comment", "end@17"},
      {"a / / b", "ident(a)@0-1 /@2-3 /@4-5 ident(b)@6-7 end@7"},
      {"1.size()", "int(1)@0-1 .@1-2 ident(size)@2-6 (@6-7 )@7-8 end@8"},
      {"x.0", "ident(x)@0-1 double(0)@1-3 end@3"},
      {"123abc", "int(123)@0-3 ident(abc)@3-6 end@6"},
      {"1e", "int(1)@0-1 ident(e)@1-2 end@2"},
      {"1.5u", "double(1.5)@0-3 ident(u)@3-4 end@4"},
  };
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.in) { BOOST_TEST(Render(Lex(r.in)) == std::string(r.want)); }
  }
}

BOOST_AUTO_TEST_CASE(numbers) {
  struct Row {
    const char* in;
    const char* want;
  };
  const std::vector<Row> rows = {
      {"0", "int(0)@0-1 end@1"},
      {"42", "int(42)@0-2 end@2"},
      {"9223372036854775807", "int(9223372036854775807)@0-19 end@19"},
      // 2^63 lexes (the parser accepts it only after a unary minus).
      {"9223372036854775808", "int(9223372036854775808)@0-19 end@19"},
      {"0x10", "int(16)@0-4 end@4"},
      {"0XfF", "int(255)@0-4 end@4"},
      {"0x7fffffffffffffff", "int(9223372036854775807)@0-18 end@18"},
      {"42u", "uint(42u)@0-3 end@3"},
      {"42U", "uint(42u)@0-3 end@3"},
      {"0x10u", "uint(16u)@0-5 end@5"},
      {"18446744073709551615u", "uint(18446744073709551615u)@0-21 end@21"},
      {"0xffffffffffffffffu", "uint(18446744073709551615u)@0-19 end@19"},
      {"1.5", "double(1.5)@0-3 end@3"},
      {".5", "double(0.5)@0-2 end@2"},
      {"1e3", "double(1000)@0-3 end@3"},
      {"1E3", "double(1000)@0-3 end@3"},
      {"2.5e-3", "double(0.0025000000000000001)@0-6 end@6"},
      {"1e+2", "double(100)@0-4 end@4"},
      {"1e400", "error(double literal out of range)@0-5 end@5"},
      {"1e-400", "double(0)@0-6 end@6"},
      {"'a\xff'", "error(invalid UTF-8 (byte 0xFF); expressions are UTF-8 text)@2-2 end@2"},
      {"1.", "int(1)@0-1 .@1-2 end@2"},
      {"1.e5", "int(1)@0-1 .@1-2 ident(e5)@2-4 end@4"},
  };
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.in) { BOOST_TEST(Render(Lex(r.in)) == std::string(r.want)); }
  }
}

BOOST_AUTO_TEST_CASE(string_literals_are_decoded) {
  struct Row {
    std::string in;
    std::string want;
  };
  const std::vector<Row> rows = {
      {"'abc'", "abc"},
      {"\"abc\"", "abc"},
      {"''", ""},
      {"\"it's\"", "it's"},
      {"'say \"hi\"'", "say \"hi\""},
      {"'电热水壶'", "电热水壶"},
      {R"('a\nb\tc\rd')", "a\nb\tc\rd"},
      {R"('\a\b\f\v')", "\a\b\f\v"},
      {R"('\\ \' \" \` \?')", "\\ ' \" ` ?"},
      {R"('\x41\X42')", "AB"},
      {R"('\xe9')", "\xc3\xa9"},  // \x is a code point in a string
      {R"('\101\060')", "A0"},
      {R"('\000')", std::string("\0", 1)},
      {R"('\377')", "\xc3\xbf"},
      {R"('\u00e9')", "\xc3\xa9"},
      {R"('\u7535')", "电"},
      {R"('\U0001F600')", "\xf0\x9f\x98\x80"},
      {R"('\U0010FFFF')", "\xf4\x8f\xbf\xbf"},
      {R"(r'\d+\n')", R"(\d+\n)"},
      {R"(R"\d")", R"(\d)"},
      {R"(r'a\')", R"(a\)"},
      {"'''a'b''c'''", "a'b''c"},
      {"\"\"\"line1\nline2\"\"\"", "line1\nline2"},
      {R"('''\t''')", "\t"},
      {R"(r'''\t''')", R"(\t)"},
      {"''''''", ""},
  };
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.in) {
      Single s = LexOne(r.in);
      BOOST_TEST((s.kind == Token::Kind::kString));
      BOOST_TEST(s.text == r.want);
      BOOST_TEST(s.offset == 0u);
    }
  }
}

BOOST_AUTO_TEST_CASE(errors_point_where_the_problem_is) {
  struct Row {
    std::string in;
    std::uint32_t offset;
    const char* message;
  };
  const std::vector<Row> rows = {
      {"'abc", 0, "unterminated string literal"},
      {"x + 'abc", 4, "unterminated string literal"},
      {"'''abc''", 0, "unterminated string literal"},
      {"r'abc", 0, "unterminated string literal"},
      {"'ab\ncd'", 0, "newline in string literal"},
      {R"('a\qb')", 2, R"(invalid escape sequence '\q')"},
      {R"(x == 'ok\z')", 8, R"(invalid escape sequence '\z')"},
      {R"('电\q')", 4, R"(invalid escape sequence '\q')"},
      {R"('\8')", 1, R"(invalid escape sequence '\8')"},
      {R"('\400')", 1, R"(invalid escape sequence '\4')"},
      {R"('\12')", 1, R"(invalid escape sequence '\1')"},
      {"'abc\\", 4, "unterminated escape sequence"},
      {R"('\x4')", 1, "invalid hex escape"},
      {R"('\u12g4')", 1, "invalid hex escape"},
      {R"('\uD800')", 1, "invalid code point in escape"},
      {R"('\U00110000')", 1, "invalid code point in escape"},
      {"a = 1", 2, "unexpected '=' (did you mean '=='?)"},
      {"a & b", 2, "unexpected '&' (did you mean '&&'?)"},
      {"a | b", 2, "unexpected '|' (did you mean '||'?)"},
      {"a # b", 2, "unexpected character '#'"},
      {"a @ b", 2, "unexpected character '@'"},
      {"电", 0, "unexpected character '电'"},
      {"a \x01 b", 2, "unexpected control character U+0001"},
      {"b'abc'", 0, "bytes literals are not supported"},
      {"0x", 0, "bad hex literal"},
      {"18446744073709551616u", 0, "integer literal out of range"},
      {"18446744073709551616", 0, "integer literal out of range"},
      {"9223372036854775809", 0, "integer literal out of range"},
      {"0x10000000000000000", 0, "integer literal out of range"},
  };
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.in) {
      std::vector<Token> t = Lex(r.in);
      // Lexing stops at the first error: the error token, then kEnd.
      BOOST_TEST_REQUIRE(t.size() >= 2u);
      BOOST_TEST_REQUIRE((t.back().kind == Token::Kind::kEnd));
      const Token& e = t[t.size() - 2];
      BOOST_TEST_REQUIRE((e.kind == Token::Kind::kError), Render(t));
      BOOST_TEST(e.offset == r.offset);
      BOOST_TEST(e.text == r.message);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aftersales::internal
