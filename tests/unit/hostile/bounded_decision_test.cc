// A decision is bounded in time and memory, whatever the policy within its
// limits (issue 12): regex work is charged by what it costs and its memory
// bounded, patterns built at run time are charged and compiled once per
// decision, nested equality is charged item by item, explaining has its
// own budget, and what a decision builds is bounded in bytes. No test here
// times anything: each shows the error or the count that bounds the work
// (tests/bench/hostile_bench.cc measures it).
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "aftersales/aftersales.h"
#include "unit/hostile/hostile_util.h"

namespace {

using aftersales::LoadOptions;
using hostile::DecideJson;
using hostile::DecisionError;
using hostile::Has;
using hostile::MustLoad;
using hostile::OneRule;
using hostile::PolicyErrors;
using hostile::Repeat;

const std::string kResolution = "{resolution: {type: string, required: true}}";

// A JSON list of `n` copies of `item`.
std::string JsonList(const std::string& item, std::size_t n) {
  std::string s = "[";
  for (std::size_t i = 0; i < n; ++i) s += (i ? "," : "") + item;
  return s + "]";
}

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

}  // namespace

BOOST_AUTO_TEST_SUITE(bounded_decision)

// Each constant pattern is compiled with RE2's max_mem = max_regex_memory:
// one that needs more is a load error at its place.
BOOST_AUTO_TEST_CASE(a_pattern_is_bounded_by_max_regex_memory) {
  LoadOptions o;
  o.limits.max_regex_memory = 65536;
  const std::string policy =
      OneRule("{s: string}", kResolution, "{resolution: \"'x'\"}", "s.matches('((a|b)(c|d)){1000}')");
  BOOST_TEST(PolicyErrors(policy, o) ==
             "p.yaml:5:58: regular expression too large: it needs more than 65536 bytes (limit max_regex_memory)\n");
  BOOST_TEST(PolicyErrors(policy) == "");  // fits the default, 1 MiB
}

// The constant patterns of a policy count max_regex_memory each against
// max_policy_regex_memory; the same pattern twice is compiled once.
BOOST_AUTO_TEST_CASE(the_policy_regex_memory_is_capped) {
  LoadOptions o;
  o.limits.max_policy_regex_memory = 2 * o.limits.max_regex_memory;
  auto policy = [](const std::vector<std::string>& patterns) {
    std::string p = "policy: {name: t, version: \"1\"}\nfacts: {s: string}\n"
                    "decisions: {resolution: {type: string, required: true}}\nstages:\n  - id: s\n    rules:\n";
    for (std::size_t i = 0; i < patterns.size(); ++i) {
      p += "      - {id: r" + std::to_string(i) + ", when: \"s.matches('" + patterns[i] +
           "')\", then: {resolution: \"'x'\"}}\n";
    }
    return p + "      - {id: last, then: {resolution: \"'y'\"}}\n";
  };
  BOOST_TEST(PolicyErrors(policy({"a", "b", "a", "b", "a"}), o) == "");
  BOOST_TEST(PolicyErrors(policy({"a", "b", "a", "c"}), o) ==
             "p.yaml:10:35: the policy's regular expressions may use more than 2097152 bytes together (each "
             "distinct pattern counts 1048576; limit max_policy_regex_memory)\n");
  // The default holds 32 distinct patterns.
  std::vector<std::string> many;
  for (int i = 0; i < 32; ++i) many.push_back("x" + std::to_string(i));
  BOOST_TEST(PolicyErrors(policy(many)) == "");
  many.push_back("y");
  BOOST_TEST(Has(PolicyErrors(policy(many)), "limit max_policy_regex_memory"));
}

