// Hostile inputs, end to end through the public API: every one is answered
// with its own specific error (or, where the input is legitimate, a
// decision), never a crash, a hang, a leak (this suite runs under ASan with
// LeakSanitizer, and under TSan, in scripts/test.sh) or a wrapped number.
//
// Cases against the shipped policy (rules/): invalid UTF-8, NUL bytes,
// nesting 10,000 deep, huge numbers, duplicate keys, YAML tags, anchors and
// alias bombs, timestamps out of range, NaN and infinities for money.
// Policies: the same in policy files, plus size and expression limits.
// Money: int64 overflow in policy arithmetic and the refund cap.
#include <boost/test/unit_test.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "aftersales/aftersales.h"

namespace {

using aftersales::Decision;
using aftersales::LoadPolicyFromStrings;

const aftersales::Policy& Shipped() {
  static const std::shared_ptr<const aftersales::Policy> policy = [] {
    auto r = aftersales::LoadPolicy(AFTERSALES_SOURCE_DIR "/rules");
    BOOST_TEST_REQUIRE(r.ok(), aftersales::FormatIssues(r.issues));
    return r.policy;
  }();
  return *policy;
}

// The error reading `text` as a JSON (or YAML) case; "" when it was read.
std::string JsonError(const std::string& text) {
  auto r = Shipped().ReadFactsJson(text);
  return r.ok() ? "" : r.status().message();
}
std::string YamlError(const std::string& text) {
  auto r = Shipped().ReadFactsYaml(text);
  return r.ok() ? "" : r.status().message();
}
std::string PolicyErrors(const std::string& yaml, const aftersales::LoadOptions& options = {}) {
  auto r = LoadPolicyFromStrings({{"p.yaml", yaml}}, options);
  return r.ok() ? "" : aftersales::FormatIssues(r.issues);
}

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A string literal with its NUL bytes, all of it.
template <std::size_t N>
std::string Bytes(const char (&literal)[N]) {
  return std::string(literal, N - 1);
}

const char* const kMinimalPolicy = R"(policy: {name: t, version: "1"}
decisions:
  resolution: {type: string, required: true}
stages:
  - {id: s, hit: first, rules: [{id: r, then: {resolution: "'x'"}}]}
)";

}  // namespace

BOOST_AUTO_TEST_SUITE(hostile_cases)

BOOST_AUTO_TEST_CASE(invalid_utf8_and_nul_bytes) {
  BOOST_TEST(JsonError("{\"case\": {\"id\": \"a\xff\xfe" "b\"}}") == "not valid JSON: The input is not valid UTF-8");
  BOOST_TEST(Has(JsonError(Bytes("{\"case\": {\"id\": \"a\0b\"}}")), "not valid JSON"));
  BOOST_TEST(JsonError(R"({"case": {"id": "a\u0000b"}})") ==
             "case.id: contains a NUL character (U+0000), which case text may not hold");
  BOOST_TEST(YamlError("case:\n  id: a\xff\xfe" "b\n") ==
             "not valid YAML: line 2:8: invalid UTF-8 (byte 0xFF); policy and case files must be UTF-8");
  BOOST_TEST(Has(YamlError(Bytes("case:\n  id: \"a\0b\"\n")), "control character U+0000 is not allowed"));
  BOOST_TEST(Has(YamlError("case:\n  id: \"a\\0b\"\n"), "case.id (line 2, column 7): contains a NUL character"));
  auto b = Shipped().NewFacts();
  BOOST_TEST(Has(b.SetString("order.id", Bytes("A\0B")).message(), "contains a NUL character"));
}

BOOST_AUTO_TEST_CASE(nesting_ten_thousand_deep) {
  BOOST_TEST(JsonError(Repeat("{\"a\":", 10000) + "1" + Repeat("}", 10000)) == "case nested more than 32 deep (limit max_case_depth)");
  BOOST_TEST(JsonError("{\"x\":" + Repeat("[", 10000) + Repeat("]", 10000) + "}") == "case nested more than 32 deep (limit max_case_depth)");
  BOOST_TEST(YamlError("a: " + Repeat("[", 10000) + Repeat("]", 10000) + "\n") ==
             "not valid YAML: line 1:35: YAML nesting deeper than 32 levels");
  // Exactly at the limit is fine.
  BOOST_TEST(JsonError(Repeat("{\"a\":", 32) + "1" + Repeat("}", 32)) == "");
  BOOST_TEST(JsonError(Repeat("{\"a\":", 33) + "1" + Repeat("}", 33)) == "case nested more than 32 deep (limit max_case_depth)");
  BOOST_TEST(Has(PolicyErrors("a: " + Repeat("[", 10000) + Repeat("]", 10000) + "\n"), "YAML nesting deeper than"));
}

