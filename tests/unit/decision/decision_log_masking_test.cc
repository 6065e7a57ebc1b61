// DecisionLog masking by declaration (issue 12): personal facts of every
// type (timestamp, double, money, int) and values a format spec changed
// ({phone:.7}, {card:x}) are masked where the script put them; a short
// personal value never masks part of other text (order.id "0" leaves
// 299.00 alone); a script that cannot be rendered again is masked whole;
// past the bound on personal values, case-shaped strings are masked whole.
#include <boost/test/unit_test.hpp>

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "aftersales/aftersales.h"

namespace {

using json = nlohmann::json;

const char* const kPolicy = R"yaml(
policy: {name: masktest, version: "1", locales: [en], default_locale: en}
enums:
  locale: [en]
facts:
  case.id: string
  order.id: {type: string, personal: true}
  customer.phone: {type: string, personal: true}
  customer.card: {type: int, personal: true}
  customer.born_at: {type: timestamp, personal: true}
  customer.score: {type: double, personal: true}
  customer.balance_cents: {type: money, personal: true}
  item.paid_cents: money
decisions:
  resolution: {type: string, required: true}
  refund_cents: {type: money, default: 0}
  note: string
stages:
  - id: s
    hit: first
    rules:
      - id: r
        then:
          resolution: "'refund'"
          refund_cents: item.paid_cents
          note: "'order ' + order.id + ' pays ' + string(item.paid_cents)"
        script:
          en: "Order {order.id}: refund {decision.refund_cents}. Phone {customer.phone:.7}, card {customer.card:x}, born {customer.born_at}, score {customer.score}, balance {customer.balance_cents}. {decision.note}"
)yaml";

std::shared_ptr<const aftersales::Policy> Load() {
  auto r = aftersales::LoadPolicyFromStrings({{"p.yaml", kPolicy}});
  BOOST_TEST_REQUIRE(r.ok(), aftersales::FormatIssues(r.issues));
  return r.policy;
}

std::string Case(const std::string& order_id) {
  return R"({"case": {"id": "C-1"}, "order": {"id": ")" + order_id +
         R"("}, "customer": {"phone": "13800138000", "card": 3735928559, "born_at": "1990-05-17T08:30:00+08:00",)"
         R"( "score": 0.8125, "balance_cents": 123456}, "item": {"paid_cents": 29900}})";
}

json Logged(const aftersales::Policy& p, const std::string& case_json, std::string* raw = nullptr) {
  std::string out;
  aftersales::DecisionLogOptions o;
  o.now = [] { return std::string("2026-11-20T06:03:00Z"); };
  aftersales::DecisionLog log([&out](std::string_view line) { out.append(line); return true; }, o);
  auto facts = p.ReadFactsJson(case_json);
  BOOST_TEST_REQUIRE(facts.ok(), facts.status().message());
  aftersales::Decision d = p.Decide(*facts);
  BOOST_TEST_REQUIRE(d.ok(), aftersales::DecisionToJson(d));
  BOOST_TEST_REQUIRE(log.Append(p, *facts, d).ok());
  if (raw) *raw = out;
  return json::parse(out);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(decision_log_masking)

BOOST_AUTO_TEST_CASE(every_type_and_every_rendering_is_masked_where_the_script_put_it) {
  auto p = Load();
  auto facts = p->ReadFactsJson(Case("SO20261120007001"));
  BOOST_TEST_REQUIRE(facts.ok());
  const std::string clear = p->Decide(*facts).script_text;
  // What the script shows, in clear: the truncated phone, the card in hex.
  BOOST_TEST(clear.find("Phone 1380013,") != std::string::npos, clear);
  BOOST_TEST(clear.find("card deadbeef") != std::string::npos, clear);
  BOOST_TEST(clear.find("balance 1234.56") != std::string::npos, clear);
  std::string raw;
  json j = Logged(*p, Case("SO20261120007001"), &raw);
  const std::string script = j["decision"]["script"]["text"];
  BOOST_TEST(script ==
                 "Order ****7001: refund 299.00. Phone ***, card ****beef, born ****9:30, score ***, balance "
                 "***. order ****7001 pays 29900",
             script);
  for (const char* secret : {"SO20261120007001", "1380013", "13800138000", "deadbeef", "3735928559", "0.8125",
                             "1234.56", "123456", "1990"}) {
    BOOST_TEST(raw.find(secret) == std::string::npos, secret << " in " << raw);
  }
  BOOST_TEST(j["decision"]["note"] == "order ****7001 pays 29900");
  BOOST_TEST(j["case_id"] == "C-1");  // case.id is not personal here
}

BOOST_AUTO_TEST_CASE(a_short_personal_value_masks_no_other_text) {
  auto p = Load();
  json j = Logged(*p, Case("0"));
  const std::string script = j["decision"]["script"]["text"];
  BOOST_TEST(script.find("Order ***: refund 299.00.") == 0u, script);
  BOOST_TEST(j["decision"]["refund_cents"] == 29900);
  BOOST_TEST(j["decision"]["note"] == "order *** pays 29900");
  json nine = Logged(*p, Case("9"));
  BOOST_TEST(nine["decision"]["note"] == "order *** pays 29900");
  BOOST_TEST(std::string(nine["decision"]["script"]["text"]).find("refund 299.00.") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(huge_personal_values_mask_case_strings_whole) {
  auto p = Load();
  // 30,000 + 40,000 bytes of personal values: past the 64 KiB the log
  // searches for, within the 64 KiB script.
  const std::string big(30000, 'Q');
  std::string text = Case(big);
  text.replace(text.find("13800138000"), 11, std::string(40000, '7'));
  json j = Logged(*p, text);
  BOOST_TEST(j["decision"]["note"] == "***");
  const std::string script = j["decision"]["script"]["text"];
  BOOST_TEST(script.find("QQQQQ") == std::string::npos);
  BOOST_TEST(script.find("7777") == std::string::npos);
  // Fields are still masked where the script put them; decided values it
  // shows are masked whole, as nothing says what is in them.
  BOOST_TEST(script == "Order ****QQQQ: refund ***. Phone ***, card ****beef, born ****9:30, score ***, balance ***. ***",
             script.substr(0, 200));
}

BOOST_AUTO_TEST_SUITE_END()