// A match is charged for the text's length times the program's size, before
// it runs: 40 rules matching a hostile pattern on a 1 MiB text spend the
// budget after a few, instead of running for seconds each.
BOOST_AUTO_TEST_CASE(matches_is_charged_by_text_times_program) {
  std::string p = "policy: {name: t, version: \"1\"}\nfacts: {s: string}\n"
                  "decisions: {resolution: {type: string, required: true}}\nstages:\n  - id: s\n    rules:\n";
  for (int i = 0; i < 40; ++i) {
    p += "      - {id: r" + std::to_string(i) + ", when: \"s.matches('[ab]*a[ab]{" + std::to_string(10 + i % 8) +
         "}c')\", then: {resolution: \"'x'\"}}\n";
  }
  p += "      - {id: last, then: {resolution: \"'y'\"}}\n";
  auto policy = MustLoad(p);
  std::string text;
  for (std::size_t i = 0; text.size() < (1u << 20) - 16; ++i) text += (i * 7919 % 13 < 6) ? 'a' : 'b';
  BOOST_TEST(Has(DecisionError(*policy, "{\"s\": " + Quoted(text) + "}"),
                 "the evaluation step budget (1000000 steps per decision) ran out"));
  // A short text is cheap: decided.
  BOOST_TEST(DecisionError(*policy, "{\"s\": \"abab\"}") == "");
}