BOOST_AUTO_TEST_CASE(huge_and_odd_numbers_for_money) {
  BOOST_TEST(JsonError(R"({"order": {"total_paid_cents": 99999999999999999999}})") ==
             "order.total_paid_cents: integer out of range: 99999999999999999999");
  BOOST_TEST(JsonError(R"({"order": {"total_paid_cents": 18446744073709551616}})") ==
             "order.total_paid_cents: integer out of range: 18446744073709551616");
  BOOST_TEST(JsonError(R"({"order": {"total_paid_cents": 1e400}})") ==
             "order.total_paid_cents: expected money (integer minor units), got the floating-point number 1e400");
  BOOST_TEST(JsonError(R"({"order": {"total_paid_cents": 1.5}})") ==
             "order.total_paid_cents: expected money (integer minor units), got the fraction 1.5");
  for (const char* v : {".nan", ".inf", "-.inf", ".NaN"}) {
    BOOST_TEST_CONTEXT(v) {
      BOOST_TEST(YamlError(std::string("order:\n  total_paid_cents: ") + v + "\n") ==
                 std::string("order.total_paid_cents (line 2, column 21): expected money (integer minor units), got '") +
                     v + "'");
    }
  }
  // The largest money is read as it is.
  BOOST_TEST(JsonError(R"({"order": {"total_paid_cents": 9223372036854775807}})") == "");
}

BOOST_AUTO_TEST_CASE(duplicate_keys_are_refused_not_guessed) {
  BOOST_TEST(JsonError(R"({"order": {"total_paid_cents": 100, "total_paid_cents": 200}})") ==
             "order.total_paid_cents: given twice in the case");
  BOOST_TEST(JsonError(R"({"order": {"total_paid_cents": 100}, "order.total_paid_cents": 100})") ==
             "order.total_paid_cents: given twice in the case");
  BOOST_TEST(YamlError("order:\n  total_paid_cents: 100\n  total_paid_cents: 200\n") ==
             "not valid YAML: line 3:3: duplicate key 'total_paid_cents' (first defined at :2:3)");
  BOOST_TEST(YamlError("order:\n  total_paid_cents: 100\norder.total_paid_cents: 200\n") ==
             "order.total_paid_cents (line 3, column 25): given twice in the case");
  // A null stands for "not given" and may sit beside a value.
  BOOST_TEST(JsonError(R"({"order": {"total_paid_cents": null, "total_paid_cents": 200}})") == "");
  BOOST_TEST(Has(PolicyErrors(std::string(kMinimalPolicy) + "policy: {name: u, version: \"2\"}\n"), "duplicate key"));
}

BOOST_AUTO_TEST_CASE(yaml_tags_anchors_and_alias_bombs) {
  BOOST_TEST(YamlError("order:\n  total_paid_cents: !!binary aGVsbG8=\n") ==
             "not valid YAML: line 2:21: YAML tag '!!binary' is not supported: policies and cases are plain YAML "
             "(only the core tags !!str, !!int, !!float, !!bool, !!null, !!map and !!seq may appear)");
  BOOST_TEST(Has(YamlError("order: !!python/object:os.system\n  total_paid_cents: 1\n"),
                 "YAML tag '!!python/object:os.system' is not supported"));
  BOOST_TEST(YamlError("order:\n  total_paid_cents: !!int 100\n") == "");
  // Anchors and aliases are plain YAML and read as such...
  BOOST_TEST(YamlError("order: &o\n  total_paid_cents: 100\nitem: *o\n") == "");
  // ...but expansion is bounded: a billion laughs stops at the node limit.
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    bomb += std::string(1, c) + ": &" + std::string(1, c) + " [" + Repeat("*" + prev + ", ", 9) + "*" + prev + "]\n";
  }
  BOOST_TEST(Has(YamlError(bomb), "YAML nodes (aliases count once per use)"));
  BOOST_TEST(Has(PolicyErrors(bomb), "YAML nodes (aliases count once per use)"));
  BOOST_TEST(Has(PolicyErrors("policy: !custom {name: t, version: \"1\"}\n"), "p.yaml:1:9: YAML tag '!custom'"));
}

