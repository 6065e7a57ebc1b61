// The decision's JSON (the vocabulary's exact shape, key order, groups,
// errors, trace) and text forms, on a policy that uses the built-in
// vocabulary schema (rules/schema.yaml).
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aftersales/aftersales.h"

namespace {

using aftersales::Decision;
using aftersales::FieldValue;
using nlohmann::ordered_json;

// No enums, facts or decisions: the policy gets the vocabulary's schema.
const char* const kVocabularyPolicy = R"(
policy: {name: vocab, version: "1.0", locales: [zh-CN, en], default_locale: zh-CN}
stages:
  - id: resolution
    hit: first
    rules:
      - id: defect_return
        when: issue.type == 'quality_defect'
        then:
          resolution: return_refund
          options: [return_refund, exchange]
          refund_cents: item.paid_cents
          freight.payer: split
          freight.merchant_cents: split(request.return_shipping_cents, [1, 1])[0]
          freight.customer_cents: split(request.return_shipping_cents, [1, 1])[1]
        script:
          en: "Refund {decision.refund_cents} for {item.name}."
          zh-CN: "退款 {decision.refund_cents} 元。"
  - id: service
    hit: collect
    rules:
      - id: evidence
        then: {evidence_required: [photo, video]}
      - id: angry
        when: customer.emotion == 'angry'
        then:
          priority: P1
          escalation.to: supervisor
          escalation.reply_within_minutes: 30
          deadlines.first_reply_seconds: 15
        script:
          en: "A supervisor will call you within {decision.escalation.reply_within_minutes} minutes."
invariants:
  - id: freight_adds_up
    check: >-
      decision.freight.payer == 'none' ||
      decision.freight.merchant_cents + decision.freight.customer_cents
        + decision.freight.insurance_cents == request.return_shipping_cents
    message: the return freight parts must add up
)";

std::shared_ptr<const aftersales::Policy> Load() {
  auto r = aftersales::LoadPolicyFromStrings({{"policy.yaml", kVocabularyPolicy}});
  BOOST_TEST_REQUIRE(r.ok(), aftersales::FormatIssues(r.issues));
  return r.policy;
}

Decision Decide(const aftersales::Policy& p, const std::string& json, bool explain = false) {
  auto facts = p.ReadFactsJson(json);
  BOOST_TEST_REQUIRE(facts.ok(), facts.status().message());
  aftersales::DecideOptions options;
  options.explain = explain;
  return p.Decide(*facts, options);
}

const char* const kAngryDefect = R"({
  "case": {"id": "C-9", "locale": "en"},
  "customer": {"emotion": "angry"},
  "order": {"total_paid_cents": 29900},
  "item": {"name": "kettle", "paid_cents": 29900},
  "issue": {"type": "quality_defect"},
  "request": {"return_shipping_cents": 1525}
})";

}  // namespace

BOOST_AUTO_TEST_SUITE(decision_json)

BOOST_AUTO_TEST_CASE(a_full_decision_prints_exactly_the_vocabulary_shape) {
  auto p = Load();
  Decision d = Decide(*p, kAngryDefect);
  BOOST_TEST_REQUIRE(d.ok(), (d.ok() ? "" : d.errors[0].message));
  const std::string want =
      R"({"case_id":"C-9","resolution":"return_refund","options":["return_refund","exchange"],)"
      R"("refund_cents":29900,)"
      R"("freight":{"payer":"split","merchant_cents":763,"customer_cents":762,"insurance_cents":0,"to_be_quoted":false},)"
      R"("evidence_required":["photo","video"],"priority":"P1",)"
      R"("escalation":{"to":"supervisor","reply_within_minutes":30},"deadlines":{"first_reply_seconds":15},)"
      R"("script":{"locale":"en","text":"Refund 299.00 for kettle.\n\nA supervisor will call you within 30 minutes."},)"
      R"("matched_rules":["defect_return","evidence","angry"],)"
      R"("policy":{"name":"vocab","version":"1.0","digest":")" +
      p->digest() + R"("}})";
  BOOST_TEST(aftersales::DecisionToJson(d) == want);
  // The indented form says the same, in the same key order.
  BOOST_TEST(ordered_json::parse(aftersales::DecisionToJson(d, false, 2)).dump() == ordered_json::parse(want).dump());
  BOOST_TEST(p->digest().rfind("sha256:", 0) == 0u);
  BOOST_TEST(p->digest().size() == 7u + 64u);
}

