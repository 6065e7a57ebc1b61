// The expression language end to end: parsing (AST dumps and syntax errors
// with offsets), checking (undeclared names with suggestions, enum words,
// types), and evaluating (CEL semantics: error absorption, overflow, time
// zones, calendar days, exact splits, the step budget).
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "common/value.h"
#include "expr/ast.h"
#include "expr/compiler.h"
#include "expr/parser.h"

namespace aftersales::internal {
namespace {

// Facts the checker knows in these tests; slots in space 0, one decision
// field in space 1.
struct Env {
  Declarations decls;
  std::vector<Value> facts;
  std::vector<Value> decided;

  Env() {
    auto platform = std::make_shared<EnumType>(EnumType{"platform", {"taobao", "tmall", "jd"}});
    auto evidence = std::make_shared<EnumType>(EnumType{"evidence", {"photo", "video"}});
    Add("order.delivered_at", Type::Timestamp(), Value());
    Add("case.opened_at", Type::Timestamp(), Value::Time(*ParseTimestamp("2025-03-08T23:10:00+08:00")));
    Add("case.timezone", Type::String(), Value::String("Asia/Shanghai"));
    Add("order.total_paid_cents", Type::Int(), Value::Int(29900));
    Add("case.platform", Type::Enum(platform), Value::String("tmall"));
    Add("issue.evidence", Type::List(Type::Enum(evidence)), Value::ListOf({Value::String("photo")}));
    Add("item.name", Type::String(), Value::String("电热水壶"));
    Add("item.used", Type::Bool(), Value());
    decls.Add("decision.refund_cents", Type::Int(), {1, 0});
    decided.push_back(Value::Int(100));
  }
  void Add(const std::string& name, TypePtr t, Value v) {
    decls.Add(name, std::move(t), {0, static_cast<std::uint32_t>(facts.size())});
    facts.push_back(std::move(v));
  }
  CompileResult Compile(const std::string& src, TypePtr expected = nullptr) const {
    CompileOptions o;
    o.expected_type = std::move(expected);
    return CompileExpression(src, decls, o);
  }
  // The value as a CEL literal, or "error: <message>", or "invalid: <issues>".
  std::string Eval(const std::string& src, std::int64_t steps = 1'000'000) const {
    CompileResult c = Compile(src);
    if (!c.program) {
      std::string s = "invalid:";
      for (const ExprIssue& i : c.issues) s += " " + std::to_string(i.offset) + ":" + i.message;
      return s;
    }
    const Value* spaces[2] = {facts.data(), decided.data()};
    EvalContext ctx;
    ctx.spaces = spaces;
    ctx.num_spaces = 2;
    ctx.steps_left = steps;
    Value v = c.program->Evaluate(ctx);
    return v.is_error() ? "error: " + v.error_message() : FormatCelLiteral(v);
  }
};

struct Row {
  const char* expr;
  const char* want;
};

void Check(const Env& env, const std::vector<Row>& rows) {
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.expr) { BOOST_TEST(env.Eval(r.expr) == std::string(r.want)); }
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(expression_language)

BOOST_AUTO_TEST_CASE(parses_with_cel_precedence) {
  std::vector<Row> rows = {
      {"1 + 2 * 3", "(_+_ 1 (_*_ 2 3))"},
      {"a || b && c", "(_||_ a (_&&_ b c))"},
      {"!a == b", "(_==_ (!_ a) b)"},
      {"a ? b : c ? d : e", "(_?_:_ a b (_?_:_ c d e))"},
      {"x.y.z[0]", "(_[_] ((x.y).z) 0)"},
      {"s.size() + size(s)", "(_+_ (.size s) (size s))"},
      {"[1, 2,][0]", "(_[_] (list 1 2) 0)"},
      {"{'k': 1}", "(map \"k\" 1)"},
      {"-9223372036854775808", "-9223372036854775808"},
      {"has(a.b)", "has(a.b)"},
      {"l.map(x, x * 2)", "(macro:x l (_*_ x 2))"},
      {"l.map(x, x > 0, x)", "(macro:x l (_>_ x 0) x)"},
      {"1 - -2", "(_-_ 1 -2)"},
      {"r'\\d' == \"\\\\d\"", "(_==_ \"\\\\d\" \"\\\\d\")"},
      {"0x10u + 1e2", "(_+_ 16u 100.0)"},
  };
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.expr) {
      ParseResult p = Parse(r.expr, 64);
      BOOST_TEST_REQUIRE(p.expr != nullptr);
      BOOST_TEST(DumpExpr(*p.expr) == std::string(r.want));
    }
  }
}