BOOST_AUTO_TEST_CASE(timestamps_out_of_range) {
  auto ts = [](const std::string& v) { return JsonError(R"({"order": {"delivered_at": ")" + v + "\"}}"); };
  BOOST_TEST(ts("0000-01-01T00:00:00Z") ==
             "order.delivered_at: \"0000-01-01T00:00:00Z\": timestamp out of range (years 0001 to 9999)");
  BOOST_TEST(Has(ts("10000-01-01T00:00:00Z"), "not an RFC 3339 timestamp"));
  BOOST_TEST(Has(ts("2026-13-01T00:00:00Z"), "timestamp has an impossible date or time"));
  BOOST_TEST(Has(ts("2026-02-30T00:00:00Z"), "timestamp has an impossible date or time"));
  BOOST_TEST(Has(ts("2026-02-01T00:00:00+25:00"), "timestamp offset out of range (at most 23:59 either side of UTC)"));
  BOOST_TEST(ts("9999-12-31T23:59:59Z") == "");
  BOOST_TEST(Has(ts("2016-12-31T23:59:60Z"), "timestamp has second 60 (a leap second)"));
  auto b = Shipped().NewFacts();
  BOOST_TEST(Has(b.SetTimestamp("order.delivered_at", "0000-01-01T00:00:00Z").message(), "timestamp out of range"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(hostile_policies)

BOOST_AUTO_TEST_CASE(bad_bytes_and_sizes_in_policy_files) {
  BOOST_TEST(Has(PolicyErrors("policy: {name: \"t\xff\", version: \"1\"}\n"), "invalid UTF-8 (byte 0xFF)"));
  BOOST_TEST(Has(PolicyErrors(Bytes("policy: {name: \"t\0\", version: \"1\"}\n")),
                 "control character U+0000 is not allowed"));
  aftersales::LoadOptions small;
  small.limits.max_policy_bytes = 100;
  BOOST_TEST(Has(PolicyErrors(kMinimalPolicy, small), "bytes (limit max_policy_bytes)"));
}

BOOST_AUTO_TEST_CASE(expressions_ten_thousand_deep_or_too_long) {
  auto when = [](const std::string& expr) {
    return PolicyErrors(R"(policy: {name: t, version: "1"}
facts: {n: int}
decisions:
  resolution: {type: string, required: true}
stages:
  - {id: s, hit: first, rules: [{id: r, when: ")" + expr + R"(", then: {resolution: "'x'"}}]}
)");
  };
  BOOST_TEST(Has(when(Repeat("!", 10000) + "true"), "expression nested too deeply (limit 64)"));
  BOOST_TEST(Has(when(Repeat("-", 10000) + "n > 0"), "expression nested too deeply (limit 64)"));
  BOOST_TEST(Has(when(Repeat("(", 5000) + "true" + Repeat(")", 5000)), "expression nested too deeply (limit 64)"));
  BOOST_TEST(Has(when(Repeat("n + ", 5000) + "n > 0"), "expression too long (20005 bytes; the limit is 16384)"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(hostile_money)

// int64 overflow in a policy's money arithmetic is an error naming the rule
// and the field, never a wrapped number.
BOOST_AUTO_TEST_CASE(overflow_in_money_arithmetic_is_an_error) {
  auto r = LoadPolicyFromStrings({{"p.yaml", R"(policy: {name: t, version: "1"}
facts: {a: money, b: money}
decisions:
  resolution: {type: string, required: true}
  total_cents: {type: money, default: 0}
stages:
  - id: s
    hit: first
    rules:
      - {id: add, then: {resolution: "'x'", total_cents: "a + b"}}
)"}});
  BOOST_TEST_REQUIRE(r.ok(), aftersales::FormatIssues(r.issues));
  auto facts = r.policy->ReadFactsJson(R"({"a": 9223372036854775807, "b": 1})");
  BOOST_TEST_REQUIRE(facts.ok());
  Decision d = r.policy->Decide(*facts);
  BOOST_TEST_REQUIRE(!d.ok());
  BOOST_TEST(d.errors[0].message == "rule 'add' cannot set 'total_cents': int overflow in '+'");
  BOOST_TEST(d.errors[0].field == "total_cents");
  BOOST_TEST(d.errors[0].rule_id == "add");
  for (const char* e : {"-9223372036854775807 - 2", "9223372036854775807 * 2", "-(-9223372036854775807 - 1)",
                        "(-9223372036854775807 - 1) / -1"}) {
    BOOST_TEST_CONTEXT(e) {
      auto x = aftersales::EvaluateExpression(e, {});
      BOOST_TEST((x.outcome == aftersales::ExpressionResult::Outcome::kEvaluationError));
      BOOST_TEST_REQUIRE(!x.errors.empty());
      BOOST_TEST(Has(x.errors[0], "int overflow"), x.errors[0]);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_refund_over_what_was_paid_is_refused_by_the_shipped_schema) {
  auto r = LoadPolicyFromStrings({{"schema.yaml", R"(enums: {k: [a]}
facts: {order.total_paid_cents: money, item.paid_cents: money}
decisions:
  resolution: {type: string, required: true}
  refund_cents: {type: money, default: 0, at_most: order.total_paid_cents}
)"}, {"p.yaml", R"(policy: {name: t, version: "1"}
stages:
  - {id: s, hit: first, rules: [{id: r, then: {resolution: "'x'", refund_cents: "item.paid_cents + 1"}}]}
)"}});
  BOOST_TEST_REQUIRE(r.ok(), aftersales::FormatIssues(r.issues));
  auto facts = r.policy->ReadFactsJson(R"({"order": {"total_paid_cents": 100}, "item": {"paid_cents": 100}})");
  Decision d = r.policy->Decide(*facts);
  BOOST_TEST_REQUIRE(!d.ok());
  BOOST_TEST(Has(d.errors[0].message, "'refund_cents' would be 1.01, more than order.total_paid_cents (1.00)"));
}

BOOST_AUTO_TEST_SUITE_END()
