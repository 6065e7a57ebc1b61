// The decision's JSON (the vocabulary's exact shape, key order, groups,
// errors, trace) and text forms, on a policy that uses the built-in
// vocabulary schema (rules/schema.yaml).
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <functional>
#include <random>
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

// The indented form is the layout nlohmann::json's dump gives the same
// content (the form the CLI printed before the library had one writer):
// random decisions with nested groups, lists of lists, empty lists and
// groups, every scalar kind, errors and traces, at indents 0, 2 and 4.
BOOST_AUTO_TEST_CASE(the_indented_form_is_nlohmanns_layout) {
  std::mt19937 rng(11);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const std::vector<std::string> words = {"", "a", "refund \"now\"", "壶 é 😀", "tab\there", "x\\y"};
  std::function<FieldValue(int)> random_value = [&](int depth) {
    FieldValue v;
    switch (depth > 2 ? pick(5) : pick(7)) {
      case 0: v.kind = FieldValue::Kind::kBool; v.bool_value = pick(2) == 1; break;
      case 1: v.kind = FieldValue::Kind::kInt; v.int_value = static_cast<std::int64_t>(rng()) - 2000000000; break;
      case 2: v.kind = FieldValue::Kind::kDouble; v.double_value = pick(1000) / 8.0; break;
      case 3: v.kind = FieldValue::Kind::kString; v.string_value = words[static_cast<std::size_t>(pick(6))]; break;
      case 4: v.kind = FieldValue::Kind::kNull; break;
      default: {
        v.kind = FieldValue::Kind::kList;
        const int n = pick(4);
        for (int i = 0; i < n; ++i) v.items.push_back(random_value(depth + 1));
      }
    }
    return v;
  };
  auto to_json = [](const FieldValue& v, auto&& self) -> ordered_json {
    switch (v.kind) {
      case FieldValue::Kind::kBool: return v.bool_value;
      case FieldValue::Kind::kInt: return v.int_value;
      case FieldValue::Kind::kDouble: return v.double_value;
      case FieldValue::Kind::kString: return v.string_value;
      case FieldValue::Kind::kList: {
        ordered_json a = ordered_json::array();
        for (const FieldValue& e : v.items) a.push_back(self(e, self));
        return a;
      }
      default: return nullptr;
    }
  };
  const std::vector<std::string> names = {"resolution", "options", "freight.payer", "freight.parts.a",
                                          "freight.parts.b", "refund_cents", "deadlines.reply_by", "note"};
  for (int round = 0; round < 300; ++round) {
    Decision d;
    d.case_id = words[static_cast<std::size_t>(pick(6))];
    d.policy_name = "p";
    d.policy_version = "1";
    d.policy_digest = "sha256:0";
    ordered_json want;
    want["case_id"] = d.case_id;
    const bool failed = pick(5) == 0;
    if (failed) {
      d.errors.push_back({"refund_cents: no value", "refund_cents", "r1", {"policy.yaml", 3, 7}});
      d.errors.push_back({"the script is too long", "", "", {}});
      want["errors"] = ordered_json::array({{{"message", "refund_cents: no value"}, {"field", "refund_cents"},
                                             {"rule", "r1"}, {"at", "policy.yaml:3:7"}},
                                            {{"message", "the script is too long"}}});
    } else {
      for (const std::string& name : names) {
        FieldValue v;
        if (pick(4) != 0) v = random_value(0);
        d.fields.emplace_back(name, v);
        // Groups appear where their first field is declared, set or not.
        ordered_json* parent = &want;
        std::size_t start = 0;
        for (std::size_t dot = name.find('.'); dot != std::string::npos; dot = name.find('.', start)) {
          ordered_json& next = (*parent)[name.substr(start, dot - start)];
          if (!next.is_object()) next = ordered_json::object();
          parent = &next;
          start = dot + 1;
        }
        if (v.present()) (*parent)[name.substr(start)] = to_json(v, to_json);
      }
      d.nullable_groups = {"deadlines"};
      if (want["deadlines"].empty()) want["deadlines"] = nullptr;
      d.script_locale = "en";
      d.script_text = words[static_cast<std::size_t>(pick(6))];
      want["script"] = {{"locale", d.script_locale}, {"text", d.script_text}};
      const int rules = pick(3);
      for (int i = 0; i < rules; ++i) d.matched_rules.push_back("rule_" + std::to_string(i));
      want["matched_rules"] = d.matched_rules;
    }
    want["policy"] = {{"name", "p"}, {"version", "1"}, {"digest", "sha256:0"}};
    const bool trace = pick(2) == 1;
    if (trace) {
      d.trace.push_back({"resolution", "r1", aftersales::RuleTrace::Outcome::kNotMatched, "issue.type == 'x' is false",
                         {"policy.yaml", 9, 9}});
      d.trace.push_back({"resolution", "r2", aftersales::RuleTrace::Outcome::kMatched, "", {}});
      want["trace"] = ordered_json::array(
          {{{"stage", "resolution"}, {"rule", "r1"}, {"outcome", "not_matched"},
            {"detail", "issue.type == 'x' is false"}, {"at", "policy.yaml:9:9"}},
           {{"stage", "resolution"}, {"rule", "r2"}, {"outcome", "matched"}, {"at", ""}}});
    }
    for (int indent : {-1, 0, 2, 4}) {
      const std::string got = aftersales::DecisionToJson(d, trace, indent);
      BOOST_TEST(got == want.dump(indent), "round " << round << " indent " << indent);
    }
  }
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