// A pattern built at run time is charged for its length and its program,
// and compiled once per decision: 2,000 iterations with the same 400-byte
// pattern fit a budget that 2,000 compilations would not.
BOOST_AUTO_TEST_CASE(dynamic_patterns_are_charged_and_compiled_once) {
  LoadOptions o;
  o.limits.max_eval_steps = 200'000;
  auto policy = MustLoad(OneRule("{s: string, p: string, l: list<int>}", kResolution, "{resolution: \"'x'\"}",
                                 "l.all(i, !s.matches(p + '$'))"),
                         o);
  const std::string pattern = Repeat("[a-z]", 80);  // 400 bytes, a few hundred instructions
  const std::string items = JsonList("1", 2000);
  BOOST_TEST(DecisionError(*policy, "{\"s\": \"0\", \"p\": " + Quoted(pattern) + ", \"l\": " + items + "}") == "");
  // A different pattern at every iteration is compiled (and charged) at
  // every one: the budget runs out.
  auto changing = MustLoad(OneRule("{s: string, p: string, l: list<int>}", kResolution, "{resolution: \"'x'\"}",
                                   "l.all(i, !s.matches(p + string(i)))"),
                           o);
  std::string numbers = "[";
  for (int i = 0; i < 2000; ++i) numbers += (i ? "," : "") + std::to_string(i);
  numbers += "]";
  BOOST_TEST(Has(DecisionError(*changing, "{\"s\": \"0\", \"p\": " + Quoted(pattern) + ", \"l\": " + numbers + "}"),
                 "the evaluation step budget (200000 steps per decision) ran out"));
  // A pattern too long for the budget is not even compiled.
  auto huge = MustLoad(OneRule("{s: string, p: string}", kResolution, "{resolution: \"'x'\"}", "!s.matches(p + p)"), o);
  BOOST_TEST(Has(DecisionError(*huge, "{\"s\": \"0\", \"p\": " + Quoted(Repeat("a", 200'000)) + "}"),
                 "ran out"));
  // One too large for max_regex_memory is an error of its own.
  auto big = MustLoad(OneRule("{s: string, p: string}", kResolution, "{resolution: \"s.matches(p) ? 'a' : 'b'\"}"));
  const std::string message = "rule 'r' cannot set 'resolution': regular expression too large: it needs more than "
                              "1048576 bytes (limit max_regex_memory)";
  BOOST_TEST(DecisionError(*big, "{\"s\": \"0\", \"p\": \"" + Repeat("((a|b)(c|d)){1000}", 40) + "\"}") == message);
  BOOST_TEST(DecisionError(*big, "{\"s\": \"0\", \"p\": \"[\"}") ==
             "rule 'r' cannot set 'resolution': invalid regular expression: missing ]: [");
}

// Equality of nested lists is charged by the items it compares: 10,000
// comparisons of two equal 8 x 20,000 lists spend the budget.
BOOST_AUTO_TEST_CASE(nested_equality_is_charged_by_the_items_compared) {
  auto policy = MustLoad(OneRule("{a: list<list<int>>, b: list<list<int>>, r: list<int>}", kResolution,
                                 "{resolution: \"'x'\"}", "r.all(i, a == b)"));
  const std::string nested = JsonList(JsonList("0", 20'000), 8);
  BOOST_TEST(Has(DecisionError(*policy, "{\"a\": " + nested + ", \"b\": " + nested + ", \"r\": " +
                                            JsonList("1", 10'000) + "}"),
                 "the evaluation step budget (1000000 steps per decision) ran out"));
  // A few comparisons fit.
  BOOST_TEST(DecisionError(*policy, "{\"a\": " + nested + ", \"b\": " + nested + ", \"r\": [1, 2]}") == "");
  // `in` charges its comparisons the same way.
  auto in = MustLoad(OneRule("{a: list<list<int>>, r: list<int>}", kResolution, "{resolution: \"'x'\"}",
                             "r.all(i, a[0] in a)"));
  BOOST_TEST(Has(DecisionError(*in, "{\"a\": " + nested + ", \"r\": " + JsonList("1", 10'000) + "}"), "ran out"));
}

// --explain explains within a budget of its own, shared by every rule of
// the decision: 1,000 rules whose first part is costly, skipped by the
// decision through their guard, are explained until that budget is spent,
// and then said to be not explained. The decision is the same.
BOOST_AUTO_TEST_CASE(explaining_has_one_budget_per_decision) {
  std::string p = "policy: {name: t, version: \"1\"}\nfacts: {n: int, l: list<int>}\n"
                  "decisions: {resolution: {type: string, required: true}}\nstages:\n  - id: s\n    rules:\n";
  for (int i = 0; i < 1000; ++i) {
    p += "      - {id: r" + std::to_string(i) + ", when: \"l.all(x, x >= 0) && n == " + std::to_string(i) +
         "\", then: {resolution: \"'x'\"}}\n";
  }
  p += "      - {id: last, then: {resolution: \"'y'\"}}\n";
  auto policy = MustLoad(p);
  auto facts = policy->ReadFactsJson("{\"n\": -1, \"l\": " + JsonList("1", 20'000) + "}");
  BOOST_TEST_REQUIRE(facts.ok());
  aftersales::DecideOptions explain;
  explain.explain = true;
  aftersales::Decision plain = policy->Decide(*facts);
  aftersales::Decision explained = policy->Decide(*facts, explain);
  BOOST_TEST_REQUIRE(plain.ok());
  BOOST_TEST_REQUIRE(explained.ok());
  BOOST_TEST(aftersales::DecisionToJson(plain) == aftersales::DecisionToJson(explained));
  BOOST_TEST_REQUIRE(explained.trace.size() == 1001u);
  BOOST_TEST(explained.trace[0].detail == "\"n == 0\" is false");
  BOOST_TEST(explained.trace[999].detail ==
             "not explained: explaining this decision took its budget of 1000000 steps");
  BOOST_TEST((explained.trace[1000].outcome == aftersales::RuleTrace::Outcome::kMatched));
  std::size_t explained_rules = 0;
  for (const auto& t : explained.trace) explained_rules += Has(t.detail, "is false") ? 1 : 0;
  BOOST_TEST(explained_rules > 10u);
  BOOST_TEST(explained_rules < 100u);
}

// What a decision builds is bounded in bytes as JSON (max_decision_bytes),
// checked as it is built: a list repeating a long text stops at the limit.
BOOST_AUTO_TEST_CASE(values_are_bounded_by_max_decision_bytes) {
  auto policy = MustLoad(OneRule("{s: string, l: list<int>}",
                                 "{resolution: {type: string, required: true}, out: {type: list<string>}}",
                                 "{resolution: \"'x'\", out: \"l.map(i, s)\"}"));
  const std::string text = Repeat("x", 100'000);
  const std::string message =
      "rule 'r' cannot set 'out': value too large: more than 4194304 bytes as JSON (limit max_decision_bytes)";
  BOOST_TEST(DecisionError(*policy, "{\"s\": \"" + text + "\", \"l\": " + JsonList("1", 100) + "}") == message);
  BOOST_TEST(DecisionError(*policy, "{\"s\": \"" + text + "\", \"l\": " + JsonList("1", 40) + "}") == "");
  // The setting moves it; filter(), list literals, + on lists and on text
  // are checked too.
  LoadOptions o;
  o.limits.max_decision_bytes = 1000;
  auto small = [&](const std::string& value) {
    return MustLoad(OneRule("{s: string, l: list<string>}",
                            "{resolution: {type: string, required: true}, out: {type: list<string>}, "
                            "t: {type: string}}",
                            "{resolution: \"'x'\", " + value + "}"),
                    o);
  };
  const std::string c = "{\"s\": \"" + Repeat("y", 400) + "\", \"l\": " + JsonList(Quoted(Repeat("z", 100)), 9) + "}";
  const std::string over = "value too large: more than 1000 bytes as JSON (limit max_decision_bytes)";
  BOOST_TEST(Has(DecisionError(*small("out: \"[s, s, s]\""), c), over));
  BOOST_TEST(Has(DecisionError(*small("out: \"l + l\""), c), over));
  BOOST_TEST(Has(DecisionError(*small("out: \"l.filter(x, true) + [s]\""), c), over));
  BOOST_TEST(Has(DecisionError(*small("t: \"s + s + s\""), c), over));
  BOOST_TEST(DecisionError(*small("t: \"s + s\""), c) == "");
  // The decision as a whole: three fields that fit one by one.
  auto whole = MustLoad(OneRule("{s: string}",
                                "{resolution: {type: string, required: true}, a: {type: string}, b: {type: string}}",
                                "{resolution: s, a: s, b: s}"),
                        o);
  BOOST_TEST(Has(DecisionError(*whole, c),
                 "the decision is larger than 1000 bytes as JSON (limit max_decision_bytes); rules fired: r"));
}

// A double decision field is never NaN or infinite; a money field never
// negative. Each is an error naming the rule and the field.
BOOST_AUTO_TEST_CASE(decision_numbers_are_finite_and_money_is_not_negative) {
  auto policy = [](const std::string& then) {
    return MustLoad(OneRule("{a: money, d: double}",
                            "{resolution: {type: string, required: true}, ratio: {type: double}, "
                            "ratios: {type: list<double>}, x_cents: {type: money, default: 0}, "
                            "parts: {type: list<money>}}",
                            "{resolution: \"'x'\", " + then + "}"));
  };
  const std::string c = "{\"a\": 500, \"d\": 0.0}";
  BOOST_TEST(DecisionError(*policy("ratio: \"d / d\""), c) ==
             "rule 'r' cannot set 'ratio': double(\"NaN\") is not a finite number");
  BOOST_TEST(DecisionError(*policy("ratio: \"1.0 / d\""), c) ==
             "rule 'r' cannot set 'ratio': double(\"Infinity\") is not a finite number");
  BOOST_TEST(DecisionError(*policy("ratios: \"[1.0, -1.0 / d]\""), c) ==
             "rule 'r' cannot set 'ratios': [1.0, double(\"-Infinity\")] is not a finite number");
  BOOST_TEST(DecisionError(*policy("ratio: \"1.0 / 4.0\""), c) == "");
  BOOST_TEST(DecisionError(*policy("x_cents: \"0 - a\""), c) ==
             "rule 'r' cannot set 'x_cents' to -5.00: a money field is never negative");
  BOOST_TEST(DecisionError(*policy("parts: \"split(0 - a, [1, 1])\""), c) ==
             "rule 'r' cannot set 'parts' to -2.50: a money field is never negative");
  BOOST_TEST(DecisionError(*policy("x_cents: \"a - a\""), c) == "");
  auto d = DecideJson(*policy("x_cents: \"0 - a\""), c);
  BOOST_TEST_REQUIRE(!d.ok());
  BOOST_TEST(d.errors[0].field == "x_cents");
  BOOST_TEST(d.errors[0].rule_id == "r");
}

// The refund cap fails closed: when a fact it names is absent, a refund
// above 0 is an error naming the fact, unless the policy's `unless` holds.
BOOST_AUTO_TEST_CASE(the_refund_cap_fails_closed) {
  auto policy = [](const std::string& unless) {
    return MustLoad(std::string(R"(policy: {name: t, version: "1"}
facts: {paid: money, amount: money, vip: bool}
decisions:
  resolution: {type: string, required: true}
  back_cents:
    type: money
    default: 0
    at_most: {value: paid)") + unless + R"(}
stages:
  - {id: s, hit: first, rules: [{id: r, then: {resolution: "'x'", back_cents: amount}}]}
)");
  };
  auto strict = policy("");
  BOOST_TEST(DecisionError(*strict, R"({"amount": 100})") ==
             "'back_cents' would be 1.00, and its cap (at_most: paid) cannot be worked out: fact 'paid' is absent "
             "(the policy's unless does not allow it); rules fired: r");
  auto d = DecideJson(*strict, R"({"amount": 100})");
  BOOST_TEST(d.errors[0].field == "back_cents");
  BOOST_TEST(d.errors[0].rule_id == "r");
  BOOST_TEST(DecisionError(*strict, R"({"amount": 0})") == "");  // nothing to hold
  BOOST_TEST(DecisionError(*strict, R"({"amount": 100, "paid": 100})") == "");
  auto lenient = policy(", unless: vip");
  BOOST_TEST(DecisionError(*lenient, R"({"amount": 100, "vip": true})") == "");
  BOOST_TEST(Has(DecisionError(*lenient, R"({"amount": 100, "vip": false})"), "fact 'paid' is absent"));
  BOOST_TEST(Has(DecisionError(*lenient, R"({"amount": 100})"), "fact 'paid' is absent"));
  // The built-in schema's refund cap, with the order's total absent.
  auto builtin = MustLoad(R"(policy: {name: t, version: "1"}
stages:
  - {id: s, hit: first, rules: [{id: r, then: {resolution: refund_only, options: [refund_only], refund_cents: item.paid_cents}}]}
)");
  BOOST_TEST(Has(DecisionError(*builtin, R"({"item": {"paid_cents": 29900}})"),
                 "'refund_cents' would be 299.00, and its cap (at_most: order.total_paid_cents + "
                 "(has(order.duplicate_charge_cents) ? order.duplicate_charge_cents : 0)) cannot be worked out: "
                 "fact 'order.total_paid_cents' is absent"));
}

// The vocabulary's invariants hold for every policy that declares its
// fields, whatever invariants the policy has of its own (here none, as an
// overlay that replaced them could have).
BOOST_AUTO_TEST_CASE(the_vocabulary_invariants_hold_for_every_policy) {
  auto policy = [](const std::string& then) {
    return MustLoad(R"(policy: {name: t, version: "1"}
stages:
  - {id: s, hit: first, rules: [{id: r, then: {resolution: return_refund, options: [return_refund], )" + then +
                    "}}]}\n");
  };
  const std::string paid = R"("order": {"total_paid_cents": 10000}, "item": {"paid_cents": 10000})";
  const std::string freight = R"({"request": {"return_shipping_cents": 1525}, )" + paid + "}";
  const std::string unquoted = "{" + paid + "}";
  BOOST_TEST(DecisionError(*policy("freight.payer: merchant, freight.merchant_cents: request.return_shipping_cents"),
                           freight) == "");
  BOOST_TEST(DecisionError(*policy("freight.payer: merchant, freight.customer_cents: request.return_shipping_cents"),
                           freight) ==
             "the decision breaks the vocabulary's invariants: freight.payer is merchant but pays nothing of a "
             "freight of 15.25 (freight.merchant_cents 0.00, freight.customer_cents 15.25, "
             "freight.insurance_cents 0.00); rules fired: r");
  BOOST_TEST(DecisionError(*policy("freight.payer: merchant, freight.merchant_cents: 1200"), freight) ==
             "the decision breaks the vocabulary's invariants: freight.merchant_cents 12.00, freight.customer_cents "
             "0.00, freight.insurance_cents 0.00 do not add up to request.return_shipping_cents (15.25); rules "
             "fired: r");
  BOOST_TEST(Has(DecisionError(*policy("freight.merchant_cents: 100"), freight),
                 "freight.payer is none (nothing goes back) but freight.merchant_cents 1.00"));
  BOOST_TEST(Has(DecisionError(*policy("freight.to_be_quoted: true"), unquoted),
                 "freight.payer is none (nothing goes back) but freight.to_be_quoted is true"));
  BOOST_TEST(Has(DecisionError(*policy("freight.payer: customer, freight.to_be_quoted: true"), freight),
                 "freight.to_be_quoted is true but request.return_shipping_cents is known (15.25)"));
  BOOST_TEST(DecisionError(*policy("freight.payer: customer, freight.to_be_quoted: true"), unquoted) == "");
  BOOST_TEST(Has(DecisionError(*policy("freight.payer: customer"), unquoted),
                 "goods go back (freight.payer is customer) and request.return_shipping_cents is absent, but "
                 "freight.to_be_quoted is false"));
  BOOST_TEST(DecisionError(*policy("freight.payer: insurance, freight.insurance_cents: 1000, "
                                   "freight.customer_cents: 525"),
                           freight) == "");
  // The refund: at most what was paid for the goods (with the outbound
  // shipping) plus a charge taken twice, and at most the order plus it.
  BOOST_TEST(DecisionError(*policy("refund_cents: 10000"), unquoted) == "");
  BOOST_TEST(DecisionError(*policy("refund_cents: 10001"), R"({"item": {"paid_cents": 10000},
      "order": {"total_paid_cents": 20000}})") ==
             "the decision breaks the vocabulary's invariants: refund_cents is 100.01, more than item.paid_cents "
             "(100.00); rules fired: r");
  BOOST_TEST(DecisionError(*policy("refund_cents: 10800"), R"({"item": {"paid_cents": 10000},
      "order": {"total_paid_cents": 20000, "shipping_fee_cents": 800}})") == "");
  BOOST_TEST(DecisionError(*policy("refund_cents: 10500"), R"({"item": {"paid_cents": 10000},
      "order": {"total_paid_cents": 20000, "duplicate_charge_cents": 500}})") == "");
  auto d = DecideJson(*policy("refund_cents: 10001"), R"({"item": {"paid_cents": 10000},
      "order": {"total_paid_cents": 20000}})");
  BOOST_TEST(d.errors[0].field == "refund_cents");
  BOOST_TEST(d.errors[0].rule_id == "r");
  // A policy that does not declare the vocabulary's fields is not held to
  // them: here freight.payer is a plain string and there is no freight fact.
  auto own = MustLoad(OneRule("{paid: money}",
                              "{resolution: {type: string, required: true}, freight: {type: object}, "
                              "freight.payer: {type: string}, "
                              "freight.merchant_cents: {type: money}, refund_cents: {type: money}}",
                              "{resolution: \"'x'\", freight.payer: \"'merchant'\", freight.merchant_cents: 0, "
                              "refund_cents: paid + 1}"));
  BOOST_TEST(DecisionError(*own, R"({"paid": 100})") == "");
}

BOOST_AUTO_TEST_SUITE_END()