BOOST_AUTO_TEST_CASE(an_empty_nullable_group_is_null_and_an_empty_group_is_an_object) {
  auto p = Load();
  Decision d = Decide(*p, R"({"case": {"id": "C-1"}, "customer": {"emotion": "calm"},
                              "item": {"name": "kettle", "paid_cents": 100}, "issue": {"type": "quality_defect"},
                              "order": {"total_paid_cents": 100},
                              "request": {"return_shipping_cents": 0}})");
  BOOST_TEST_REQUIRE(d.ok(), (d.ok() ? "" : d.errors[0].message));
  ordered_json j = ordered_json::parse(aftersales::DecisionToJson(d));
  BOOST_TEST(j["escalation"].is_null());
  BOOST_TEST(j["deadlines"].dump() == "{}");
  BOOST_TEST(j["priority"] == "P4");  // the default
  BOOST_TEST(j["script"].dump() == R"({"locale":"zh-CN","text":"退款 1.00 元。"})");
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  BOOST_TEST((keys == std::vector<std::string>{"case_id", "resolution", "options", "refund_cents", "freight",
                                               "evidence_required", "priority", "escalation", "deadlines", "script",
                                               "matched_rules", "policy"}));
}

BOOST_AUTO_TEST_CASE(freight_parts_add_up_to_the_cent) {
  auto p = Load();
  for (std::int64_t cents : {0, 1, 2, 999, 1525, 1526, 100001}) {
    BOOST_TEST_CONTEXT("return_shipping_cents " << cents) {
      Decision d = Decide(*p, R"({"item": {"paid_cents": 1}, "order": {"total_paid_cents": 1}, "issue": {"type": "quality_defect"},
                                  "request": {"return_shipping_cents": )" + std::to_string(cents) + "}}");
      BOOST_TEST_REQUIRE(d.ok(), (d.ok() ? "" : d.errors[0].message));
      std::int64_t merchant = d.Find("freight.merchant_cents")->int_value;
      std::int64_t customer = d.Find("freight.customer_cents")->int_value;
      std::int64_t insurance = d.Find("freight.insurance_cents")->int_value;
      BOOST_TEST(merchant + customer + insurance == cents);
      BOOST_TEST(merchant - customer == cents % 2);  // the odd cent goes to the first weight
      BOOST_TEST(d.Find("freight.merchant_cents")->is_money);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_decision_that_failed_prints_its_errors) {
  auto p = Load();
  Decision d = Decide(*p, R"({"case": {"id": "C-0"}, "issue": {"type": "no_reason"}})");
  BOOST_TEST_REQUIRE(!d.ok());
  BOOST_TEST(d.fields.empty());
  ordered_json j = ordered_json::parse(aftersales::DecisionToJson(d));
  BOOST_TEST(j["case_id"] == "C-0");
  BOOST_TEST(j["errors"].size() == 1u);
  BOOST_TEST(j["errors"][0]["message"] == "no rule decided 'resolution'");
  BOOST_TEST(j["errors"][0]["field"] == "resolution");
  BOOST_TEST(j["errors"][0]["at"].get<std::string>().rfind("<builtin>/schema.yaml:", 0) == 0u);
  BOOST_TEST(!j.contains("resolution"));
  BOOST_TEST(!j.contains("script"));

  // A then-expression that fails: the field, the rule and the place.
  Decision no_price = Decide(*p, R"({"case": {"id": "C-2"}, "issue": {"type": "quality_defect"},
                                     "request": {"return_shipping_cents": 10}})");
  BOOST_TEST_REQUIRE(!no_price.ok());
  const std::string want =
      R"({"case_id":"C-2","errors":[{"message":"rule 'defect_return' cannot set 'refund_cents': )"
      R"(fact 'item.paid_cents' is absent","field":"refund_cents","rule":"defect_return",)"
      R"("at":"policy.yaml:12:25"}],"policy":{"name":"vocab","version":"1.0","digest":")" +
      p->digest() + R"("}})";
  BOOST_TEST(aftersales::DecisionToJson(no_price) == want);
  std::string text = aftersales::DecisionToText(no_price);
  BOOST_TEST(text.find("error: policy.yaml:12:25: rule 'defect_return' cannot set 'refund_cents'") !=
                 std::string::npos,
             text);
}