BOOST_AUTO_TEST_CASE(syntax_errors_say_where) {
  struct Bad {
    const char* expr;
    std::uint32_t offset;
    const char* message;
  };
  std::vector<Bad> rows = {
      {"(1 + 2", 6, "expected ')', found end of expression"},
      {"1 +", 3, "unexpected end of expression"},
      {"'abc", 0, "unterminated string literal"},
      {"'a\\qb'", 2, "invalid escape sequence '\\q'"},
      {"a = 1", 2, "unexpected '=' (did you mean '=='?)"},
      {"9223372036854775808", 0, "integer literal out of range"},
      {"if > 1", 0, "'if' is a reserved word"},
      {"x.all(1, true)", 6, "all(): the first argument must be a variable name"},
      {"has(x)", 0, "has() takes one field selection, such as has(order.delivered_at)"},
  };
  for (const Bad& b : rows) {
    BOOST_TEST_CONTEXT(b.expr) {
      ParseResult p = Parse(b.expr, 64);
      BOOST_TEST(p.expr == nullptr);
      BOOST_TEST_REQUIRE(p.issues.size() == 1u);
      BOOST_TEST(p.issues[0].offset == b.offset);
      BOOST_TEST(p.issues[0].message == std::string(b.message));
    }
  }
  // Nesting beyond the limit is an issue, not a stack overflow.
  std::string deep(100000, '(');
  ParseResult p = Parse(deep + "1", 64);
  BOOST_TEST(p.expr == nullptr);
  BOOST_TEST(p.issues[0].message == "expression nested too deeply (limit 64)");
  std::string bangs(100000, '!');
  BOOST_TEST(Parse(bangs + "true", 64).expr == nullptr);
}

BOOST_AUTO_TEST_CASE(checker_names_misspelt_facts_and_suggests) {
  Env env;
  CompileResult c = env.Compile("item.used && order.delivred_at < case.opened_at");
  BOOST_TEST_REQUIRE(c.issues.size() == 1u);
  BOOST_TEST(c.issues[0].message == "undeclared reference to 'order.delivred_at' (did you mean 'order.delivered_at'?)");
  BOOST_TEST(c.issues[0].offset == 13u);
  CompileResult f = env.Compile("sise(item.name) > 1");
  BOOST_TEST_REQUIRE(f.issues.size() == 1u);
  BOOST_TEST(f.issues[0].message == "undeclared reference to function 'sise' (did you mean 'size'?)");
}

BOOST_AUTO_TEST_CASE(checker_knows_enum_words) {
  Env env;
  struct Bad {
    const char* expr;
    std::uint32_t offset;
    const char* message;
  };
  std::vector<Bad> rows = {
      {"case.platform == 'tmal'", 17, "'tmal' is not a value of enum 'platform' (did you mean 'tmall'?)"},
      {"'tmal' != case.platform", 0, "'tmal' is not a value of enum 'platform' (did you mean 'tmall'?)"},
      {"case.platform in ['jd', 'taobo']", 24, "'taobo' is not a value of enum 'platform' (did you mean 'taobao'?)"},
      {"issue.evidence.exists(e, e == 'videos')", 30, "'videos' is not a value of enum 'evidence' (did you mean 'video'?)"},
  };
  for (const Bad& b : rows) {
    BOOST_TEST_CONTEXT(b.expr) {
      CompileResult c = env.Compile(b.expr);
      BOOST_TEST_REQUIRE(c.issues.size() == 1u);
      BOOST_TEST(c.issues[0].offset == b.offset);
      BOOST_TEST(c.issues[0].message == std::string(b.message));
    }
  }
  BOOST_TEST(env.Compile("case.platform == 'tmall' && case.platform in ['jd']").issues.empty());
}

