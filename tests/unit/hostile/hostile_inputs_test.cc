// Hostile inputs, end to end through the public API, on every entry point
// each applies to: policy files (LoadPolicyFromStrings), expressions
// (EvaluateExpression), JSON and YAML cases (ReadFactsJson, ReadFactsYaml),
// FactsBuilder and Decide. Each is answered with its own specific error (or,
// where the input is legitimate, a decision): never a crash, a hang, a leak
// (this suite runs under ASan with LeakSanitizer, and under TSan, in
// scripts/test.sh), a wrapped number or a silent guess.
#include <boost/test/unit_test.hpp>

#include <limits>
#include <string>
#include <vector>

#include "aftersales/aftersales.h"
#include "unit/hostile/hostile_util.h"

namespace {

using aftersales::EvaluateExpression;
using aftersales::ExpressionResult;
using hostile::DecisionError;
using hostile::Has;
using hostile::JsonError;
using hostile::MustLoad;
using hostile::OneRule;
using hostile::PolicyErrors;
using hostile::Repeat;
using hostile::Shipped;
using hostile::YamlError;

// The errors of an expression ("" when it has a value), joined by " | ".
std::string ExprError(const std::string& expr, const std::vector<std::pair<std::string, std::string>>& lets = {}) {
  ExpressionResult r = EvaluateExpression(expr, lets);
  std::string out;
  for (const std::string& e : r.errors) out += (out.empty() ? "" : " | ") + e;
  return out;
}
std::string ExprValue(const std::string& expr) { return EvaluateExpression(expr, {}).value; }

// A policy whose one rule's `when` is the YAML double-quoted `expr`.
std::string WhenPolicy(const std::string& expr) {
  return "policy: {name: t, version: \"1\"}\nfacts: {n: int, l: list<int>}\n"
         "decisions: {resolution: {type: string, required: true}}\n"
         "stages:\n  - {id: s, hit: first, rules: [{id: r, when: \"" + expr + "\", then: {resolution: \"'x'\"}}]}\n";
}

// The bytes of a literal, NULs included (not its terminating NUL).
template <std::size_t N>
std::string Bytes(const char (&s)[N]) {
  return std::string(s, N - 1);
}

const std::string kMoneyMessage = "expected money (integer minor units), got ";

}  // namespace

BOOST_AUTO_TEST_SUITE(invalid_utf8)

