// Money is never negative (issue 12): a money fact below zero is an error
// naming the fact in every reader (JSON fast and exact paths, YAML,
// FactsBuilder), unless the schema declares it `signed: true`; a default
// below zero needs `signed: true` too, and `signed` is only for money.
#include <boost/test/unit_test.hpp>

#include <string>

#include "aftersales/aftersales.h"
#include "unit/hostile/hostile_util.h"

namespace {

using hostile::Has;
using hostile::JsonError;
using hostile::MustLoad;
using hostile::PolicyErrors;
using hostile::YamlError;

const std::string kFacts =
    "{paid: money, adjust: {type: money, signed: true}, parts: list<money>, count: int}";

std::shared_ptr<const aftersales::Policy> Policy() {
  return MustLoad(hostile::OneRule(kFacts, "{resolution: {type: string, required: true}}", "{resolution: \"'x'\"}"));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(money_sign)

BOOST_AUTO_TEST_CASE(a_negative_money_fact_is_an_error_naming_it_in_every_reader) {
  auto p = Policy();
  const std::string want = "paid: money below zero (-29900); money facts are never negative unless the policy "
                           "declares them `signed: true`";
  BOOST_TEST(JsonError(R"({"paid": -29900})", *p) == want);
  // The fast path gives up at the first doubt; with another error after
  // it, the exact path reports both, in document order.
  BOOST_TEST(JsonError(R"({"paid": -29900, "count": "x"})", *p) == want + "; count: expected int, got string \"x\"");
  BOOST_TEST(YamlError("paid: -29900\n", *p) ==
             "paid (line 1, column 7): money below zero (-29900); money facts are never negative unless the policy "
             "declares them `signed: true`");
  BOOST_TEST(Has(JsonError(R"({"parts": [100, -1]})", *p), "parts: money below zero (an item of the list)"));
  BOOST_TEST(Has(YamlError("parts: [100, -1]\n", *p), "parts (line 1, column 8): money below zero"));
  aftersales::FactsBuilder b = p->NewFacts();
  BOOST_TEST(b.SetInt("paid", -1).message() ==
             "paid: money below zero (-1); money facts are never negative unless the policy declares them "
             "`signed: true`");
  BOOST_TEST(b.SetInt("paid", 0).ok());
  BOOST_TEST(JsonError(R"({"paid": 0, "parts": [0, 5]})", *p) == "");
  BOOST_TEST(JsonError(R"({"paid": -9223372036854775808})", *p) != "");
  // Plain ints may be negative.
  BOOST_TEST(JsonError(R"({"count": -3})", *p) == "");
  BOOST_TEST(b.SetInt("count", -3).ok());
}

BOOST_AUTO_TEST_CASE(signed_money_may_be_negative) {
  auto p = Policy();
  BOOST_TEST(JsonError(R"({"adjust": -500})", *p) == "");
  BOOST_TEST(YamlError("adjust: -500\n", *p) == "");
  aftersales::FactsBuilder b = p->NewFacts();
  BOOST_TEST(b.SetInt("adjust", -500).ok());
}

BOOST_AUTO_TEST_CASE(signed_is_only_for_money_and_defaults_follow_it) {
  BOOST_TEST(Has(PolicyErrors(hostile::OneRule("{n: {type: int, signed: true}}",
                                               "{resolution: {type: string, required: true}}",
                                               "{resolution: \"'x'\"}")),
                 "'signed' is only for money; fact 'n' is not money"));
  BOOST_TEST(Has(PolicyErrors(hostile::OneRule("{m: {type: money, default: -1}}",
                                               "{resolution: {type: string, required: true}}",
                                               "{resolution: \"'x'\"}")),
                 "the default of fact 'm' is below zero; money is never negative unless declared `signed: true`"));
  BOOST_TEST(PolicyErrors(hostile::OneRule("{m: {type: money, default: -1, signed: true}}",
                                           "{resolution: {type: string, required: true}}",
                                           "{resolution: \"'x'\"}")) == "");
  BOOST_TEST(Has(PolicyErrors(hostile::OneRule("{m: {type: money, signed: maybe}}",
                                               "{resolution: {type: string, required: true}}",
                                               "{resolution: \"'x'\"}")),
                 "'signed' of fact 'm'"));
}

BOOST_AUTO_TEST_CASE(the_shipped_policy_refuses_a_negative_refund_input) {
  const std::string json =
      R"({"case": {"id": "C-1"}, "order": {"total_paid_cents": -29900}, "item": {"paid_cents": 100}})";
  BOOST_TEST(Has(JsonError(json), "order.total_paid_cents: money below zero (-29900)"), JsonError(json));
  BOOST_TEST(Has(YamlError("request:\n  return_shipping_cents: -1200\n"),
                 "request.return_shipping_cents (line 2, column 26): money below zero (-1200)"));
}

BOOST_AUTO_TEST_SUITE_END()