BOOST_AUTO_TEST_CASE(string_literals_can_stand_for_an_enum_value) {
  Env env;
  auto payer = std::make_shared<EnumType>(EnumType{"freight_payer", {"merchant", "customer"}});
  CompileOptions o;
  o.result_enum = Type::Enum(payer);
  CompileResult ok = CompileExpression("item.used ? 'merchant' : 'customer'", env.decls, o);
  BOOST_TEST_REQUIRE(ok.program != nullptr);
  BOOST_TEST(ok.program->type()->ToString() == "freight_payer");
  CompileResult bad = CompileExpression("item.used ? 'marchant' : 'customer'", env.decls, o);
  BOOST_TEST_REQUIRE(bad.issues.size() == 1u);
  BOOST_TEST(bad.issues[0].offset == 12u);
  BOOST_TEST(bad.issues[0].message == "'marchant' is not a value of enum 'freight_payer' (did you mean 'merchant'?)");
  // A computed string stays a string: the policy loader then says it does not fit.
  CompileResult computed = CompileExpression("item.name", env.decls, o);
  BOOST_TEST(computed.program->type()->ToString() == "string");
}

BOOST_AUTO_TEST_CASE(checker_rejects_type_errors) {
  Env env;
  std::vector<Row> rows = {
      {"item.name == 1", "invalid: 10:cannot compare string with int"},
      {"order.total_paid_cents + 1.5", "invalid: 23:no matching overload for '+' applied to (int, double)"},
      {"item.name < 3", "invalid: 10:no matching overload for '<' applied to (string, int)"},
      {"!order.total_paid_cents", "invalid: 0:no matching overload for '!' applied to (int)"},
      {"1 || true", "invalid: 0:the operands of '||' must be bool, not int"},
      {"'x'.matches('[')", "invalid: 12:invalid regular expression: missing ]: ["},
      {"order.delivered_at.getHours('Mars/Base')", "invalid: 28:unknown time zone 'Mars/Base'"},
  };
  Check(env, rows);
  CompileResult c = env.Compile("order.total_paid_cents + 1", Type::Bool());
  BOOST_TEST_REQUIRE(c.issues.size() == 1u);
  BOOST_TEST(c.issues[0].message == "expected bool, but the expression is int");
  BOOST_TEST(env.Compile("[1, 'a']").program->type()->ToString() == "list(dyn)");
  BOOST_TEST(env.Compile("{'a': 1}").program->type()->ToString() == "map(string, int)");
  BOOST_TEST(env.Compile("issue.evidence.filter(e, e == 'photo')").program->type()->ToString() == "list(evidence)");
}

BOOST_AUTO_TEST_CASE(and_or_absorb_errors_as_cel_says) {
  Env env;
  // order.delivered_at is absent: reading it is an error naming the fact.
  std::vector<Row> rows = {
      {"order.delivered_at < case.opened_at", "error: fact 'order.delivered_at' is absent"},
      {"false && order.delivered_at < case.opened_at", "false"},
      {"order.delivered_at < case.opened_at && false", "false"},
      {"order.delivered_at < case.opened_at || true", "true"},
      {"true || order.delivered_at < case.opened_at", "true"},
      {"order.delivered_at < case.opened_at && true", "error: fact 'order.delivered_at' is absent"},
      {"!item.used", "error: fact 'item.used' is absent"},
      {"has(order.delivered_at)", "false"},
      {"has(case.opened_at)", "true"},
      {"!has(item.used) || item.used", "true"},
      {"decision.refund_cents + 1", "101"},
      {"1 / 0 == 1 || true", "true"},
      {"true ? 1 : 1 / 0", "1"},
  };
  Check(env, rows);
}