BOOST_AUTO_TEST_CASE(everywhere) {
  // Policy files: anywhere in the file, named at its place.
  BOOST_TEST(PolicyErrors("policy: {name: \"t\xff\", version: \"1\"}\n") ==
             "p.yaml:1:18: invalid UTF-8 (byte 0xFF); policy and case files must be UTF-8\n");
  BOOST_TEST(PolicyErrors(WhenPolicy("n > 0 && '\xc0\x80' != ''")) ==
             "p.yaml:5:58: invalid UTF-8 (byte 0xC0); policy and case files must be UTF-8\n");
  // Expressions given to the API.
  BOOST_TEST(ExprError("'a\xff' == 'b'") == "1:3: invalid UTF-8 (byte 0xFF); expressions are UTF-8 text");
  BOOST_TEST(ExprError("'\xed\xa0\x80'") == "1:2: invalid UTF-8 (byte 0xED); expressions are UTF-8 text");  // a surrogate
  // Cases: a string fact, in JSON and in YAML, and from a builder.
  BOOST_TEST(JsonError("{\"case\": {\"id\": \"a\xff\xfe" "b\"}}") == "not valid JSON: The input is not valid UTF-8");
  BOOST_TEST(JsonError("{\"undeclared\": \"\xf4\x90\x80\x80\"}") == "not valid JSON: The input is not valid UTF-8");
  BOOST_TEST(YamlError("case:\n  id: a\xff\xfe" "b\n") ==
             "not valid YAML: line 2:8: invalid UTF-8 (byte 0xFF); policy and case files must be UTF-8");
  auto b = Shipped().NewFacts();
  BOOST_TEST(b.SetString("case.id", "a\xff").message() == "case.id: not valid UTF-8 (case text must be UTF-8)");
  BOOST_TEST(b.SetStringList("issue.evidence", {"photo", "\xc3"}).message() ==
             "issue.evidence: not valid UTF-8 (case text must be UTF-8)");
  // Valid UTF-8 of every length goes through untouched.
  BOOST_TEST(b.SetString("case.id", "a\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80").ok());
  BOOST_TEST(Shipped().ReadFactsJson("{\"case\": {\"id\": \"\xe4\xb8\xad\"}}").value().case_id() == "\xe4\xb8\xad");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(nul_bytes)

BOOST_AUTO_TEST_CASE(everywhere) {
  // Raw in JSON: not JSON. Escaped in case text: refused, naming the field.
  BOOST_TEST(Has(JsonError(Bytes("{\"case\": {\"id\": \"a\0b\"}}")), "not valid JSON"));
  BOOST_TEST(JsonError(R"({"case": {"id": "a\u0000b"}})") ==
             "case.id: contains a NUL character (U+0000), which case text may not hold");
  BOOST_TEST(JsonError(R"({"issue": {"evidence": ["photo\u0000"]}})") ==
             "issue.evidence: contains a NUL character (U+0000), which case text may not hold");
  BOOST_TEST(JsonError(R"({"order": {"delivered_at": "2026-11-20T14:03:00Z\u0000"}})") ==
             "order.delivered_at: contains a NUL character (U+0000), which case text may not hold");
  // Raw in YAML: a control character at its place; escaped: the field.
  BOOST_TEST(YamlError(Bytes("case:\n  id: \"a\0b\"\n")) ==
             "not valid YAML: line 2:9: control character U+0000 is not allowed in YAML");
  BOOST_TEST(YamlError("case:\n  id: \"a\\0b\"\n") ==
             "case.id (line 2, column 7): contains a NUL character (U+0000), which case text may not hold");
  BOOST_TEST(YamlError("case: {id: \"a\\x00b\"}\n") ==
             "case.id (line 1, column 12): contains a NUL character (U+0000), which case text may not hold");
  // FactsBuilder.
  auto b = Shipped().NewFacts();
  BOOST_TEST(b.SetString("order.id", Bytes("A\0B")).message() ==
             "order.id: contains a NUL character (U+0000), which case text may not hold");
  BOOST_TEST(b.SetStringList("issue.evidence", {Bytes("photo\0")}).message() ==
             "issue.evidence: contains a NUL character (U+0000), which case text may not hold");
  BOOST_TEST(b.SetTimestamp("order.delivered_at", Bytes("2026-11-20T14:03:00Z\0")).message() ==
             "order.delivered_at: contains a NUL character (U+0000), which case text may not hold");
  // Policy files: raw, a control character; "\0" in a double-quoted
  // expression reaches the expression, which names it.
  BOOST_TEST(PolicyErrors(Bytes("policy: {name: \"t\0\", version: \"1\"}\n")) ==
             "p.yaml:1:18: control character U+0000 is not allowed in YAML\n");
  BOOST_TEST(PolicyErrors(WhenPolicy("n > 0\\0")) == "p.yaml:5:53: unexpected control character U+0000\n");
  // In an expression's string a NUL is CEL's \x00: kept, not cut short.
  BOOST_TEST(ExprValue("size('a\\x00b')") == "3");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(nesting_ten_thousand_deep)

BOOST_AUTO_TEST_CASE(cases) {
  const std::string kDeep = "case nested more than 32 deep (limit max_case_depth)";
  BOOST_TEST(JsonError(Repeat("{\"a\":", 10000) + "1" + Repeat("}", 10000)) == kDeep);
  BOOST_TEST(JsonError("{\"x\":" + Repeat("[", 10000) + Repeat("]", 10000) + "}") == kDeep);
  BOOST_TEST(JsonError("{\"issue\": {\"evidence\":" + Repeat("[", 10000) + Repeat("]", 10000) + "}}") == kDeep);
  // Broken as well as deep: still the depth, found before any parsing.
  BOOST_TEST(JsonError("{\"x\":" + Repeat("[", 10000)) == kDeep);
  // YAML: flow maps and lists, block lists.
  BOOST_TEST(YamlError("a: " + Repeat("[", 10000) + Repeat("]", 10000) + "\n") ==
             "not valid YAML: line 1:35: YAML nesting deeper than 32 levels");
  BOOST_TEST(YamlError("a: " + Repeat("{a: ", 10000) + "1" + Repeat("}", 10000) + "\n") ==
             "not valid YAML: line 1:128: YAML nesting deeper than 32 levels");
  BOOST_TEST(YamlError(Repeat("- ", 10000) + "x\n") == "not valid YAML: line 1:65: YAML nesting deeper than 32 levels");
}

BOOST_AUTO_TEST_CASE(policies) {
  const std::string head = "policy: {name: t, version: \"1\"}\nstages: ";
  BOOST_TEST(PolicyErrors(head + Repeat("[", 10000) + Repeat("]", 10000) + "\n") ==
             "p.yaml:2:72: YAML nesting deeper than 64 levels\n");
  BOOST_TEST(PolicyErrors(head + Repeat("{a: ", 10000) + "1" + Repeat("}", 10000) + "\n") ==
             "p.yaml:2:261: YAML nesting deeper than 64 levels\n");
  BOOST_TEST(PolicyErrors("policy: {name: t, version: \"1\"}\nstages:\n" + Repeat("- ", 10000) + "x\n") ==
             "p.yaml:3:127: YAML nesting deeper than 64 levels\n");
}

BOOST_AUTO_TEST_CASE(expressions) {
  // 10,000 deep needs more than the default 16 KiB of text: let it, so that
  // the depth is what stops each.
  aftersales::LoadOptions o;
  o.limits.max_expression_length = 1 << 20;
  aftersales::Limits l = o.limits;
  // In a policy: parentheses, ! and - chains, ternaries, macros, lists, calls.
  const std::string kDeep = "expression nested too deeply (limit 64)";
  for (const std::string& e : {Repeat("(", 10000) + "true" + Repeat(")", 10000), Repeat("!", 10000) + "true",
                               Repeat("-", 10000) + "n > 0", Repeat("n > 0 ? true : ", 10000) + "false",
                               Repeat("(n > 0 ? ", 10000) + "true" + Repeat(" : false)", 10000),
                               Repeat("l.all(x, ", 10000) + "true" + Repeat(")", 10000),
                               Repeat("[", 10000) + Repeat("]", 10000) + " == []",
                               Repeat("size(", 10000) + "l" + Repeat(")", 10000) + " > 0"}) {
    BOOST_TEST_CONTEXT(e.substr(0, 20)) {
      std::string errors = PolicyErrors(WhenPolicy(e), o);
      BOOST_TEST(Has(errors, kDeep), errors);
      BOOST_TEST(std::count(errors.begin(), errors.end(), '\n') == 1);
    }
  }
  // The same through the expression API.
  auto api = [&](const std::string& e) {
    std::string out;
    for (const std::string& m : EvaluateExpression(e, {{"t", "true"}}, l).errors) out += m;
    return out;
  };
  BOOST_TEST(api(Repeat("(", 10000) + "1" + Repeat(")", 10000)) == "1:65: " + kDeep);
  BOOST_TEST(api(Repeat("!", 10000) + "true") == "1:64: " + kDeep);
  BOOST_TEST(api(Repeat("-", 10000) + "1") == "1:64: " + kDeep);
  BOOST_TEST(Has(api("t ? 1 : " + Repeat("t ? 1 : ", 10000) + "2"), kDeep));
  BOOST_TEST(Has(api(Repeat("[1].map(x, ", 10000) + "x" + Repeat(")", 10000)), kDeep));
  BOOST_TEST(Has(api(Repeat("{1: ", 10000) + "1" + Repeat("}", 10000)), kDeep));
  // Chains are as deep as they are long: a.b.c..., a[0][0]..., a + b + ...
  BOOST_TEST(api("[]" + Repeat("[0]", 10000)) == "1:192: " + kDeep);
  BOOST_TEST(api("{}" + Repeat(".a", 10000)) == "1:1: " + kDeep);
  BOOST_TEST(api("t" + Repeat(".a", 10000)) == "1:1: " + kDeep);
  BOOST_TEST(api(Repeat("1 + ", 10000) + "1") == "1:255: " + kDeep);
  // ...except && and ||, balanced: 10,000 terms are 15 levels.
  BOOST_TEST(EvaluateExpression(Repeat("t || ", 10000) + "t", {{"t", "false"}}, l).value == "false");
  BOOST_TEST(EvaluateExpression(Repeat("t && ", 10000) + "t", {{"t", "true"}}, l).value == "true");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(huge_numbers)

BOOST_AUTO_TEST_CASE(json_cases) {
  auto money = [](const std::string& v) { return JsonError(R"({"order": {"total_paid_cents": )" + v + "}}"); };
  BOOST_TEST(money("99999999999999999999") == "order.total_paid_cents: integer out of range: 99999999999999999999");
  BOOST_TEST(money("-9223372036854775809") == "order.total_paid_cents: integer out of range: -9223372036854775809");
  BOOST_TEST(money("1e400") == "order.total_paid_cents: " + kMoneyMessage + "the floating-point number 1e400");
  BOOST_TEST(money("1e999") == "order.total_paid_cents: " + kMoneyMessage + "the floating-point number 1e999");
  BOOST_TEST(money("1.5") == "order.total_paid_cents: " + kMoneyMessage + "the fraction 1.5");
  BOOST_TEST(money("100.0") == "order.total_paid_cents: " + kMoneyMessage + "the floating-point number 100.0");
  BOOST_TEST(money("-0.0") == "order.total_paid_cents: " + kMoneyMessage + "the floating-point number -0.0");
  BOOST_TEST(money("-0") == "");  // the integer 0
  BOOST_TEST(money("9223372036854775807") == "");
  // The lowest int64 is read, and refused as money below zero.
  BOOST_TEST(money("-9223372036854775808") ==
             "order.total_paid_cents: money below zero (-9223372036854775808); money facts are never negative unless the policy declares them `signed: true`");
  // An int fact.
  auto count = [](const std::string& v) { return JsonError(R"({"customer": {"complaints_90d": )" + v + "}}"); };
  BOOST_TEST(count("18446744073709551616") == "customer.complaints_90d: integer out of range: 18446744073709551616");
  BOOST_TEST(count("18446744073709551615") == "customer.complaints_90d: integer out of range: 18446744073709551615");
  // Where text is expected, a number is named for what it is.
  BOOST_TEST(JsonError(R"({"item": {"name": 1e999}})") == "item.name: expected string, got the number 1e999");
  BOOST_TEST(JsonError(R"({"item": {"name": 12}})") == "item.name: expected string, got integer 12");
  // Out of range where nothing reads it is still JSON: ignored.
  BOOST_TEST(JsonError(R"({"extra": 1e400, "more": 99999999999999999999999})") == "");
  // A JSON double fact.
  auto p = MustLoad(OneRule("{d: double}", "{resolution: {type: string, required: true}}", "{resolution: \"'x'\"}"));
  BOOST_TEST(JsonError(R"({"d": 1e400})", *p) == "d: expected double, got the number 1e400");
  BOOST_TEST(JsonError(R"({"d": 1e308})", *p) == "");
}

BOOST_AUTO_TEST_CASE(yaml_cases) {
  auto money = [](const std::string& v) { return YamlError("order:\n  total_paid_cents: " + v + "\n"); };
  const std::string at = "order.total_paid_cents (line 2, column 21): " + kMoneyMessage;
  BOOST_TEST(money("99999999999999999999") == at + "'99999999999999999999'");
  BOOST_TEST(money("1e400") == at + "'1e400'");
  BOOST_TEST(money("1.5") == at + "'1.5'");
  BOOST_TEST(money("0x10") == at + "'0x10'");
  BOOST_TEST(money("1_000") == at + "'1_000'");
  BOOST_TEST(money("\"100\"") == at + "'100'");
  // 017 is 15 in YAML 1.1 and 17 in YAML 1.2: refused rather than guessed.
  BOOST_TEST(money("017") == at + "'017' (a leading zero: octal in YAML 1.1, decimal in 1.2)");
  BOOST_TEST(money("-0") == "");
  BOOST_TEST(money("0") == "");
  BOOST_TEST(money("-9223372036854775808") ==
             "order.total_paid_cents (line 2, column 21): money below zero (-9223372036854775808); money facts are never negative unless the policy declares them `signed: true`");
  BOOST_TEST(YamlError("customer: {complaints_90d: 18446744073709551616}\n") ==
             "customer.complaints_90d (line 1, column 28): expected int, got '18446744073709551616'");
}

BOOST_AUTO_TEST_CASE(builder_and_expressions) {
  auto b = Shipped().NewFacts();
  BOOST_TEST(b.SetUint("order.total_paid_cents", std::numeric_limits<std::uint64_t>::max()).message() ==
             "order.total_paid_cents: expected money (integer minor units), got a uint");
  BOOST_TEST(b.SetDouble("order.total_paid_cents", 1.5).message() ==
             "order.total_paid_cents: expected money (integer minor units), got a double");
  BOOST_TEST(b.SetInt("order.total_paid_cents", std::numeric_limits<std::int64_t>::min()).message() ==
             "order.total_paid_cents: money below zero (-9223372036854775808); money facts are never negative unless the policy declares them `signed: true`");
  BOOST_TEST(b.SetInt("order.total_paid_cents", std::numeric_limits<std::int64_t>::max()).ok());
  BOOST_TEST(ExprError("18446744073709551616") == "1:1: integer literal out of range");
  BOOST_TEST(ExprError("18446744073709551616u") == "1:1: integer literal out of range");
  BOOST_TEST(ExprError("9223372036854775808") == "1:1: integer literal out of range");
  BOOST_TEST(ExprError("-9223372036854775809") == "1:2: integer literal out of range");
  BOOST_TEST(ExprValue("-9223372036854775808") == "-9223372036854775808");
  BOOST_TEST(ExprError("1e400") == "1:1: double literal out of range");
  BOOST_TEST(ExprError("-1e400") == "1:2: double literal out of range");
  BOOST_TEST(ExprValue("1e-400") == "0.0");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(nan_and_infinities)

BOOST_AUTO_TEST_CASE(where_money_is_expected) {
  for (const char* v : {".nan", ".NaN", ".NAN", ".inf", ".Inf", "-.inf", "+.inf", "nan", "inf", "-inf", "NaN",
                        "Infinity"}) {
    BOOST_TEST_CONTEXT(v) {
      BOOST_TEST(YamlError(std::string("order:\n  total_paid_cents: ") + v + "\n") ==
                 "order.total_paid_cents (line 2, column 21): " + kMoneyMessage + "'" + v + "'");
    }
  }
  // JSON has no NaN; its nearest, a number too large for a double, is refused.
  BOOST_TEST(JsonError(R"({"order": {"total_paid_cents": NaN}})").rfind("not valid JSON", 0) == 0);
  BOOST_TEST(JsonError(R"({"order": {"total_paid_cents": Infinity}})").rfind("not valid JSON", 0) == 0);
  BOOST_TEST(JsonError(R"({"order": {"total_paid_cents": -1e999}})") ==
             "order.total_paid_cents: " + kMoneyMessage + "the floating-point number -1e999");
  // A double fact holds no NaN or infinity either, however given.
  auto p = MustLoad(OneRule("{d: double}", "{resolution: {type: string, required: true}}", "{resolution: \"'x'\"}"));
  BOOST_TEST(YamlError("d: .nan\n", *p) == "d (line 1, column 4): expected double, got '.nan'");
  BOOST_TEST(YamlError("d: .inf\n", *p) == "d (line 1, column 4): expected double, got '.inf'");
  auto b = p->NewFacts();
  BOOST_TEST(b.SetDouble("d", std::numeric_limits<double>::quiet_NaN()).message() ==
             "d: NaN is not a number a case may hold");
  BOOST_TEST(b.SetDouble("d", -std::numeric_limits<double>::infinity()).message() ==
             "d: an infinity is not a number a case may hold");
  BOOST_TEST(b.SetDouble("d", 1e308).ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(duplicate_keys)

BOOST_AUTO_TEST_CASE(cases_refuse_a_fact_given_twice) {
  BOOST_TEST(JsonError(R"({"order": {"total_paid_cents": 100, "total_paid_cents": 200}})") ==
             "order.total_paid_cents: given twice in the case");
  BOOST_TEST(JsonError(R"({"order": {"total_paid_cents": 100, "total_paid_cents": 100}})") ==
             "order.total_paid_cents: given twice in the case");
  BOOST_TEST(JsonError(R"({"order": {"total_paid_cents": 100}, "order.total_paid_cents": 100})") ==
             "order.total_paid_cents: given twice in the case");
  BOOST_TEST(JsonError(R"({"order": {"id": "a"}, "order": {"id": "b"}})") == "order.id: given twice in the case");
  BOOST_TEST(YamlError("order:\n  total_paid_cents: 100\n  total_paid_cents: 200\n") ==
             "not valid YAML: line 3:3: duplicate key 'total_paid_cents' (first defined at :2:3)");
  BOOST_TEST(YamlError("order:\n  total_paid_cents: 100\norder.total_paid_cents: 200\n") ==
             "order.total_paid_cents (line 3, column 25): given twice in the case");
  // null stands for "not given" and may sit beside a value; keys the
  // policy does not read are not its business.
  BOOST_TEST(JsonError(R"({"order": {"total_paid_cents": null, "total_paid_cents": 200}})") == "");
  BOOST_TEST(JsonError(R"({"extra": 1, "extra": 2})") == "");
}

BOOST_AUTO_TEST_CASE(policies_and_expressions) {
  BOOST_TEST(PolicyErrors("policy: {name: t, version: \"1\"}\npolicy: {name: u, version: \"1\"}\n") ==
             "p.yaml:2:1: duplicate key 'policy' (first defined at p.yaml:1:1)\n");
  BOOST_TEST(PolicyErrors(OneRule("{a: int, a: int}", "{resolution: {type: string, required: true}}",
                                  "{resolution: \"'x'\"}")) ==
             "p.yaml:2:17: duplicate key 'a' (first defined at p.yaml:2:9)\n");
  BOOST_TEST(ExprError("{'a': 1, 'a': 2}") == "repeated key in map literal: \"a\"");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(yaml_tags_anchors_aliases)

BOOST_AUTO_TEST_CASE(tags) {
  const std::string kPlain = "is not supported: policies and cases are plain YAML (only the core tags !!str, !!int, "
                             "!!float, !!bool, !!null, !!map and !!seq may appear)";
  BOOST_TEST(YamlError("order:\n  total_paid_cents: !!binary aGVsbG8=\n") ==
             "not valid YAML: line 2:21: YAML tag '!!binary' " + kPlain);
  BOOST_TEST(YamlError("order: !custom\n  total_paid_cents: 1\n") == "not valid YAML: line 1:8: YAML tag '!custom' " + kPlain);
  BOOST_TEST(YamlError("order: !!python/object:os.system\n  total_paid_cents: 1\n") ==
             "not valid YAML: line 1:8: YAML tag '!!python/object:os.system' " + kPlain);
  BOOST_TEST(PolicyErrors("policy: !custom {name: t, version: \"1\"}\n") == "p.yaml:1:9: YAML tag '!custom' " + kPlain + "\n");
  BOOST_TEST(Has(PolicyErrors("policy: {name: !!python/object/apply:os.system [ls], version: \"1\"}\n"),
                 "p.yaml:1:16: YAML tag '!!python/object/apply:os.system' " + kPlain));
  // Core tags say what a case's scalar is: only one that fits the fact passes.
  BOOST_TEST(YamlError("order:\n  total_paid_cents: !!int 100\n") == "");
  BOOST_TEST(YamlError("order:\n  total_paid_cents: !!float 100\n") ==
             "order.total_paid_cents (line 2, column 29): " + kMoneyMessage + "'100' tagged !!float");
  BOOST_TEST(YamlError("order:\n  total_paid_cents: !!str 100\n") ==
             "order.total_paid_cents (line 2, column 27): " + kMoneyMessage + "'100'");
  BOOST_TEST(YamlError("case: {id: !!str 100}\n") == "");
  BOOST_TEST(YamlError("case: {id: !!int 100}\n") == "case.id (line 1, column 18): expected string, got '100' tagged !!int");
  BOOST_TEST(YamlError("item: {opened: !!bool true}\n") == "");
}

BOOST_AUTO_TEST_CASE(anchors_merge_keys_and_alias_bombs) {
  // Anchors and aliases are plain YAML and read as such.
  auto facts = Shipped().ReadFactsYaml("base: &o\n  total_paid_cents: 100\norder: *o\nitem: {paid_cents: 100}\n");
  BOOST_TEST(facts.ok());
  // A merge key would drop the keys it was meant to bring in: refused.
  BOOST_TEST(YamlError("base: &b {total_paid_cents: 100}\norder:\n  <<: *b\n") ==
             "not valid YAML: line 3:3: YAML merge keys ('<<') are not supported: write the keys out");
  BOOST_TEST(YamlError("order: {<<: {total_paid_cents: 100}}\n") ==
             "not valid YAML: line 1:9: YAML merge keys ('<<') are not supported: write the keys out");
  BOOST_TEST(YamlError("order: {\"<<\": 1}\n") == "");  // a quoted key named "<<" is only a key
  BOOST_TEST(Has(PolicyErrors("policy:\n  <<: {name: t}\n  version: \"1\"\n"),
                 "p.yaml:2:3: YAML merge keys ('<<') are not supported: write the keys out\n"));
  // A billion laughs: every use of an alias counts the nodes it stands for.
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    bomb += std::string(1, c) + ": &" + std::string(1, c) + " [" + Repeat("*" + prev + ", ", 9) + "*" + prev + "]\n";
  }
  BOOST_TEST(YamlError(bomb) ==
             "not valid YAML: line 5:32: more than 100000 YAML nodes (aliases count once per use); the file is too "
             "large");
  BOOST_TEST(PolicyErrors(bomb) ==
             "p.yaml:6:32: more than 1000000 YAML nodes (aliases count once per use); the file is too large\n");
  // Anchors nested in anchors: each keeps a copy for its aliases, and the
  // copies count (they once let 16 nested anchors hold 16 copies of a list).
  std::string nested = "policy: {name: t, version: \"1\"}\nx: ";
  for (int i = 0; i < 16; ++i) nested += "&a" + std::to_string(i) + " [";
  nested += Repeat("1, ", 99999) + "1" + Repeat("]", 16) + "\n";
  BOOST_TEST(Has(PolicyErrors(nested), "more than 1000000 YAML nodes"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(timestamps_and_durations)

BOOST_AUTO_TEST_CASE(out_of_range) {
  struct Row {
    const char* in;
    const char* why;
  };
  const Row rows[] = {
      {"0000-01-01T00:00:00Z", "timestamp out of range (years 0001 to 9999)"},
      {"0001-01-01T00:00:00+00:01", "timestamp out of range (years 0001 to 9999)"},
      {"9999-12-31T23:59:59-00:01", "timestamp out of range (years 0001 to 9999)"},
      {"10000-01-01T00:00:00Z", "not an RFC 3339 timestamp (expected e.g. 2026-11-20T14:03:00+08:00)"},
      {"+2026-01-01T00:00:00Z", "not an RFC 3339 timestamp (expected e.g. 2026-11-20T14:03:00+08:00)"},
      {"2026-13-01T00:00:00Z", "timestamp has an impossible date or time"},
      {"2026-02-30T00:00:00Z", "timestamp has an impossible date or time"},
      {"2026-02-29T00:00:00Z", "timestamp has an impossible date or time"},
      {"2026-01-01T24:00:00Z", "timestamp has an impossible date or time"},
      {"2016-12-31T23:59:60Z", "timestamp has second 60 (a leap second), which timestamps cannot hold"},
      {"2026-02-01T00:00:00+25:00", "timestamp offset out of range (at most 23:59 either side of UTC)"},
      {"2026-02-01T00:00:00-24:00", "timestamp offset out of range (at most 23:59 either side of UTC)"},
      {"2026-02-01T00:00:00+08:60", "timestamp offset out of range (at most 23:59 either side of UTC)"},
      {"2026-02-01T00:00:00", "timestamp needs a time zone offset (Z or +08:00)"},
      {"2026-02-01T00:00:00.1234567891Z", "bad fraction of a second in timestamp"},
  };
  auto b = Shipped().NewFacts();
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.in) {
      const std::string why = "\"" + std::string(r.in) + "\": " + r.why;
      BOOST_TEST(JsonError(R"({"order": {"delivered_at": ")" + std::string(r.in) + "\"}}") ==
                 "order.delivered_at: " + why);
      BOOST_TEST(YamlError("order:\n  delivered_at: \"" + std::string(r.in) + "\"\n") ==
                 "order.delivered_at (line 2, column 17): " + why);
      BOOST_TEST(b.SetTimestamp("order.delivered_at", r.in).message() == "order.delivered_at: " + why);
      BOOST_TEST(ExprError("timestamp('" + std::string(r.in) + "')") ==
                 "timestamp(\"" + std::string(r.in) + "\"): " + r.why);
    }
  }
  for (const char* ok : {"0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "2024-02-29T23:59:59+14:00",
                         "2026-11-20T14:03:00-23:59"}) {
    BOOST_TEST_CONTEXT(ok) {
      BOOST_TEST(JsonError(R"({"order": {"delivered_at": ")" + std::string(ok) + "\"}}") == "");
      BOOST_TEST(b.SetTimestamp("order.delivered_at", ok).ok());
    }
  }
  // Arithmetic that leaves the range is an error, not a wrapped time.
  BOOST_TEST(ExprError("timestamp('9999-12-31T23:59:59Z') + duration('1s')") == "timestamp out of range");
  BOOST_TEST(ExprError("timestamp('0001-01-01T00:00:00Z') - timestamp('9999-12-31T23:59:59Z') - "
                       "duration('315576000000s')") == "duration out of range");
}

BOOST_AUTO_TEST_CASE(durations) {
  auto p = MustLoad(OneRule("{w: duration}", "{resolution: {type: string, required: true}}", "{resolution: \"'x'\"}"));
  BOOST_TEST(JsonError(R"({"w": "315576000000s"})", *p) == "");
  BOOST_TEST(JsonError(R"({"w": "315576000001s"})", *p) == "w: \"315576000001s\": duration out of range");
  BOOST_TEST(JsonError(R"({"w": "-315576000001s"})", *p) == "w: \"-315576000001s\": duration out of range");
  BOOST_TEST(JsonError(R"({"w": "99999999999999999999999999h"})", *p) ==
             "w: \"99999999999999999999999999h\": duration out of range");
  BOOST_TEST(YamlError("w: 9223372036854775807s\n", *p) == "w (line 1, column 4): \"9223372036854775807s\": duration out of range");
  BOOST_TEST(p->NewFacts().SetDuration("w", "87660001h").message() == "w: \"87660001h\": duration out of range");
  BOOST_TEST(p->NewFacts().SetDuration("w", "87660000h").ok());
  BOOST_TEST(ExprError("duration('315576000000s') + duration('1s')") == "duration out of range");
  BOOST_TEST(ExprError("-duration('315576000000s') - duration('1s')") == "duration out of range");
}

// A case's time zone is a name looked up in the tz database, never a path:
// cctz would open any file it was given ("file:/dev/stdin").
BOOST_AUTO_TEST_CASE(time_zone_names_are_not_paths) {
  const std::string base = R"({"case": {"id": "c", "opened_at": "2026-11-20T14:03:00+08:00", "timezone": ")";
  const std::string rest = R"("}, "order": {"id": "O", "delivered_at": "2026-11-17T10:25:00+08:00",
    "total_paid_cents": 100},
    "item": {"name": "k", "paid_cents": 100}, "issue": {"type": "quality_defect"},
    "request": {"type": "return_refund", "return_shipping_cents": 10}})";
  // Not shaped like a zone name: refused when the case is read.
  for (const char* zone : {"file:/dev/stdin", "file:/usr/share/zoneinfo/UTC", "Asia/./Shanghai", "../../etc/passwd",
                           "/etc/localtime", "Asia//Shanghai"}) {
    BOOST_TEST_CONTEXT(zone) {
      BOOST_TEST(JsonError(base + zone + rest) ==
                 "case.timezone: '" + std::string(zone) +
                     "' is not a time zone name (expected an IANA name such as Asia/Shanghai, UTC or an offset "
                     "such as +08:00, at most 64 bytes)");
    }
  }
  BOOST_TEST(DecisionError(Shipped(), base + "Mars/Olympus" + rest) ==
             "case.timezone: unknown time zone 'Mars/Olympus' (expected an IANA zone such as Asia/Shanghai)");
  // Thousands of unknown zones do not crowd out a real one asked for later.
  for (int i = 0; i < 10100; ++i) {
    BOOST_TEST_REQUIRE(!DecisionError(Shipped(), base + "Nowhere/Z" + std::to_string(i) + rest).empty());
  }
  BOOST_TEST(DecisionError(Shipped(), base + "America/Argentina/Ushuaia" + rest) == "");
}

BOOST_AUTO_TEST_SUITE_END()
