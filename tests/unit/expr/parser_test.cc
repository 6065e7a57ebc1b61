// Parser: source -> AST dump for precedence, associativity, member calls,
// indexing, list and map literals, the ternary, macros and has(); bad input
// -> one issue with its message and offset; the nesting limit.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "expr/ast.h"
#include "expr/parser.h"

namespace aftersales::internal {
namespace {

constexpr int kDepth = 64;

struct Row {
  const char* in;
  const char* want;
};

void CheckDumps(const std::vector<Row>& rows) {
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.in) {
      ParseResult p = Parse(r.in, kDepth);
      BOOST_TEST_REQUIRE(p.expr != nullptr, (p.issues.empty() ? "" : p.issues[0].message));
      BOOST_TEST(p.issues.empty());
      BOOST_TEST(DumpExpr(*p.expr) == std::string(r.want));
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(parser)

BOOST_AUTO_TEST_CASE(precedence) {
  CheckDumps({
      {"1 + 2 * 3", "(_+_ 1 (_*_ 2 3))"},
      {"1 * 2 + 3", "(_+_ (_*_ 1 2) 3)"},
      {"(1 + 2) * 3", "(_*_ (_+_ 1 2) 3)"},
      {"a % b / c * d", "(_*_ (_/_ (_%_ a b) c) d)"},
      {"a + b < c - d", "(_<_ (_+_ a b) (_-_ c d))"},
      {"a < b == c > d", "(_>_ (_==_ (_<_ a b) c) d)"},
      {"a in b && c", "(_&&_ (@in a b) c)"},
      {"a || b && c", "(_||_ a (_&&_ b c))"},
      {"a && b || c && d", "(_||_ (_&&_ a b) (_&&_ c d))"},
      {"!a == b", "(_==_ (!_ a) b)"},
      {"!a && !b", "(_&&_ (!_ a) (!_ b))"},
      {"-a * b", "(_*_ (-_ a) b)"},
      {"!!a", "(!_ (!_ a))"},
      {"--a", "(-_ (-_ a))"},
      {"- -1", "(-_ -1)"},
      {"1 - -2", "(_-_ 1 -2)"},
      {"-x.y", "(-_ (x.y))"},
      {"-1.5", "(-_ 1.5)"},
      {"-1u", "(-_ 1u)"},
      {"a != b ? c : d", "(_?_:_ (_!=_ a b) c d)"},
      {"a || b ? c : d", "(_?_:_ (_||_ a b) c d)"},
      {"a <= b >= c", "(_>=_ (_<=_ a b) c)"},
  });
}

BOOST_AUTO_TEST_CASE(associativity) {
  CheckDumps({
      {"a - b - c", "(_-_ (_-_ a b) c)"},
      {"a / b / c", "(_/_ (_/_ a b) c)"},
      {"a && b && c", "(_&&_ (_&&_ a b) c)"},
      {"a || b || c", "(_||_ (_||_ a b) c)"},
      {"a ? b : c ? d : e", "(_?_:_ a b (_?_:_ c d e))"},
      {"a ? (b ? c : d) : e", "(_?_:_ a (_?_:_ b c d) e)"},
  });
}

BOOST_AUTO_TEST_CASE(members_calls_and_indexing) {
  CheckDumps({
      {"x", "x"},
      {"x.y.z", "((x.y).z)"},
      {"x.y.z[0]", "(_[_] ((x.y).z) 0)"},
      {"x[0].y", "((_[_] x 0).y)"},
      {"m['k'][1]", "(_[_] (_[_] m \"k\") 1)"},
      {"x[a + 1]", "(_[_] x (_+_ a 1))"},
      {"s.size()", "(.size s)"},
      {"size(s)", "(size s)"},
      {"s.size() + size(s)", "(_+_ (.size s) (size s))"},
      {"a.b.startsWith('x')", "(.startsWith (a.b) \"x\")"},
      {"f()", "(f)"},
      {"f(1, 2, 3)", "(f 1 2 3)"},
      {"a.f(1).g(2)", "(.g (.f a 1) 2)"},
      {"'abc'.size()", "(.size \"abc\")"},
      {"x.in", "(x.in)"},
      {".x", "x"},
      {"(x).y", "(x.y)"},
      {"-1.abs()", "(-_ (.abs 1))"},
      {"[1][0]", "(_[_] (list 1) 0)"},
      {"timestamp('2026-01-01T00:00:00Z').getHours('UTC')", "(.getHours (timestamp \"2026-01-01T00:00:00Z\") \"UTC\")"},
  });
}

BOOST_AUTO_TEST_CASE(literals) {
  CheckDumps({
      {"1", "1"},
      {"1u", "1u"},
      {"1.0", "1.0"},
      {"1e2", "100.0"},
      {"0x10u + 1e2", "(_+_ 16u 100.0)"},
      {"'s'", "\"s\""},
      {"true", "true"},
      {"false", "false"},
      {"null", "null"},
      {"9223372036854775807", "9223372036854775807"},
      {"-9223372036854775808", "-9223372036854775808"},
      {"-9223372036854775808 - 1", "(_-_ -9223372036854775808 1)"},
      {"r'\\d' == \"\\\\d\"", "(_==_ \"\\\\d\" \"\\\\d\")"},
      {"[]", "(list)"},
      {"[1, 2,]", "(list 1 2)"},
      {"[1, 2,][0]", "(_[_] (list 1 2) 0)"},
      {"[[1], []]", "(list (list 1) (list))"},
      {"{}", "(map)"},
      {"{'k': 1}", "(map \"k\" 1)"},
      {"{'a': 1, 'b': [2],}", "(map \"a\" 1 \"b\" (list 2))"},
      {"{1: {true: null}}", "(map 1 (map true null))"},
      {"{a ? 'x' : 'y': 1}", "(map (_?_:_ a \"x\" \"y\") 1)"},
  });
}

BOOST_AUTO_TEST_CASE(macros_and_has) {
  CheckDumps({
      {"l.all(x, x > 0)", "(macro:x l (_>_ x 0))"},
      {"l.exists(x, x == 1)", "(macro:x l (_==_ x 1))"},
      {"l.exists_one(y, y)", "(macro:y l y)"},
      {"l.filter(x, x % 2 == 1)", "(macro:x l (_==_ (_%_ x 2) 1))"},
      {"l.map(x, x * 2)", "(macro:x l (_*_ x 2))"},
      {"l.map(x, x > 0, x)", "(macro:x l (_>_ x 0) x)"},
      {"a.b.all(x, x.c.exists(y, y))", "(macro:x (a.b) (macro:y (x.c) y))"},
      {"has(a.b)", "has(a.b)"},
      {"has(a.b.c)", "has((a.b).c)"},
      {"!has(a.b) || a.b", "(_||_ (!_ has(a.b)) (a.b))"},
      // Not macros: other names, or a different number of arguments only
      // for map, or called without a receiver.
      {"l.sort(x, x)", "(.sort l x x)"},
      {"all(l, x)", "(all l x)"},
  });
  // The expanded node records which macro it was.
  struct M {
    const char* in;
    Expr::Macro macro;
    std::size_t args;
  };
  const std::vector<M> rows = {
      {"l.all(x, x)", Expr::Macro::kAll, 2},
      {"l.exists(x, x)", Expr::Macro::kExists, 2},
      {"l.exists_one(x, x)", Expr::Macro::kExistsOne, 2},
      {"l.filter(x, x)", Expr::Macro::kFilter, 2},
      {"l.map(x, x)", Expr::Macro::kMap, 2},
      {"l.map(x, x, x)", Expr::Macro::kMap, 3},
  };
  for (const M& m : rows) {
    BOOST_TEST_CONTEXT(m.in) {
      ParseResult p = Parse(m.in, kDepth);
      BOOST_TEST_REQUIRE(p.expr != nullptr);
      BOOST_TEST((p.expr->kind == Expr::Kind::kComprehension));
      BOOST_TEST((p.expr->macro == m.macro));
      BOOST_TEST(p.expr->var == "x");
      BOOST_TEST(p.expr->args.size() == m.args);
      BOOST_TEST(p.expr->offset == 2u);  // the macro's name
    }
  }
  ParseResult h = Parse("x || has(order.delivered_at)", kDepth);
  BOOST_TEST_REQUIRE(h.expr != nullptr);
  const Expr& sel = *h.expr->args[1];
  BOOST_TEST((sel.kind == Expr::Kind::kSelect));
  BOOST_TEST(sel.test_only);
  BOOST_TEST(sel.name == "delivered_at");
  BOOST_TEST(sel.offset == 5u);
  BOOST_TEST(sel.end == 28u);
}

BOOST_AUTO_TEST_CASE(offsets_and_ends) {
  // "order.total + 1 > 2"
  ParseResult p = Parse("order.total + 1 > 2", kDepth);
  BOOST_TEST_REQUIRE(p.expr != nullptr);
  const Expr& gt = *p.expr;
  BOOST_TEST(gt.offset == 16u);  // the operator
  BOOST_TEST(gt.end == 19u);
  const Expr& plus = *gt.args[0];
  BOOST_TEST(plus.offset == 12u);
  BOOST_TEST(plus.end == 15u);
  const Expr& sel = *plus.args[0];
  BOOST_TEST(sel.offset == 0u);
  BOOST_TEST(sel.end == 11u);
  ParseResult call = Parse("item.name.startsWith('x')", kDepth);
  BOOST_TEST_REQUIRE(call.expr != nullptr);
  BOOST_TEST(call.expr->receiver);
  BOOST_TEST(call.expr->offset == 10u);
  BOOST_TEST(call.expr->end == 25u);
  ParseResult neg = Parse("-9223372036854775808", kDepth);
  BOOST_TEST_REQUIRE(neg.expr != nullptr);
  BOOST_TEST(neg.expr->literal.int_value() == INT64_MIN);
  BOOST_TEST(neg.expr->offset == 0u);
  BOOST_TEST(neg.expr->end == 20u);
}

BOOST_AUTO_TEST_CASE(bad_input_says_what_and_where) {
  struct Bad {
    const char* in;
    std::uint32_t offset;
    const char* message;
  };
  const std::vector<Bad> rows = {
      {"", 0, "unexpected end of expression"},
      {"(1 + 2", 6, "expected ')', found end of expression"},
      {"1 +", 3, "unexpected end of expression"},
      {"1 + * 2", 4, "unexpected token"},
      {"a b", 2, "unexpected 'b'"},
      {"1 2", 2, "unexpected number"},
      {"a 'x'", 2, "unexpected string"},
      {"a)", 1, "unexpected ')'"},
      {"[1, 2", 5, "expected ']', found end of expression"},
      {"[1 2]", 3, "expected ']', found number"},
      {"{'a' 1}", 5, "expected ':', found number"},
      {"{'a': 1 'b': 2}", 8, "expected '}', found string"},
      {"f(1,)", 4, "unexpected ')'"},
      {"f(1 2)", 4, "expected ')', found number"},
      {"a ? b", 5, "expected ':', found end of expression"},
      {"a.", 2, "expected a field name, found end of expression"},
      {"a.1", 1, "unexpected number"},
      {"a.'x'", 2, "expected a field name, found string"},
      {"'abc", 0, "unterminated string literal"},
      {"x == 'a\\qb'", 7, "invalid escape sequence '\\q'"},
      {"a = 1", 2, "unexpected '=' (did you mean '=='?)"},
      {"a == 1 = 2", 7, "unexpected '=' (did you mean '=='?)"},
      {"9223372036854775808", 0, "integer literal out of range"},
      {"-(9223372036854775808)", 2, "integer literal out of range"},
      {"- 9223372036854775808.size()", 2, "integer literal out of range"},
      {"if > 1", 0, "'if' is a reserved word"},
      {"x + while", 4, "'while' is a reserved word"},
      {"x.all(1, true)", 6, "all(): the first argument must be a variable name"},
      {"x.exists(a.b, true)", 9, "exists(): the first argument must be a variable name"},
      {"x.all(y)", 2, "all() takes a variable and an expression"},
      {"x.filter(y, y, y)", 2, "filter() takes a variable and an expression"},
      {"x.map(y)", 2, "map() takes a variable and an expression"},
      {"x.map(y, y, y, y)", 2, "map() takes a variable and an expression"},
      {"has(x)", 0, "has() takes one field selection, such as has(order.delivered_at)"},
      {"has(a.b, a.c)", 0, "has() takes one field selection, such as has(order.delivered_at)"},
      {"a || has()", 5, "has() takes one field selection, such as has(order.delivered_at)"},
      {"b'x'", 0, "bytes literals are not supported"},
  };
  for (const Bad& b : rows) {
    BOOST_TEST_CONTEXT(b.in) {
      ParseResult p = Parse(b.in, kDepth);
      BOOST_TEST(p.expr == nullptr);
      BOOST_TEST_REQUIRE(p.issues.size() == 1u);
      BOOST_TEST(p.issues[0].code == "expr.syntax");
      BOOST_TEST(p.issues[0].offset == b.offset);
      BOOST_TEST(p.issues[0].message == std::string(b.message));
    }
  }
}

BOOST_AUTO_TEST_CASE(nesting_is_bounded) {
  auto nested = [](const std::string& open, const std::string& inner, const std::string& close, int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += open;
    s += inner;
    for (int i = 0; i < n; ++i) s += close;
    return s;
  };
  // Modest nesting parses.
  ParseResult ok = Parse(nested("(", "1", ")", 30), kDepth);
  BOOST_TEST_REQUIRE(ok.expr != nullptr);
  BOOST_TEST(DumpExpr(*ok.expr) == "1");
  BOOST_TEST(Parse(nested("[", "1", "]", 30), kDepth).expr != nullptr);
  BOOST_TEST(Parse(nested("!", "true", "", 30), kDepth).expr != nullptr);
  // Deep nesting of every recursive form is an issue, not a stack overflow.
  const std::string message = "expression nested too deeply (limit 64)";
  struct Deep {
    const char* what;
    std::string src;
  };
  const std::vector<Deep> rows = {
      {"parens", nested("(", "1", ")", 100000)},
      {"parens unclosed", std::string(100000, '(') + "1"},
      {"lists", nested("[", "1", "]", 100000)},
      {"maps", nested("{1: ", "1", "}", 50000)},
      {"bangs", std::string(100000, '!') + "true"},
      {"minus", std::string(100000, '-') + "x"},
      {"index", nested("a[", "0", "]", 50000)},
      {"calls", nested("f(", "0", ")", 50000)},
      {"ternaries", nested("a ? b : ", "c", "", 50000)},
      {"macros", nested("l.all(x, ", "true", ")", 50000)},
  };
  for (const Deep& d : rows) {
    BOOST_TEST_CONTEXT(d.what) {
      ParseResult p = Parse(d.src, kDepth);
      BOOST_TEST(p.expr == nullptr);
      BOOST_TEST_REQUIRE(p.issues.size() == 1u);
      BOOST_TEST(p.issues[0].message == message);
      BOOST_TEST(p.issues[0].code == "expr.syntax");
    }
  }
  // The limit is the caller's.
  BOOST_TEST(Parse(nested("(", "1", ")", 30), 8).expr == nullptr);
  BOOST_TEST(Parse(nested("(", "1", ")", 30), 8).issues[0].message == "expression nested too deeply (limit 8)");
  // Chains are as deep as they are long (everything after the parser
  // recurses over them): 63 links are 64 levels, one more is too deep.
  auto chain = [](const char* link, int n) {
    std::string s = "a";
    for (int i = 0; i < n; ++i) s += link;
    return s;
  };
  for (const char* link : {" + a", " * a", " < a", ".b", "[0]", ".f()"}) {
    BOOST_TEST_CONTEXT(link) {
      BOOST_TEST(Parse(chain(link, 63), kDepth).expr != nullptr);
      ParseResult deep = Parse(chain(link, 64), kDepth);
      BOOST_TEST(deep.expr == nullptr);
      BOOST_TEST_REQUIRE(deep.issues.size() == 1u);
      BOOST_TEST(deep.issues[0].message == message);
      BOOST_TEST(Parse(chain(link, 5000), kDepth).issues.size() == 1u);
    }
  }
  // ...but && and || chains are balanced, so any length stays shallow, and
  // up to three terms keep their left-to-right shape.
  ParseResult ors = Parse(chain(" || a", 5000), kDepth);
  BOOST_TEST_REQUIRE(ors.expr != nullptr);
  BOOST_TEST(ors.expr->height == 14);
  BOOST_TEST(Parse(chain(" && a", 100000), kDepth).expr != nullptr);
  BOOST_TEST(DumpExpr(*Parse("a && b && c && d", kDepth).expr) == "(_&&_ (_&&_ a b) (_&&_ c d))");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aftersales::internal