BOOST_AUTO_TEST_CASE(arithmetic_is_checked) {
  Env env;
  std::vector<Row> rows = {
      {"9223372036854775807 + 1", "error: int overflow in '+'"},
      {"-9223372036854775808 - 1", "error: int overflow in '-'"},
      {"4611686018427387904 * 2", "error: int overflow in '*'"},
      {"-(-9223372036854775808)", "error: int overflow in '-'"},
      {"-9223372036854775808 / -1", "error: int overflow in '/'"},
      {"1 / 0", "error: division by zero"},
      {"1 % 0", "error: modulus by zero"},
      {"0u - 1u", "error: uint overflow in '-'"},
      {"7 / 2", "3"},
      {"-7 % 3", "-1"},
      {"1.0 / 0.0", "double(\"Infinity\")"},
      {"1 == 1.0 && 1u == 1 && 2 > 1.5 && 3u < 4", "true"},
      {"int(9.99)", "9"},
      {"int(1e19)", "error: int() out of range"},
      {"uint(-1)", "error: uint() out of range"},
      {"int('12a')", "error: int(): cannot convert \"12a\""},
      {"double('2.5') + 0.5", "3.0"},
      {"string(12) + string(1.5) + string(true)", "\"121.5true\""},
  };
  Check(env, rows);
}

BOOST_AUTO_TEST_CASE(strings_lists_maps_macros) {
  Env env;
  std::vector<Row> rows = {
      {"size(item.name)", "4"},
      {"item.name.contains('水') && item.name.startsWith('电') && item.name.endsWith('壶')", "true"},
      {"'order-123'.matches('^order-[0-9]+$')", "true"},
      {"'abc'.matches(item.name)", "false"},
      {"[1, 2, 3].all(x, x > 0) && [1, 2].exists(x, x == 2) && [1, 1].exists_one(x, x == 1)", "false"},
      {"[1, 2, 3].filter(x, x % 2 == 1)", "[1, 3]"},
      {"[1, 2, 3].map(x, x * 10)", "[10, 20, 30]"},
      {"[1, 2, 3].map(x, x > 1, x * 10)", "[20, 30]"},
      {"{'a': 1, 'b': 2}.all(k, k in ['a', 'b'])", "true"},
      {"[0, -1].all(x, 1 / x > 0)", "false"},
      {"[0, 1].all(x, 1 / x > 0)", "error: division by zero"},
      {"[1, 0].exists(x, 1 / x > 0)", "true"},
      {"[0].all(x, 1 / x > 0)", "error: division by zero"},
      {"{'a': 1}['b']", "error: no such key: \"b\""},
      {"[1, 2][2]", "error: index out of range: 2"},
      {"{'a': 1, 'a': 2}", "error: repeated key in map literal: \"a\""},
      {"2 in [1, 2] && 'k' in {'k': 1}", "true"},
      {"[1] + [2] == [1, 2]", "true"},
  };
  Check(env, rows);
}

BOOST_AUTO_TEST_CASE(time_zones_and_calendar_days) {
  Env env;
  std::vector<Row> rows = {
      // Signed 20:30 on 1 March; day 7 ends at 24:00 on 8 March in Shanghai.
      {"calendar_days(timestamp('2025-03-01T20:30:00+08:00'), case.opened_at, case.timezone)", "7"},
      {"calendar_days(timestamp('2025-03-01T20:30:00+08:00'), timestamp('2025-03-09T00:05:00+08:00'), 'Asia/Shanghai')", "8"},
      // The same instants counted by UTC dates give another answer.
      {"calendar_days(timestamp('2025-03-02T00:30:00+08:00'), timestamp('2025-03-09T23:00:00+08:00'), 'Asia/Shanghai')", "7"},
      {"calendar_days(timestamp('2025-03-02T00:30:00+08:00'), timestamp('2025-03-09T23:00:00+08:00'), 'UTC')", "8"},
      {"calendar_days(timestamp('2026-11-17T23:59:00+08:00'), timestamp('2026-11-18T00:01:00+08:00'), '+08:00')", "1"},
      {"calendar_days(case.opened_at, timestamp('2025-03-01T00:00:00Z'), 'UTC')", "-7"},
      {"timestamp('2026-03-08T06:30:00Z').getHours('America/New_York')", "1"},
      {"timestamp('2026-03-08T07:30:00Z').getHours('America/New_York')", "3"},
      {"timestamp('2026-11-20T14:03:00+08:00').getDayOfWeek('Asia/Shanghai')", "5"},
      {"timestamp('2026-01-01T00:00:00Z').getFullYear('-01:00')", "2025"},
      {"case.opened_at - timestamp('2025-03-08T22:10:00+08:00') == duration('1h')", "true"},
      {"duration('1h30m').getMinutes()", "90"},
      {"timestamp('9999-12-31T23:59:59Z') + duration('1s')", "error: timestamp out of range"},
      {"calendar_days(case.opened_at, case.opened_at, 'Nowhere/Land')", "invalid: 46:unknown time zone 'Nowhere/Land'"},
      {"timestamp('2026-11-20 14:03')", "error: timestamp(\"2026-11-20 14:03\"): not an RFC 3339 timestamp (expected e.g. 2026-11-20T14:03:00+08:00)"},
  };
  Check(env, rows);
}