BOOST_AUTO_TEST_CASE(the_trace_prints_every_rule_tried_with_its_place) {
  auto p = Load();
  Decision d = Decide(*p, R"({"issue": {"type": "quality_defect"}, "item": {"paid_cents": 5}, "order": {"total_paid_cents": 5},
                              "request": {"return_shipping_cents": 0}})",
                      /*explain=*/true);
  BOOST_TEST_REQUIRE(d.ok());
  ordered_json j = ordered_json::parse(aftersales::DecisionToJson(d, /*include_trace=*/true));
  BOOST_TEST_REQUIRE(j.contains("trace"));
  const std::string want =
      R"([{"stage":"resolution","rule":"defect_return","outcome":"matched","at":"policy.yaml:7:13"},)"
      R"({"stage":"service","rule":"evidence","outcome":"matched","at":"policy.yaml:22:13"},)"
      R"({"stage":"service","rule":"angry","outcome":"error",)"
      R"("detail":"\"customer.emotion == 'angry'\": fact 'customer.emotion' is absent","at":"policy.yaml:24:13"}])";
  BOOST_TEST(j["trace"].dump() == want);
  // Without include_trace there is no trace, even when one was recorded.
  BOOST_TEST(!ordered_json::parse(aftersales::DecisionToJson(d)).contains("trace"));
}

BOOST_AUTO_TEST_CASE(the_text_form_is_what_an_agent_reads) {
  auto p = Load();
  Decision d = Decide(*p, kAngryDefect, /*explain=*/true);
  BOOST_TEST_REQUIRE(d.ok());
  const std::string want =
      "case C-9\n"
      "  resolution                       return_refund\n"
      "  options                          return_refund, exchange\n"
      "  refund_cents                     299.00\n"
      "  freight.payer                    split\n"
      "  freight.merchant_cents           7.63\n"
      "  freight.customer_cents           7.62\n"
      "  freight.insurance_cents          0.00\n"
      "  freight.to_be_quoted             false\n"
      "  evidence_required                photo, video\n"
      "  priority                         P1\n"
      "  escalation.to                    supervisor\n"
      "  escalation.reply_within_minutes  30\n"
      "  deadlines.first_reply_seconds    15\n"
      "  matched rules: defect_return, evidence, angry\n"
      "\n"
      "[en]\n"
      "Refund 299.00 for kettle.\n"
      "\n"
      "A supervisor will call you within 30 minutes.\n"
      "\n"
      "trace:\n"
      "  resolution  defect_return  matched\n"
      "  service     evidence       matched\n"
      "  service     angry          matched\n"
      "policy vocab 1.0 " +
      p->digest();
  BOOST_TEST(aftersales::DecisionToText(d, /*include_trace=*/true) == want);
}

