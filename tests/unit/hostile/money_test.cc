// Money under attack: int64 overflow anywhere in a policy's money
// arithmetic is an error naming the rule and the field, never a wrapped
// number; share() and split() are exact at the ends of the range; and a
// refund is never more than what was paid unless the policy says so.
#include <boost/test/unit_test.hpp>

#include <string>

#include "aftersales/aftersales.h"
#include "unit/hostile/hostile_util.h"

namespace {

using hostile::DecideJson;
using hostile::DecisionError;
using hostile::Has;
using hostile::MustLoad;

const std::string kMax = "9223372036854775807";
const std::string kMin = "-9223372036854775808";

// A policy that sets money field `total_cents` to `expr` over money facts a
// and b (and int n).
std::shared_ptr<const aftersales::Policy> Total(const std::string& expr) {
  return MustLoad(hostile::OneRule("{a: {type: money, signed: true}, b: {type: money, signed: true}, n: int}",
                                   "{resolution: {type: string, required: true}, total_cents: {type: money, default: 0}}",
                                   "{resolution: \"'x'\", total_cents: \"" + expr + "\"}"));
}

std::string Case(const std::string& a, const std::string& b = "0", const std::string& n = "1") {
  return "{\"a\": " + a + ", \"b\": " + b + ", \"n\": " + n + "}";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(money)

BOOST_AUTO_TEST_CASE(int64_overflow_is_a_decision_error_naming_the_rule_and_field) {
  struct Row {
    std::string expr, a, b, n, error;
  };
  const Row rows[] = {
      {"a + b", kMax, "1", "1", "int overflow in '+'"},
      {"a + b", "4611686018427387904", "4611686018427387904", "1", "int overflow in '+'"},
      {"a - b", kMin, "1", "1", "int overflow in '-'"},
      {"a - b", "0", kMin, "1", "int overflow in '-'"},
      {"a * n", "4611686018427387904", "0", "2", "int overflow in '*'"},
      {"-a", kMin, "0", "1", "int overflow in '-'"},
      {"a / n", kMin, "0", "-1", "int overflow in '/'"},
      {"a % n", kMin, "0", "-1", "int overflow in '%'"},
      {"a / n", "1", "0", "0", "division by zero"},
      {"share(a, n, 1)", kMax, "0", "2", "share(): int overflow"},
      {"share(a, n, -1)", kMin, "0", "1", "share(): int overflow"},
      {"split(a, [1, 1])[0] + split(b, [1, 1])[0]", kMax, kMax, "1", "int overflow in '+'"},
      {"[a, b].map(x, x + 1)[0]", kMax, "0", "1", "int overflow in '+'"},
  };
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.expr << " with a=" << r.a << " b=" << r.b << " n=" << r.n) {
      auto p = Total(r.expr);
      auto d = DecideJson(*p, Case(r.a, r.b, r.n));
      BOOST_TEST_REQUIRE(!d.ok());
      BOOST_TEST(d.errors[0].message == "rule 'r' cannot set 'total_cents': " + r.error);
      BOOST_TEST(d.errors[0].rule_id == "r");
      BOOST_TEST(d.errors[0].field == "total_cents");
      BOOST_TEST(d.errors[0].location.line == 5);
      BOOST_TEST(d.fields.empty());  // nothing half-decided
      BOOST_TEST(DecisionError(*p, Case(r.a, r.b, r.n)) == d.errors[0].message);  // the fast path agrees
    }
  }
  // At the edge, not over it: exact.
  auto sum = DecideJson(*Total("a + b"), Case("9223372036854775806", "1"));
  BOOST_TEST(sum.Find("total_cents")->int_value == 9223372036854775807);
  auto neg = DecideJson(*Total("-a"), Case("-9223372036854775807"));
  BOOST_TEST(neg.Find("total_cents")->int_value == 9223372036854775807);
}