BOOST_AUTO_TEST_CASE(split_adds_up_to_the_cent) {
  Env env;
  std::vector<Row> rows = {
      {"split(1001, [1, 1])", "[501, 500]"},
      {"split(1525, [1, 1])", "[763, 762]"},
      {"split(1526, [1, 1])", "[763, 763]"},
      {"split(100, [1, 1, 1])", "[34, 33, 33]"},
      {"split(-5, [1, 1])", "[-3, -2]"},
      {"split(10, [0, 1])", "[0, 10]"},
      {"split(10, [])", "error: split(): no weights"},
      {"split(10, [0, 0])", "error: split(): the weights add up to 0"},
      {"split(10, [1, -1])", "error: split(): weights must not be negative"},
      {"share(1001, 1, 2)", "500"},
      {"share(-1001, 1, 2)", "-501"},
      {"share(9223372036854775807, 3, 4)", "6917529027641081855"},
      {"share(1, 1, 0)", "error: share(): division by zero"},
  };
  Check(env, rows);
  // Many amounts and weights: the parts always add up exactly.
  for (int amount = 0; amount < 2000; amount += 7) {
    for (const char* weights : {"[1, 2, 3]", "[7, 5]", "[1, 1, 1, 1, 1, 1, 1]"}) {
      std::string e = "split(" + std::to_string(amount) + ", " + weights + ").map(x, x >= 0).size() >= 0 && " +
                      "(split(" + std::to_string(amount) + ", " + weights + ")).size() > 0";
      BOOST_TEST(env.Eval(e) == "true");
      CompileResult c = env.Compile("split(" + std::to_string(amount) + ", " + weights + ")");
      const Value* spaces[2] = {env.facts.data(), env.decided.data()};
      EvalContext ctx;
      ctx.spaces = spaces;
      ctx.num_spaces = 2;
      Value parts = c.program->Evaluate(ctx);
      std::int64_t sum = 0;
      for (const Value& p : parts.list_value()) sum += p.int_value();
      BOOST_TEST(sum == amount);
    }
  }
}

BOOST_AUTO_TEST_CASE(the_step_budget_bounds_evaluation) {
  Env env;
  const std::string heavy = "[1,2,3,4,5,6,7,8,9,10].all(x, [1,2,3,4,5,6,7,8,9,10].all(y, x * y > 0))";
  BOOST_TEST(env.Eval(heavy) == "true");
  BOOST_TEST(env.Eval(heavy, 40) == "error: evaluation step budget exhausted");
}

BOOST_AUTO_TEST_CASE(conjuncts_explain_conditions) {
  Env env;
  CompileResult c = env.Compile("case.platform == 'tmall' && (item.used || true) && order.total_paid_cents > 50000");
  BOOST_TEST_REQUIRE(c.program != nullptr);
  const auto& parts = c.program->conjuncts();
  BOOST_TEST_REQUIRE(parts.size() == 3u);
  BOOST_TEST(parts[0].source == "case.platform == 'tmall'");
  BOOST_TEST(parts[1].source == "item.used || true");
  BOOST_TEST(parts[2].source == "order.total_paid_cents > 50000");
  const Value* spaces[2] = {env.facts.data(), env.decided.data()};
  EvalContext ctx;
  ctx.spaces = spaces;
  ctx.num_spaces = 2;
  BOOST_TEST(c.program->EvaluateConjunct(0, ctx).bool_value());
  BOOST_TEST(c.program->EvaluateConjunct(1, ctx).bool_value());
  BOOST_TEST(!c.program->EvaluateConjunct(2, ctx).bool_value());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aftersales::internal