// The one-line writer (used for batches) and the indented one must say the
// same thing, escapes and all.
BOOST_AUTO_TEST_CASE(compact_and_indented_forms_agree) {
  auto r = aftersales::LoadPolicyFromStrings({{"policy.yaml", R"(
policy: {name: "t \"q\"", version: "1", locales: [en]}
stages:
  - id: s
    hit: first
    rules:
      - id: r
        then: {resolution: escalate, escalation.to: supervisor}
        script:
          en: "Quote \" backslash \\ newline \n tab \t bell \u0007 {item.name}"
)"}});
  BOOST_TEST_REQUIRE(r.ok(), aftersales::FormatIssues(r.issues));
  Decision d = Decide(*r.policy, R"({"case": {"id": "\u0001id\""}, "item": {"name": "壶 \u00e9 \ud83d\ude00"}})");
  BOOST_TEST_REQUIRE(d.ok());
  std::string compact = aftersales::DecisionToJson(d);
  std::string indented = aftersales::DecisionToJson(d, false, 2);
  BOOST_TEST(compact.find('\n') == std::string::npos);
  BOOST_TEST(compact.find(R"("case_id":"\u0001id\"")") != std::string::npos, compact);
  BOOST_TEST(compact.find(R"(newline \n tab \t bell \u0007 壶 é 😀")") != std::string::npos, compact);
  // Same content: strip the indentation of the indented form outside strings.
  std::string squeezed;
  bool in_string = false;
  for (std::size_t i = 0; i < indented.size(); ++i) {
    char c = indented[i];
    if (in_string) {
      squeezed += c;
      if (c == '\\') squeezed += indented[++i];
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
      squeezed += c;
    } else if (c != ' ' && c != '\n') {
      squeezed += c;
    }
  }
  BOOST_TEST(compact == squeezed);
}

// A policy may not declare a field named like one of the decision's own
// keys (the loader says so, at the field); a Decision built by hand with such
// a field still prints JSON without duplicate keys, keeping its own.
BOOST_AUTO_TEST_CASE(fields_named_like_the_decisions_own_keys_are_refused_and_stay_out_of_the_json) {
  auto r = aftersales::LoadPolicyFromStrings({{"policy.yaml", R"(
policy: {name: t, version: "1", locales: [en]}
decisions:
  resolution: {type: string, required: true}
  script: string
  policy.name: string
  trace: int
  scripted: string
stages:
  - id: s
    hit: first
    rules:
      - {id: r, then: {resolution: "'a'"}}
)"}});
  BOOST_TEST_REQUIRE(!r.ok());
  const std::string issues = aftersales::FormatIssues(r.issues);
  BOOST_TEST(issues.find("policy.yaml:5:3: decision field 'script' would clash with the decision's own 'script'") !=
                 std::string::npos, issues);
  BOOST_TEST(issues.find("policy.yaml:6:3: decision field 'policy.name' would clash") != std::string::npos, issues);
  BOOST_TEST(issues.find("policy.yaml:7:3: decision field 'trace' would clash") != std::string::npos, issues);
  BOOST_TEST(issues.find("scripted") == std::string::npos, issues);  // only the first word counts

  Decision d;
  d.case_id = "c";
  d.policy_name = "t";
  d.fields.emplace_back("resolution", FieldValue{});
  d.fields.back().second.kind = FieldValue::Kind::kString;
  d.fields.back().second.string_value = "a";
  d.fields.emplace_back("script", d.fields.back().second);
  d.fields.emplace_back("policy.name", d.fields.back().second);
  d.script_text = "hi";
  const std::string json = aftersales::DecisionToJson(d);
  BOOST_TEST(json == R"({"case_id":"c","resolution":"a","script":{"locale":"","text":"hi"},"matched_rules":[],)"
                     R"("policy":{"name":"t","version":"","digest":""}})");
}

// Strings that are not UTF-8 (a builder takes any bytes) print as valid
// JSON: each broken byte becomes U+FFFD. Overlong forms, surrogates and code
// points past U+10FFFF used to go through as they were (found by fuzz_decide).
BOOST_AUTO_TEST_CASE(bytes_that_are_not_utf8_print_as_replacement_characters) {
  Decision d;
  d.case_id = "a\xc1\x94" "b\xed\xa0\x80" "c\xf4\x90\x80\x80" "d\xe7\x94\xb5\xff";
  const std::string json = aftersales::DecisionToJson(d);
  BOOST_TEST(nlohmann::json::accept(json), json);
  const std::string r = "\xef\xbf\xbd";
  BOOST_TEST(nlohmann::json::parse(json)["case_id"].get<std::string>() ==
             "a" + r + r + "b" + r + r + r + "c" + r + r + r + r + "d\xe7\x94\xb5" + r);
}

BOOST_AUTO_TEST_SUITE_END()