BOOST_AUTO_TEST_CASE(share_and_split_are_exact_at_the_ends_of_the_range) {
  auto value = [](const std::string& e) { return aftersales::EvaluateExpression(e, {}).value; };
  // share() multiplies in 128 bits: no overflow in between.
  BOOST_TEST(value("share(9223372036854775807, 9223372036854775807, 9223372036854775807)") == "9223372036854775807");
  BOOST_TEST(value("share(-9223372036854775807 - 1, 1, 1)") == "-9223372036854775808");
  BOOST_TEST(value("share(-1, 1, 2)") == "-1");  // rounds down, also below zero
  BOOST_TEST(value("share(29900, 3, 10)") == "8970");
  BOOST_TEST(aftersales::EvaluateExpression("share(1, 1, 0)", {}).errors ==
             std::vector<std::string>{"share(): division by zero"});
  // split() adds up to the amount exactly, whatever the weights.
  BOOST_TEST(value("split(-9223372036854775807 - 1, [1, 1])") == "[-4611686018427387904, -4611686018427387904]");
  BOOST_TEST(value("split(9223372036854775807, [1, 9223372036854775807, 9223372036854775807])") ==
             "[1, 4611686018427387903, 4611686018427387903]");
  BOOST_TEST(value("split(9223372036854775807, [1, 1, 1])") ==
             "[3074457345618258603, 3074457345618258602, 3074457345618258602]");
  BOOST_TEST(value("split(1001, [1, 1])") == "[501, 500]");
  BOOST_TEST(aftersales::EvaluateExpression("split(10, [1, -1])", {}).errors ==
             std::vector<std::string>{"split(): weights must not be negative"});
  BOOST_TEST(aftersales::EvaluateExpression("split(10, [0, 0])", {}).errors ==
             std::vector<std::string>{"split(): the weights add up to 0"});
}

// An overflow in a condition makes it fail to evaluate: the rule does not
// match (as with an absent fact) and --explain says why; in an invariant it
// fails the decision.
BOOST_AUTO_TEST_CASE(overflow_in_conditions_and_invariants) {
  auto p = MustLoad(R"(policy: {name: t, version: "1"}
facts: {a: {type: money, signed: true}, b: {type: money, signed: true}}
decisions: {resolution: {type: string, required: true}, total_cents: {type: money, default: 0}}
stages:
  - id: s
    hit: first
    rules:
      - {id: big, when: "a + b > 100", then: {resolution: "'big'"}}
      - {id: small, then: {resolution: "'small'"}}
invariants:
  - {id: sane, check: "a + b >= a || b < 0", message: the sum must make sense}
)");
  aftersales::DecideOptions explain;
  explain.explain = true;
  auto facts = p->ReadFactsJson("{\"a\": " + kMax + ", \"b\": 1}");
  auto d = p->Decide(*facts, explain);
  BOOST_TEST(d.trace[0].detail == "\"a + b > 100\": int overflow in '+'");
  BOOST_TEST((d.trace[0].outcome == aftersales::RuleTrace::Outcome::kError));
  BOOST_TEST_REQUIRE(!d.ok());
  BOOST_TEST(d.errors[0].message ==
             "invariant 'sane' failed: the sum must make sense (int overflow in '+'); rules fired: small");
  // `||` absorbs the error when its other side decides, as in CEL: here
  // kMin + -1 overflows, but b < 0 holds.
  BOOST_TEST(DecisionError(*p, "{\"a\": " + kMin + ", \"b\": -1}") == "");
  BOOST_TEST(DecisionError(*p, "{\"a\": 1, \"b\": 1}") == "");
}

// Money at the ends of the range prints exactly, in scripts and in JSON.
BOOST_AUTO_TEST_CASE(extreme_money_prints_exactly) {
  auto p = MustLoad(R"(policy: {name: t, version: "1", locales: [en]}
facts: {a: {type: money, signed: true}}
decisions: {resolution: {type: string, required: true}, total_cents: {type: money, default: 0}}
stages:
  - {id: s, hit: first, rules: [{id: r, then: {resolution: "'x'", total_cents: "a < 0 ? 0 : a"}, script: {en: "{a} {decision.total_cents:>30}"}}]}
)");
  // A signed money fact at the bottom of the range prints exactly (a money
  // decision field is never negative, so the field stays 0 here).
  auto d = DecideJson(*p, "{\"a\": " + kMin + "}");
  BOOST_TEST_REQUIRE(d.ok());
  BOOST_TEST(d.script_text == "-92233720368547758.08                           0.00");
  BOOST_TEST(Has(aftersales::DecisionToJson(d), "\"total_cents\":0"));
  d = DecideJson(*p, "{\"a\": " + kMax + "}");
  BOOST_TEST(d.script_text == "92233720368547758.07           92233720368547758.07");
}

