// Checker (through CompileExpression): undeclared names and functions with
// "did you mean", enum words, type errors with their offsets, the expected
// result type, result types of representative expressions, constant regexes
// and time zones.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "expr/compiler.h"
#include "expr/declarations.h"
#include "expr/type.h"

namespace aftersales::internal {
namespace {

struct Env {
  Declarations decls;
  Env() {
    auto platform = std::make_shared<EnumType>(EnumType{"platform", {"taobao", "tmall", "jd"}});
    auto evidence = std::make_shared<EnumType>(EnumType{"evidence", {"photo", "video"}});
    std::uint32_t slot = 0;
    auto add = [&](const char* name, TypePtr t) { BOOST_REQUIRE(decls.Add(name, std::move(t), {0, slot++})); };
    add("order.delivered_at", Type::Timestamp());
    add("order.total_paid_cents", Type::Int());
    add("order.items_count", Type::Uint());
    add("order.weight_kg", Type::Double());
    add("case.platform", Type::Enum(platform));
    add("case.opened_at", Type::Timestamp());
    add("case.timezone", Type::String());
    add("case.return_window", Type::Duration());
    add("issue.evidence", Type::List(Type::Enum(evidence)));
    add("item.name", Type::String());
    add("item.used", Type::Bool());
    add("item.tags", Type::Map(Type::String(), Type::Int()));
    add("extra", Type::Dyn());
    BOOST_REQUIRE(decls.Add("decision.refund_cents", Type::Int(), {1, 0}));
  }
  CompileResult Compile(const std::string& src, TypePtr expected = nullptr) const {
    CompileOptions o;
    o.expected_type = std::move(expected);
    return CompileExpression(src, decls, o);
  }
};

struct Bad {
  const char* expr;
  std::uint32_t offset;
  const char* code;
  const char* message;
};

void CheckIssues(const Env& env, const std::vector<Bad>& rows) {
  for (const Bad& b : rows) {
    BOOST_TEST_CONTEXT(b.expr) {
      CompileResult c = env.Compile(b.expr);
      BOOST_TEST(c.program == nullptr);
      BOOST_TEST_REQUIRE(c.issues.size() == 1u);
      BOOST_TEST(c.issues[0].message == std::string(b.message));
      BOOST_TEST(c.issues[0].offset == b.offset);
      BOOST_TEST(c.issues[0].code == std::string(b.code));
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(checker)

BOOST_AUTO_TEST_CASE(declarations) {
  Declarations d;
  BOOST_TEST(d.Add("order.id", Type::String(), {0, 0}));
  BOOST_TEST(!d.Add("order.id", Type::Int(), {0, 1}));  // already declared
  BOOST_TEST(d.all().size() == 1u);
  BOOST_TEST(d.Find("order.id")->type->ToString() == "string");
  BOOST_TEST(d.Find("order") == nullptr);
  BOOST_TEST(d.IsNamespace("order"));
  BOOST_TEST(!d.IsNamespace("order.id"));
  BOOST_TEST(!d.IsNamespace("ord"));
}

BOOST_AUTO_TEST_CASE(undeclared_names_suggest_the_closest) {
  Env env;
  CheckIssues(env, {
      {"order.delivred_at < case.opened_at", 0, "expr.undeclared",
       "undeclared reference to 'order.delivred_at' (did you mean 'order.delivered_at'?)"},
      {"item.used && order.delivred_at < case.opened_at", 13, "expr.undeclared",
       "undeclared reference to 'order.delivred_at' (did you mean 'order.delivered_at'?)"},
      {"order.total_paid_cent > 0", 0, "expr.undeclared",
       "undeclared reference to 'order.total_paid_cent' (did you mean 'order.total_paid_cents'?)"},
      {"1 + totally.unknown", 4, "expr.undeclared", "undeclared reference to 'totally.unknown'"},
      {"x", 0, "expr.undeclared", "undeclared reference to 'x'"},
      {"order", 0, "expr.undeclared", "undeclared reference to 'order'"},
      {"has(order.delivred_at)", 4, "expr.undeclared",
       "undeclared reference to 'order.delivred_at' (did you mean 'order.delivered_at'?)"},
      {"[1].all(x, y > 0)", 11, "expr.undeclared", "undeclared reference to 'y' (did you mean 'x'?)"},
      {"[1].all(xs, zzz > 0)", 12, "expr.undeclared", "undeclared reference to 'zzz'"},
      {"sise(item.name) > 1", 0, "expr.undeclared", "undeclared reference to function 'sise' (did you mean 'size'?)"},
      {"item.name.startswit('a')", 10, "expr.undeclared",
       "undeclared reference to function 'startswit' (did you mean 'startsWith'?)"},
      {"frobnicate(1)", 0, "expr.undeclared", "undeclared reference to function 'frobnicate'"},
  });
  // A comprehension variable is a name too, and a declared fact may be
  // read in the body.
  BOOST_TEST(env.Compile("issue.evidence.all(e, e == 'photo' && item.used)").issues.empty());
}

BOOST_AUTO_TEST_CASE(enum_words_are_checked) {
  Env env;
  CheckIssues(env, {
      {"case.platform == 'tmal'", 17, "expr.enum", "'tmal' is not a value of enum 'platform' (did you mean 'tmall'?)"},
      {"case.platform != 'tmal'", 17, "expr.enum", "'tmal' is not a value of enum 'platform' (did you mean 'tmall'?)"},
      {"'tmal' == case.platform", 0, "expr.enum", "'tmal' is not a value of enum 'platform' (did you mean 'tmall'?)"},
      {"case.platform in ['tmal']", 18, "expr.enum",
       "'tmal' is not a value of enum 'platform' (did you mean 'tmall'?)"},
      {"case.platform in ['jd', 'taobo']", 24, "expr.enum",
       "'taobo' is not a value of enum 'platform' (did you mean 'taobao'?)"},
      {"case.platform == 'amazon'", 17, "expr.enum", "'amazon' is not a value of enum 'platform'"},
      {"'videos' in issue.evidence", 0, "expr.enum", "'videos' is not a value of enum 'evidence' (did you mean 'video'?)"},
      {"issue.evidence.exists(e, e == 'videos')", 30, "expr.enum",
       "'videos' is not a value of enum 'evidence' (did you mean 'video'?)"},
  });
  for (const char* ok : {"case.platform == 'tmall'", "case.platform in ['jd', 'tmall']", "'photo' in issue.evidence",
                         "case.platform == item.name", "case.platform.startsWith('t')"}) {
    BOOST_TEST_CONTEXT(ok) { BOOST_TEST(env.Compile(ok).issues.empty()); }
  }
}

BOOST_AUTO_TEST_CASE(type_errors) {
  Env env;
  CheckIssues(env, {
      {"item.name == 1", 10, "expr.type", "cannot compare string with int"},
      {"1 != item.name", 2, "expr.type", "cannot compare int with string"},
      {"order.delivered_at == 1", 19, "expr.type", "cannot compare timestamp with int"},
      {"item.used == 'true'", 10, "expr.type", "cannot compare bool with string"},
      {"order.total_paid_cents + 1.5", 23, "expr.type", "no matching overload for '+' applied to (int, double)"},
      {"order.total_paid_cents + 1u", 23, "expr.type", "no matching overload for '+' applied to (int, uint)"},
      {"order.weight_kg % 2.0", 16, "expr.type", "no matching overload for '%' applied to (double, double)"},
      {"item.name < 3", 10, "expr.type", "no matching overload for '<' applied to (string, int)"},
      {"item.name - 'a'", 10, "expr.type", "no matching overload for '-' applied to (string, string)"},
      {"-item.name", 0, "expr.type", "no matching overload for '-' applied to (string)"},
      {"-order.items_count", 0, "expr.type", "no matching overload for '-' applied to (uint)"},
      {"!order.total_paid_cents", 0, "expr.type", "no matching overload for '!' applied to (int)"},
      {"1 || true", 0, "expr.type", "the operands of '||' must be bool, not int"},
      {"true && 'x'", 8, "expr.type", "the operands of '&&' must be bool, not string"},
      {"1 ? 2 : 3", 0, "expr.type", "the condition of '?:' must be bool, not int"},
      {"size(1)", 0, "expr.type", "no matching overload for 'size' applied to (int)"},
      {"item.name[0]", 9, "expr.type", "no matching overload for '[]' applied to (string, int)"},
      {"issue.evidence['a']", 14, "expr.type", "no matching overload for '[]' applied to (list(evidence), string)"},
      {"item.tags[1]", 9, "expr.type", "no matching overload for '[]' applied to (map(string, int), int)"},
      {"1 in 2", 2, "expr.type", "no matching overload for 'in' applied to (int, int)"},
      {"item.name.foo", 0, "expr.type", "a string has no field 'foo'"},
      {"item.used.all(x, x)", 0, "expr.type", "macros range over lists and maps, not bool"},
      {"[1, 2].all(x, x)", 14, "expr.type", "the predicate must be bool, not int"},
      {"[1, 2].map(x, x, x)", 14, "expr.type", "the filter of map() must be bool, not int"},
      {"{[1]: 2}", 1, "expr.type", "unsupported map key type list(int)"},
      {"order.delivered_at + order.delivered_at", 19, "expr.type",
       "no matching overload for '+' applied to (timestamp, timestamp)"},
      {"case.return_window.getDayOfWeek()", 19, "expr.type",
       "no matching overload for 'getDayOfWeek' applied to (duration)"},
      {"calendar_days(order.delivered_at, case.opened_at)", 0, "expr.type",
       "no matching overload for 'calendar_days' applied to (timestamp, timestamp)"},
      {"split(10, ['a'])", 0, "expr.type", "no matching overload for 'split' applied to (int, list(string))"},
      {"share(1.0, 1, 2)", 0, "expr.type", "no matching overload for 'share' applied to (double, int, int)"},
      {"int(order.return_window)", 4, "expr.undeclared",
       "undeclared reference to 'order.return_window'"},
      {"bool(1)", 0, "expr.type", "no matching overload for 'bool' applied to (int)"},
      {"duration(1)", 0, "expr.type", "no matching overload for 'duration' applied to (int)"},
  });
}

BOOST_AUTO_TEST_CASE(several_issues_are_all_reported) {
  Env env;
  CompileResult c = env.Compile("order.delivred_at < 1 && item.name == 2 && case.platform == 'tmal'");
  BOOST_TEST(c.program == nullptr);
  BOOST_TEST_REQUIRE(c.issues.size() == 3u);
  BOOST_TEST(c.issues[0].offset == 0u);
  BOOST_TEST(c.issues[1].message == "cannot compare string with int");
  BOOST_TEST(c.issues[2].code == "expr.enum");
}

BOOST_AUTO_TEST_CASE(expected_type) {
  Env env;
  CompileResult c = env.Compile("order.total_paid_cents + 1", Type::Bool());
  BOOST_TEST(c.program == nullptr);
  BOOST_TEST_REQUIRE(c.issues.size() == 1u);
  BOOST_TEST(c.issues[0].code == "expr.type");
  BOOST_TEST(c.issues[0].message == "expected bool, but the expression is int");
  BOOST_TEST(c.issues[0].offset == 0u);
  CompileResult s = env.Compile("item.name", Type::Bool());
  BOOST_TEST_REQUIRE(s.issues.size() == 1u);
  BOOST_TEST(s.issues[0].message == "expected bool, but the expression is string");
  // dyn fits anything; a bool fits bool; an enum fits string.
  BOOST_TEST(env.Compile("extra", Type::Bool()).issues.empty());
  BOOST_TEST(env.Compile("item.used || false", Type::Bool()).issues.empty());
  BOOST_TEST(env.Compile("case.platform", Type::String()).issues.empty());
  BOOST_TEST(env.Compile("decision.refund_cents * 2", Type::Int()).issues.empty());
  CompileResult d = env.Compile("1.5", Type::Int());
  BOOST_TEST_REQUIRE(d.issues.size() == 1u);
  BOOST_TEST(d.issues[0].message == "expected int, but the expression is double");
}

BOOST_AUTO_TEST_CASE(result_types) {
  Env env;
  struct Row {
    const char* expr;
    const char* type;
  };
  const std::vector<Row> rows = {
      {"1", "int"},
      {"1u", "uint"},
      {"1.5", "double"},
      {"'a'", "string"},
      {"true", "bool"},
      {"null", "null_type"},
      {"order.total_paid_cents + 1", "int"},
      {"order.items_count * 2u", "uint"},
      {"order.weight_kg / 2.0", "double"},
      {"item.name + '!'", "string"},
      {"case.platform", "platform"},
      {"case.platform + '!'", "string"},
      {"order.delivered_at < case.opened_at", "bool"},
      {"case.opened_at - order.delivered_at", "duration"},
      {"order.delivered_at + case.return_window", "timestamp"},
      {"case.return_window + case.return_window", "duration"},
      {"-case.return_window", "duration"},
      {"order.delivered_at.getHours('Asia/Shanghai')", "int"},
      {"case.return_window.getMinutes()", "int"},
      {"calendar_days(order.delivered_at, case.opened_at, case.timezone)", "int"},
      {"size(item.name)", "int"},
      {"item.name.size()", "int"},
      {"item.name.matches('^a')", "bool"},
      {"[1, 2]", "list(int)"},
      {"[1, 'a']", "list(dyn)"},
      {"[]", "list(dyn)"},
      {"{'a': 1}", "map(string, int)"},
      {"{'a': 1, 2: 'b'}", "map(dyn, dyn)"},
      {"{}", "map(dyn, dyn)"},
      {"item.tags['x']", "int"},
      {"item.tags.x", "int"},
      {"issue.evidence[0]", "evidence"},
      {"issue.evidence.filter(e, e == 'photo')", "list(evidence)"},
      {"issue.evidence.map(e, string(e) + '!')", "list(string)"},
      {"[1, 2].map(x, x > 1, double(x) * 2.0)", "list(double)"},
      {"issue.evidence.all(e, e == 'photo')", "bool"},
      {"[1, 2].exists_one(x, x == 1)", "bool"},
      {"item.tags.exists(k, k == 'x')", "bool"},
      {"item.used ? 1 : 2", "int"},
      {"item.used ? 1 : null", "int"},
      {"item.used ? 1 : 'a'", "dyn"},
      {"extra", "dyn"},
      {"extra + 1", "int"},
      {"extra.foo", "dyn"},
      {"extra[0]", "dyn"},
      {"dyn(1)", "dyn"},
      {"int('12')", "int"},
      {"uint(1)", "uint"},
      {"double(1)", "double"},
      {"string(1)", "string"},
      {"timestamp('2026-01-01T00:00:00Z')", "timestamp"},
      {"duration('1h')", "duration"},
      {"split(decision.refund_cents, [1, 2])", "list(int)"},
      {"share(decision.refund_cents, 1, 2)", "int"},
      {"has(order.delivered_at)", "bool"},
      {"[1] + [2]", "list(int)"},
      {"[1] + ['a']", "list(dyn)"},
  };
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.expr) {
      CompileResult c = env.Compile(r.expr);
      BOOST_TEST_REQUIRE(c.program != nullptr, (c.issues.empty() ? "" : c.issues[0].message));
      BOOST_TEST(c.program->type()->ToString() == r.type);
      BOOST_TEST(c.program->source() == r.expr);
    }
  }
}

BOOST_AUTO_TEST_CASE(has_needs_a_fact) {
  Env env;
  CheckIssues(env, {
      {"has(order.delivered_at.x)", 0, "expr.type", "a timestamp has no field 'x'"},
      {"has(order.x)", 4, "expr.undeclared", "undeclared reference to 'order.x'"},
  });
  CompileResult g = env.Compile("has(case.platform) && has(order)");
  // `order` alone is a group of facts, not a field selection: a syntax issue.
  BOOST_TEST(g.program == nullptr);
  BOOST_TEST(env.Compile("has(extra.field)").issues.empty());
  BOOST_TEST(env.Compile("has(item.tags.x)").issues.empty());
}

BOOST_AUTO_TEST_CASE(constant_regexes_and_time_zones) {
  Env env;
  CheckIssues(env, {
      {"item.name.matches('[')", 18, "expr.regex", "invalid regular expression: missing ]: ["},
      {"item.name.matches('a(')", 18, "expr.regex", "invalid regular expression: missing ): a("},
      {"order.delivered_at.getHours('Mars/Base')", 28, "expr.timezone", "unknown time zone 'Mars/Base'"},
      {"order.delivered_at.getDayOfWeek('+25:00')", 32, "expr.timezone", "unknown time zone '+25:00'"},
      {"calendar_days(order.delivered_at, case.opened_at, 'Nowhere/Land')", 50, "expr.timezone",
       "unknown time zone 'Nowhere/Land'"},
  });
  // Non-constant patterns and zones are checked when evaluated.
  BOOST_TEST(env.Compile("item.name.matches(item.name)").issues.empty());
  BOOST_TEST(env.Compile("order.delivered_at.getHours(case.timezone)").issues.empty());
  BOOST_TEST(env.Compile("order.delivered_at.getHours('+08:00')").issues.empty());
}

BOOST_AUTO_TEST_CASE(limits) {
  Env env;
  CompileOptions o;
  o.max_length = 10;
  CompileResult c = CompileExpression("1 + 2 + 3 + 4", env.decls, o);
  BOOST_TEST_REQUIRE(c.issues.size() == 1u);
  BOOST_TEST(c.issues[0].code == "expr.limit");
  BOOST_TEST(c.issues[0].message == "expression too long (13 bytes; the limit is 10)");
  CompileOptions d;
  d.max_depth = 4;
  CompileResult deep = CompileExpression("((((((1))))))", env.decls, d);
  BOOST_TEST_REQUIRE(deep.issues.size() == 1u);
  BOOST_TEST(deep.issues[0].message == "expression nested too deeply (limit 4)");
}

BOOST_AUTO_TEST_CASE(enum_results) {
  Env env;
  auto payer = std::make_shared<EnumType>(EnumType{"freight_payer", {"merchant", "customer"}});
  CompileOptions o;
  o.result_enum = Type::Enum(payer);
  CompileResult ok = CompileExpression("item.used ? 'merchant' : 'customer'", env.decls, o);
  BOOST_TEST_REQUIRE(ok.program != nullptr);
  BOOST_TEST(ok.program->type()->ToString() == "freight_payer");
  CompileResult one = CompileExpression("'customer'", env.decls, o);
  BOOST_TEST_REQUIRE(one.program != nullptr);
  BOOST_TEST(one.program->type()->ToString() == "freight_payer");
  CompileResult bad = CompileExpression("item.used ? 'merchant' : 'custmer'", env.decls, o);
  BOOST_TEST_REQUIRE(bad.issues.size() == 1u);
  BOOST_TEST(bad.issues[0].offset == 25u);
  BOOST_TEST(bad.issues[0].message == "'custmer' is not a value of enum 'freight_payer' (did you mean 'customer'?)");
  CompileResult computed = CompileExpression("item.name", env.decls, o);
  BOOST_TEST_REQUIRE(computed.program != nullptr);
  BOOST_TEST(computed.program->type()->ToString() == "string");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aftersales::internal