// The shipped (and built-in) schema caps the refund at what was paid: the
// order, and a charge taken twice when there was one. A policy without its
// own schema gets it.
BOOST_AUTO_TEST_CASE(a_refund_never_exceeds_what_was_paid) {
  auto p = MustLoad(R"(policy: {name: t, version: "1"}
stages:
  - id: s
    hit: first
    rules:
      - id: twice
        when: item.quantity == 2
        then: {resolution: refund_only, options: [refund_only], refund_cents: "item.paid_cents * 2"}
      - id: dup
        when: issue.type == 'duplicate_payment'
        then: {resolution: refund_only, options: [refund_only], refund_cents: order.duplicate_charge_cents}
)");
  const std::string kCap = "order.total_paid_cents + (has(order.duplicate_charge_cents) ? "
                           "order.duplicate_charge_cents : 0)";
  BOOST_TEST(DecisionError(*p, R"({"order": {"total_paid_cents": 29900}, "item": {"quantity": 2, "paid_cents": 29900}})") ==
             "'refund_cents' would be 598.00, more than " + kCap +
                 " (299.00), which the policy does not allow (at_most); rules fired: twice");
  auto d = DecideJson(*p, R"({"order": {"total_paid_cents": 29900}, "item": {"quantity": 2, "paid_cents": 29900}})");
  BOOST_TEST(d.errors[0].field == "refund_cents");
  // Within the order's total but twice what was paid for the goods: the
  // vocabulary's invariant refuses it (issue 12). A duplicate charge
  // refunded on top is fine.
  BOOST_TEST(DecisionError(*p, R"({"order": {"total_paid_cents": 59800}, "item": {"quantity": 2, "paid_cents": 29900}})") ==
             "the decision breaks the vocabulary's invariants: refund_cents is 598.00, more than item.paid_cents "
             "(299.00); rules fired: twice");
  BOOST_TEST(DecisionError(*p, R"({"order": {"total_paid_cents": 100, "duplicate_charge_cents": 500},
                                   "issue": {"type": "duplicate_payment"}})") == "");
  // With the order's total absent the cap cannot be worked out: it fails
  // closed, naming the fact (issue 12).
  BOOST_TEST(DecisionError(*p, R"({"item": {"quantity": 2, "paid_cents": 29900}})") ==
             "'refund_cents' would be 598.00, and its cap (at_most: " + kCap +
                 ") cannot be worked out: fact 'order.total_paid_cents' is absent (the policy's unless does not "
                 "allow it); rules fired: twice");
  // A refund near the top of the range is compared exactly, not wrapped.
  BOOST_TEST(Has(DecisionError(*p, R"({"order": {"total_paid_cents": 9223372036854775806},
                                      "item": {"quantity": 2, "paid_cents": 4611686018427387904}})"),
                 "cannot set 'refund_cents': int overflow in '*'"));
  BOOST_TEST(Has(DecisionError(*p, R"({"order": {"total_paid_cents": 9223372036854775807, "duplicate_charge_cents": 1},
                                      "issue": {"type": "duplicate_payment"}})"),
                 "'refund_cents' cannot be checked against its at_most (" + kCap + "): int overflow in '+'"));
  // The shipped policy holds to it too, with its own tests passing.
  BOOST_TEST(DecisionError(hostile::Shipped(), R"({"case": {"id": "c", "opened_at": "2026-11-20T10:05:00+08:00"},
      "order": {"id": "O", "status": "paid", "total_paid_cents": 29900, "duplicate_charge_cents": 59800},
      "issue": {"type": "duplicate_payment"}, "request": {"type": "refund_only"}})") == "");
}

BOOST_AUTO_TEST_SUITE_END()
