// Deciding: stages and hit policies, defaults, required fields, invariants,
// absent facts, errors that name the field and the rule, scripts, and one
// policy shared by many threads.
#include <boost/test/unit_test.hpp>

#include <random>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "aftersales/aftersales.h"
#include "decision/policy_impl.h"
#include "decision/policy_internal.h"

namespace {

using aftersales::Decision;
using aftersales::FieldValue;
using aftersales::LoadPolicyFromStrings;
using aftersales::LoadResult;

// A small schema of our own, so the tests do not depend on rules/.
const char* const kSchema = R"(
enums:
  kind: [defect, no_reason, delay]
  resolution: [refund, exchange, explain, escalate]
  evidence: [photo, video, receipt]
  locale: [zh-CN, en]
facts:
  case.id: string
  case.locale: locale
  case.timezone: {type: string, default: Asia/Shanghai}
  case.opened_at: timestamp
  order.id: string
  order.delivered_at: timestamp
  item.name: string
  item.paid_cents: money
  issue.kind: kind
  request.return_shipping_cents: money
decisions:
  resolution: {type: resolution, required: true}
  refund_cents: {type: money, default: 0}
  evidence: {type: list<evidence>, default: []}
  freight: {type: object}
  freight.merchant_cents: {type: money, default: 0}
  freight.customer_cents: {type: money, default: 0}
  escalation: {type: object, nullable: true}
  escalation.to: string
  note: string
)";

LoadResult Load(const std::string& rules) {
  return LoadPolicyFromStrings({{"schema.yaml", kSchema}, {"policy.yaml", rules}});
}

std::shared_ptr<const aftersales::Policy> MustLoad(const std::string& rules) {
  LoadResult r = Load(rules);
  BOOST_TEST_REQUIRE(r.ok(), aftersales::FormatIssues(r.issues));
  return r.policy;
}

Decision DecideJson(const aftersales::Policy& p, const std::string& json,
                    aftersales::DecideOptions options = {}) {
  auto facts = p.ReadFactsJson(json);
  BOOST_TEST_REQUIRE(facts.ok(), facts.status().message());
  return p.Decide(*facts, options);
}

std::string Str(const Decision& d, const std::string& path) {
  const FieldValue* v = d.Find(path);
  return v && v->kind == FieldValue::Kind::kString ? v->string_value : "<none>";
}

std::int64_t Int(const Decision& d, const std::string& path) {
  const FieldValue* v = d.Find(path);
  return v && v->kind == FieldValue::Kind::kInt ? v->int_value : -999999;
}

std::vector<std::string> List(const Decision& d, const std::string& path) {
  std::vector<std::string> out;
  const FieldValue* v = d.Find(path);
  if (v) {
    for (const FieldValue& e : v->items) out.push_back(e.string_value);
  }
  return out;
}

const char* const kBasic = R"(
policy: {name: t, version: "1", locales: [zh-CN, en], default_locale: zh-CN, fallback_locale: en}
stages:
  - id: resolution
    hit: first
    rules:
      - id: defect_in_7_days
        when: issue.kind == 'defect' && calendar_days(order.delivered_at, case.opened_at, case.timezone) <= 7
        then:
          resolution: refund
          refund_cents: item.paid_cents
        script:
          zh-CN: "订单 {order.id} 退款 {decision.refund_cents} 元"
          en: "Order {order.id}: refund {decision.refund_cents}"
      - id: defect_late
        when: issue.kind == 'defect'
        then:
          resolution: exchange
        script:
          en: "We will exchange your {item.name}."
      - id: other
        then:
          resolution: escalate
          escalation.to: "'supervisor'"
  - id: evidence
    hit: collect
    rules:
      - id: ev_defect
        when: issue.kind == 'defect'
        then:
          evidence: [photo, video]
      - id: ev_refund
        when: decision.refund_cents > 0
        then:
          evidence: [video, receipt]
)";

const char* const kDefectDay3 = R"({
  "case": {"id": "C1", "locale": "zh-CN", "opened_at": "2026-11-20T14:00:00+08:00"},
  "order": {"id": "O-9", "delivered_at": "2026-11-17T10:00:00+08:00"},
  "item": {"name": "kettle", "paid_cents": 29900},
  "issue": {"kind": "defect"}
})";

}  // namespace

BOOST_AUTO_TEST_SUITE(engine)

BOOST_AUTO_TEST_CASE(first_stage_stops_at_the_first_match_and_collect_accumulates) {
  auto p = MustLoad(kBasic);
  Decision d = DecideJson(*p, kDefectDay3);
  BOOST_TEST_REQUIRE(d.ok());
  BOOST_TEST(d.case_id == "C1");
  BOOST_TEST(Str(d, "resolution") == "refund");
  BOOST_TEST(Int(d, "refund_cents") == 29900);
  // Both evidence rules fire; "video" is not repeated.
  BOOST_TEST((List(d, "evidence") == std::vector<std::string>{"photo", "video", "receipt"}));
  BOOST_TEST((d.matched_rules == std::vector<std::string>{"defect_in_7_days", "ev_defect", "ev_refund"}));
  BOOST_TEST(d.script_locale == "zh-CN");
  BOOST_TEST(d.script_text == "订单 O-9 退款 299.00 元");
  BOOST_TEST(d.policy_digest.rfind("sha256:", 0) == 0);
}

BOOST_AUTO_TEST_CASE(day_eight_in_the_case_zone_falls_through) {
  auto p = MustLoad(kBasic);
  std::string late = kDefectDay3;
  late.replace(late.find("2026-11-20T14:00:00+08:00"), 25, "2026-11-25T00:01:00+08:00");
  Decision d = DecideJson(*p, late);
  BOOST_TEST_REQUIRE(d.ok());
  BOOST_TEST(Str(d, "resolution") == "exchange");
  BOOST_TEST(Int(d, "refund_cents") == 0);  // the default
  // No zh-CN text for defect_late: the fallback locale's text is used.
  BOOST_TEST(d.script_locale == "en");
  BOOST_TEST(d.script_text == "We will exchange your kettle.");
}

BOOST_AUTO_TEST_CASE(an_absent_fact_never_matches_and_the_trace_names_it) {
  auto p = MustLoad(kBasic);
  aftersales::DecideOptions explain;
  explain.explain = true;
  Decision d = DecideJson(*p, R"({"case": {"id": "C2", "opened_at": "2026-11-20T14:00:00+08:00"},
                                  "issue": {"kind": "defect"}, "item": {"name": "kettle"}})",
                          explain);
  BOOST_TEST_REQUIRE(d.ok());
  BOOST_TEST(Str(d, "resolution") == "exchange");
  BOOST_TEST_REQUIRE(d.trace.size() >= 2u);
  BOOST_TEST(d.trace[0].rule_id == "defect_in_7_days");
  BOOST_TEST((d.trace[0].outcome == aftersales::RuleTrace::Outcome::kError));
  BOOST_TEST(d.trace[0].detail.find("fact 'order.delivered_at' is absent") != std::string::npos, d.trace[0].detail);
  BOOST_TEST((d.trace[1].outcome == aftersales::RuleTrace::Outcome::kMatched));
  BOOST_TEST((d.trace[2].outcome == aftersales::RuleTrace::Outcome::kNotReached));
}

BOOST_AUTO_TEST_CASE(the_trace_quotes_the_part_of_the_condition_that_was_false) {
  auto p = MustLoad(kBasic);
  aftersales::DecideOptions explain;
  explain.explain = true;
  Decision d = DecideJson(*p, R"({"case": {"id": "C3"}, "issue": {"kind": "delay"}})", explain);
  BOOST_TEST_REQUIRE(d.ok());
  BOOST_TEST(d.trace[0].detail == R"("issue.kind == 'defect'" is false)");
  BOOST_TEST(Str(d, "resolution") == "escalate");
  BOOST_TEST(Str(d, "escalation.to") == "supervisor");
}

BOOST_AUTO_TEST_CASE(a_required_field_no_rule_sets_is_an_error) {
  auto p = MustLoad(R"(
policy: {name: t, version: "1"}
stages:
  - id: s
    hit: first
    rules:
      - id: only_defects
        when: issue.kind == 'defect'
        then: {resolution: refund}
)");
  Decision d = DecideJson(*p, R"({"issue": {"kind": "delay"}})");
  BOOST_TEST_REQUIRE(!d.ok());
  BOOST_TEST(d.errors[0].message == "no rule decided 'resolution'");
  BOOST_TEST(d.errors[0].field == "resolution");
}

BOOST_AUTO_TEST_CASE(a_then_expression_that_fails_names_field_rule_and_place) {
  auto p = MustLoad(R"(
policy: {name: t, version: "1"}
stages:
  - id: s
    hit: first
    rules:
      - id: refund_it
        then:
          resolution: refund
          refund_cents: item.paid_cents
)");
  Decision d = DecideJson(*p, R"({"issue": {"kind": "defect"}})");
  BOOST_TEST_REQUIRE(!d.ok());
  BOOST_TEST(d.errors[0].field == "refund_cents");
  BOOST_TEST(d.errors[0].rule_id == "refund_it");
  BOOST_TEST(d.errors[0].message.find("fact 'item.paid_cents' is absent") != std::string::npos);
  BOOST_TEST(d.errors[0].location.file == "policy.yaml");
  BOOST_TEST(d.errors[0].location.line == 10);
}

BOOST_AUTO_TEST_CASE(an_invariant_that_fails_makes_the_decision_fail) {
  auto p = MustLoad(R"(
policy: {name: t, version: "1"}
stages:
  - id: s
    hit: first
    rules:
      - id: split_freight
        then:
          resolution: exchange
          freight.merchant_cents: split(request.return_shipping_cents, [1, 1])[0]
          freight.customer_cents: split(request.return_shipping_cents, [1, 1])[0]
invariants:
  - id: adds_up
    message: the parts add up
    check: decision.freight.merchant_cents + decision.freight.customer_cents == request.return_shipping_cents
)");
  Decision even = DecideJson(*p, R"({"request": {"return_shipping_cents": 1526}})");
  BOOST_TEST(even.ok());
  Decision odd = DecideJson(*p, R"({"request": {"return_shipping_cents": 1525}})");
  BOOST_TEST_REQUIRE(!odd.ok());
  BOOST_TEST(odd.errors[0].message.find("invariant 'adds_up' failed: the parts add up") == 0u);
}

BOOST_AUTO_TEST_CASE(later_stages_override_earlier_ones) {
  auto p = MustLoad(R"(
policy: {name: t, version: "1"}
stages:
  - id: a
    hit: first
    rules:
      - {id: a1, then: {resolution: refund, note: "'first'"}}
  - id: b
    hit: collect
    rules:
      - {id: b1, when: "decision.resolution == 'refund'", then: {resolution: escalate}}
      - {id: b2, then: {note: "'second'"}}
      - {id: b3, then: {note: "'third'"}}
)");
  Decision d = DecideJson(*p, "{}");
  BOOST_TEST_REQUIRE(d.ok());
  BOOST_TEST(Str(d, "resolution") == "escalate");
  BOOST_TEST(Str(d, "note") == "third");  // collect: the last matching rule's scalar wins
}

BOOST_AUTO_TEST_CASE(bad_facts_are_rejected_naming_the_field) {
  auto p = MustLoad(kBasic);
  struct Row {
    const char* json;
    const char* message;
  } rows[] = {
      {R"({"item": {"paid_cents": "299"}})", "item.paid_cents: expected money (integer minor units), got string \"299\""},
      {R"({"item": {"paid_cents": 299.5}})", "item.paid_cents: expected money (integer minor units), got the fraction 299.5"},
      {R"({"issue": {"kind": "defekt"}})", "issue.kind: 'defekt' is not a value of kind (expected one of: defect, no_reason, delay)"},
      {R"({"order": {"delivered_at": "2026-11-17 10:00"}})", "order.delivered_at: \"2026-11-17 10:00\": not an RFC 3339 timestamp (expected e.g. 2026-11-20T14:03:00+08:00)"},
      {R"({"order": {"delivered_at": "2026-11-17T10:00:00"}})", "order.delivered_at: \"2026-11-17T10:00:00\": timestamp needs a time zone offset (Z or +08:00)"},
      {R"({"case.id": 7})", "case.id: expected string, got integer 7"},
      {R"([1, 2])", "a case must be a JSON object"},
  };
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.json) {
      auto facts = p->ReadFactsJson(r.json);
      BOOST_TEST_REQUIRE(!facts.ok());
      BOOST_TEST(facts.status().message() == r.message);
    }
  }
  auto several = p->ReadFactsJson(R"({"item": {"paid_cents": "1"}, "issue": {"kind": "x"}})", "cases.jsonl:3");
  BOOST_TEST_REQUIRE(!several.ok());
  BOOST_TEST(several.status().message().rfind("cases.jsonl:3: item.paid_cents:", 0) == 0u);
  BOOST_TEST(several.status().message().find("; issue.kind:") != std::string::npos);
  auto bad_json = p->ReadFactsJson("{\"a\": ");
  BOOST_TEST(!bad_json.ok());
  BOOST_TEST(bad_json.status().message().rfind("not valid JSON", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(flat_nested_yaml_and_built_cases_decide_alike) {
  auto p = MustLoad(kBasic);
  Decision nested = DecideJson(*p, kDefectDay3);
  Decision flat = DecideJson(*p, R"({"case.id": "C1", "case.locale": "zh-CN", "case.opened_at": "2026-11-20T14:00:00+08:00",
      "order.id": "O-9", "order.delivered_at": "2026-11-17T10:00:00+08:00", "item.name": "kettle",
      "item.paid_cents": 29900, "issue.kind": "defect", "unknown.field": [1, 2]})");
  auto yaml = p->ReadFactsYaml(R"(
case: {id: C1, locale: zh-CN, opened_at: "2026-11-20T14:00:00+08:00"}
order: {id: O-9, delivered_at: "2026-11-17T10:00:00+08:00"}
item: {name: kettle, paid_cents: 29900}
issue: {kind: defect}
)");
  BOOST_TEST_REQUIRE(yaml.ok(), yaml.status().message());
  Decision from_yaml = p->Decide(*yaml);
  aftersales::FactsBuilder b = p->NewFacts();
  BOOST_TEST(b.SetString("case.id", "C1").ok());
  BOOST_TEST(b.SetString("case.locale", "zh-CN").ok());
  BOOST_TEST(b.SetTimestamp("case.opened_at", "2026-11-20T14:00:00+08:00").ok());
  BOOST_TEST(b.SetString("order.id", "O-9").ok());
  BOOST_TEST(b.SetTimestamp("order.delivered_at", "2026-11-17T10:00:00+08:00").ok());
  BOOST_TEST(b.SetString("item.name", "kettle").ok());
  BOOST_TEST(b.SetInt("item.paid_cents", 29900).ok());
  BOOST_TEST(b.SetString("issue.kind", "defect").ok());
  BOOST_TEST(b.SetString("issue.kind", "defekt").message() ==
             "issue.kind: 'defekt' is not a value of kind (expected one of: defect, no_reason, delay)");
  BOOST_TEST(b.SetInt("issue.kind", 3).message() == "issue.kind: expected kind, got an int");
  BOOST_TEST(b.SetInt("no.such", 3).message() == "no.such: the policy declares no such fact");
  Decision built = p->Decide(b.Build());
  std::string want = aftersales::DecisionToJson(nested);
  BOOST_TEST(aftersales::DecisionToJson(flat) == want);
  BOOST_TEST(aftersales::DecisionToJson(from_yaml) == want);
  BOOST_TEST(aftersales::DecisionToJson(built) == want);
}

BOOST_AUTO_TEST_CASE(facts_from_another_policy_are_refused) {
  auto p1 = MustLoad(kBasic);
  auto p2 = MustLoad(kBasic);
  auto facts = p1->ReadFactsJson(kDefectDay3);
  BOOST_TEST_REQUIRE(facts.ok());
  Decision d = p2->Decide(*facts);
  BOOST_TEST(!d.ok());
}

BOOST_AUTO_TEST_CASE(json_output_has_the_vocabulary_shape) {
  auto p = MustLoad(kBasic);
  Decision d = DecideJson(*p, kDefectDay3);
  std::string json = aftersales::DecisionToJson(d);
  std::string want =
      R"({"case_id":"C1","resolution":"refund","refund_cents":29900,"evidence":["photo","video","receipt"],)"
      R"("freight":{"merchant_cents":0,"customer_cents":0},"escalation":null,)"
      R"("script":{"locale":"zh-CN","text":"订单 O-9 退款 299.00 元"},)"
      R"("matched_rules":["defect_in_7_days","ev_defect","ev_refund"],)"
      R"("policy":{"name":"t","version":"1","digest":")" + p->digest() + R"("}})";
  BOOST_TEST(json == want);
}

BOOST_AUTO_TEST_CASE(the_script_uses_the_case_time_zone) {
  auto p = MustLoad(R"(
policy: {name: t, version: "1", locales: [en]}
stages:
  - id: s
    hit: first
    rules:
      - id: r
        then: {resolution: explain}
        script:
          en: "Signed {order.delivered_at:%Y-%m-%d %H:%M}."
)");
  Decision shanghai = DecideJson(*p, R"({"order": {"delivered_at": "2026-11-16T16:30:00Z"}})");
  BOOST_TEST(shanghai.script_text == "Signed 2026-11-17 00:30.");
  Decision london = DecideJson(*p, R"({"case": {"timezone": "Europe/London"},
                                        "order": {"delivered_at": "2026-11-16T16:30:00Z"}})");
  BOOST_TEST(london.script_text == "Signed 2026-11-16 16:30.");
  Decision bad_zone = DecideJson(*p, R"({"case": {"timezone": "Mars/Olympus"}})");
  BOOST_TEST_REQUIRE(!bad_zone.ok());
  BOOST_TEST(bad_zone.errors[0].field == "case.timezone");
  BOOST_TEST(bad_zone.errors[0].message ==
             "case.timezone: unknown time zone 'Mars/Olympus' (expected an IANA zone such as Asia/Shanghai)");
}

BOOST_AUTO_TEST_CASE(one_policy_many_threads_same_decisions) {
  auto p = MustLoad(kBasic);
  const std::string want = aftersales::DecisionToJson(DecideJson(*p, kDefectDay3));
  std::vector<std::thread> threads;
  std::vector<int> mismatches(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        auto facts = p->ReadFactsJson(kDefectDay3);
        if (!facts.ok() || aftersales::DecisionToJson(p->Decide(*facts)) != want) ++mismatches[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int m : mismatches) BOOST_TEST(m == 0);
}

BOOST_AUTO_TEST_CASE(the_step_budget_stops_a_runaway_decision) {
  aftersales::LoadOptions small;
  small.limits.max_eval_steps = 50;
  auto r = LoadPolicyFromStrings({{"schema.yaml", kSchema}, {"policy.yaml", R"yaml(
policy: {name: t, version: "1"}
stages:
  - id: s
    hit: first
    rules:
      - id: heavy
        when: "[1,2,3,4,5,6,7,8,9,10].all(x, [1,2,3,4,5,6,7,8,9,10].all(y, x * y > 0))"
        then: {resolution: refund}
      - {id: fallback, then: {resolution: escalate}}
)yaml"}},
                                 small);
  BOOST_TEST_REQUIRE(r.ok(), aftersales::FormatIssues(r.issues));
  aftersales::DecideOptions explain;
  explain.explain = true;
  Decision d = DecideJson(*r.policy, "{}", explain);
  BOOST_TEST_REQUIRE(!d.ok());
  BOOST_TEST(d.errors[0].message.rfind("the evaluation step budget (50 steps per decision) ran out", 0) == 0u,
             d.errors[0].message);
  BOOST_TEST(d.fields.empty());
}

BOOST_AUTO_TEST_CASE(the_case_locale_picks_the_text_and_a_gap_sends_the_reply_to_the_fallback) {
  auto p = MustLoad(R"(
policy: {name: t, version: "1", locales: [zh-CN, en], default_locale: zh-CN, fallback_locale: en}
stages:
  - id: s
    hit: collect
    rules:
      - id: both
        then: {resolution: refund}
        script: {zh-CN: "您好", en: "Hello"}
      - id: english_only
        then: {refund_cents: item.paid_cents}
        script: {en: "We refund {decision.refund_cents}."}
      - id: silent
        then: {note: "'x'"}
)");
  const char* const item = R"("item": {"paid_cents": 12345})";
  Decision en = DecideJson(*p, std::string(R"({"case": {"locale": "en"}, )") + item + "}");
  BOOST_TEST(en.script_locale == "en");
  BOOST_TEST(en.script_text == "Hello\n\nWe refund 123.45.");
  // english_only has no zh-CN text: the whole reply is in the fallback
  // locale, one language, and script.locale says so.
  Decision zh = DecideJson(*p, std::string(R"({"case": {"locale": "zh-CN"}, )") + item + "}");
  BOOST_TEST(zh.script_locale == "en");
  BOOST_TEST(zh.script_text == "Hello\n\nWe refund 123.45.");
  Decision none = DecideJson(*p, std::string("{") + item + "}");  // no locale: the default, on the same terms
  BOOST_TEST(none.script_locale == "en");
  BOOST_TEST(none.script_text == "Hello\n\nWe refund 123.45.");
  BOOST_TEST((none.matched_rules == std::vector<std::string>{"both", "english_only", "silent"}));
}

BOOST_AUTO_TEST_CASE(money_prints_with_two_decimals_in_scripts) {
  auto p = MustLoad(R"(
policy: {name: t, version: "1", locales: [en]}
stages:
  - id: s
    hit: first
    rules:
      - id: r
        then: {resolution: refund, refund_cents: item.paid_cents}
        script: {en: "{decision.refund_cents}|{item.paid_cents:>8}|{request.return_shipping_cents}"}
)");
  struct Row {
    std::int64_t cents;
    const char* text;
  } rows[] = {{0, "0.00|    0.00|0.05"}, {5, "0.05|    0.05|0.05"}, {29900, "299.00|  299.00|0.05"},
              {1250, "12.50|   12.50|0.05"}, {123456789, "1234567.89|1234567.89|0.05"}};
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.cents) {
      Decision d = DecideJson(*p, R"({"request": {"return_shipping_cents": 5}, "item": {"paid_cents": )" +
                                      std::to_string(r.cents) + "}}");
      BOOST_TEST_REQUIRE(d.ok());
      BOOST_TEST(d.script_text == r.text);
      BOOST_TEST(d.Find("refund_cents")->int_value == r.cents);
    }
  }
}

BOOST_AUTO_TEST_CASE(collect_lists_never_repeat_and_a_later_stage_replaces_them) {
  auto p = MustLoad(R"(
policy: {name: t, version: "1"}
stages:
  - id: first
    hit: first
    rules:
      - {id: f1, then: {resolution: refund, evidence: [receipt]}}
  - id: more
    hit: collect
    rules:
      - {id: c1, then: {evidence: [photo, photo, video]}}
      - {id: c2, when: "false", then: {evidence: [receipt]}}
      - {id: c3, then: {evidence: [video, photo]}}
  - id: keep
    hit: collect
    rules:
      - {id: k1, when: "'receipt' in decision.evidence", then: {note: "'has receipt'"}}
)");
  Decision d = DecideJson(*p, "{}");
  BOOST_TEST_REQUIRE(d.ok());
  // The collect stage's first list replaced the first stage's; repeats are dropped.
  BOOST_TEST((List(d, "evidence") == std::vector<std::string>{"photo", "video"}));
  BOOST_TEST(Str(d, "note") == "<none>");
  BOOST_TEST((d.matched_rules == std::vector<std::string>{"f1", "c1", "c3"}));
}

BOOST_AUTO_TEST_CASE(a_first_stage_with_no_match_leaves_the_defaults) {
  auto p = MustLoad(R"(
policy: {name: t, version: "1"}
stages:
  - id: s
    hit: first
    rules:
      - {id: never, when: "issue.kind == 'delay'", then: {resolution: refund, refund_cents: 5}}
      - {id: always, then: {resolution: explain}}
)");
  Decision d = DecideJson(*p, R"({"issue": {"kind": "defect"}})");
  BOOST_TEST_REQUIRE(d.ok());
  BOOST_TEST(Str(d, "resolution") == "explain");
  BOOST_TEST(Int(d, "refund_cents") == 0);
  BOOST_TEST(List(d, "evidence").empty());
  BOOST_TEST(d.Find("note") != nullptr);
  BOOST_TEST(!d.Find("note")->present());  // declared, no default, never set
  BOOST_TEST(d.Find("freight") == nullptr);  // groups are not fields
  BOOST_TEST(d.Find("nothing") == nullptr);
  // Every declared non-group field, in declaration order.
  std::vector<std::string> names;
  for (const auto& [name, value] : d.fields) names.push_back(name);
  BOOST_TEST((names == std::vector<std::string>{"resolution", "refund_cents", "evidence", "freight.merchant_cents",
                                                "freight.customer_cents", "escalation.to", "note"}));
}

BOOST_AUTO_TEST_CASE(an_invariant_that_cannot_be_evaluated_fails_the_decision) {
  auto p = MustLoad(R"(
policy: {name: t, version: "1"}
stages:
  - id: s
    hit: first
    rules:
      - {id: r, then: {resolution: refund}}
invariants:
  - id: refund_within_paid
    message: the refund is at most what was paid
    check: decision.refund_cents <= item.paid_cents
)");
  BOOST_TEST(DecideJson(*p, R"({"item": {"paid_cents": 0}})").ok());
  Decision d = DecideJson(*p, "{}");
  BOOST_TEST_REQUIRE(!d.ok());
  BOOST_TEST(d.errors[0].message ==
             "invariant 'refund_within_paid' failed: the refund is at most what was paid "
             "(fact 'item.paid_cents' is absent); rules fired: r");
  BOOST_TEST(d.errors[0].location.file == "policy.yaml");
}

BOOST_AUTO_TEST_CASE(a_script_that_needs_an_absent_fact_fails_naming_the_rule) {
  auto p = MustLoad(R"(
policy: {name: t, version: "1", locales: [en]}
stages:
  - id: s
    hit: first
    rules:
      - id: r
        then: {resolution: refund}
        script: {en: "Order {order.id}"}
)");
  BOOST_TEST(DecideJson(*p, R"({"order": {"id": "O-1"}})").script_text == "Order O-1");
  Decision d = DecideJson(*p, "{}");
  BOOST_TEST_REQUIRE(!d.ok());
  BOOST_TEST(d.errors[0].rule_id == "r");
  BOOST_TEST(d.errors[0].message.find("order.id") != std::string::npos, d.errors[0].message);
  BOOST_TEST(d.errors[0].location.line == 9);
}

BOOST_AUTO_TEST_CASE(the_trace_marks_rules_after_a_first_match_not_reached) {
  auto p = MustLoad(kBasic);
  aftersales::DecideOptions explain;
  explain.explain = true;
  Decision d = DecideJson(*p, kDefectDay3, explain);
  BOOST_TEST_REQUIRE(d.ok());
  std::vector<std::string> got;
  for (const auto& t : d.trace) {
    got.push_back(t.stage + "/" + t.rule_id + "=" + std::to_string(static_cast<int>(t.outcome)));
  }
  // 0 matched, 1 not matched, 2 error, 3 not reached
  BOOST_TEST((got == std::vector<std::string>{"resolution/defect_in_7_days=0", "resolution/defect_late=3",
                                              "resolution/other=3", "evidence/ev_defect=0", "evidence/ev_refund=0"}));
  BOOST_TEST(d.trace[1].location.line == 15);
  // Without explain, no trace is kept.
  BOOST_TEST(DecideJson(*p, kDefectDay3).trace.empty());
}

// --explain re-evaluates the parts of conditions that failed; that must not
// spend the decision's step budget, or explaining could change the outcome.
// (The conditions have no guard such as `issue.kind == 'x'`, which would
// settle them without evaluating the costly part.)
BOOST_AUTO_TEST_CASE(explaining_does_not_change_the_decision_under_any_budget) {
  const std::string rules = R"yaml(
policy: {name: t, version: "1"}
stages:
  - id: s
    hit: first
    rules:
      - id: heavy_false
        when: "[1,2,3,4,5,6,7,8].all(x, x > 0) && issue.kind != 'defect'"
        then: {resolution: refund}
      - id: heavy_again
        when: "[1,2,3,4,5,6,7,8].all(x, x > 0) && !(issue.kind in ['defect'])"
        then: {resolution: exchange}
      - {id: fallback, then: {resolution: escalate}}
)yaml";
  int decided = 0;
  for (int budget = 5; budget <= 400; budget += 5) {
    aftersales::LoadOptions options;
    options.limits.max_eval_steps = budget;
    auto r = LoadPolicyFromStrings({{"schema.yaml", kSchema}, {"policy.yaml", rules}}, options);
    BOOST_TEST_REQUIRE(r.ok(), aftersales::FormatIssues(r.issues));
    aftersales::DecideOptions explain;
    explain.explain = true;
    Decision plain = DecideJson(*r.policy, R"({"issue": {"kind": "defect"}})");
    Decision explained = DecideJson(*r.policy, R"({"issue": {"kind": "defect"}})", explain);
    BOOST_TEST_CONTEXT("budget " << budget) {
      BOOST_TEST(plain.ok() == explained.ok());
      BOOST_TEST(aftersales::DecisionToJson(plain) == aftersales::DecisionToJson(explained));
    }
    decided += plain.ok();
  }
  // Small budgets fail and large ones decide: the range covers the edge.
  BOOST_TEST(decided > 0);
  BOOST_TEST(decided < 80);
}

// A condition's `fact == 'word'` or `fact in [...]` part is checked before the
// rest (a guard). Skipping the rest must never change what matches: absent
// facts, decision fields, `in` lists, parts after other parts, and the
// trace of a rule whose guard failed all read as before.
BOOST_AUTO_TEST_CASE(guards_settle_conditions_exactly_as_evaluating_them_would) {
  auto p = MustLoad(R"yaml(
policy: {name: t, version: "1"}
stages:
  - id: first
    hit: first
    rules:
      - {id: delay_only, when: "issue.kind == 'delay'", then: {resolution: refund}}
      - id: late_part
        when: "item.paid_cents > 100 && issue.kind in ['no_reason', 'delay']"
        then: {resolution: exchange}
      - {id: fallback, then: {resolution: explain}}
  - id: second
    hit: collect
    rules:
      - id: on_decision
        when: "decision.resolution == 'exchange' && item.paid_cents > 0"
        then: {note: "'exchanged'"}
      - id: negated_is_no_guard
        when: "issue.kind != 'defect'"
        then: {evidence: [photo]}
)yaml");
  // Guard true: the rest decides.
  Decision a = DecideJson(*p, R"({"issue": {"kind": "no_reason"}, "item": {"paid_cents": 500}})");
  BOOST_TEST(Str(a, "resolution") == "exchange");
  BOOST_TEST(Str(a, "note") == "exchanged");
  BOOST_TEST(List(a, "evidence") == std::vector<std::string>{"photo"});
  // Guard true, rest false.
  Decision b = DecideJson(*p, R"({"issue": {"kind": "no_reason"}, "item": {"paid_cents": 50}})");
  BOOST_TEST(Str(b, "resolution") == "explain");
  BOOST_TEST(Str(b, "note") == "<none>");
  // Guard false; the guarded fact absent (never a match by accident).
  Decision c = DecideJson(*p, R"({"item": {"paid_cents": 500}})");
  BOOST_TEST(Str(c, "resolution") == "explain");
  BOOST_TEST(List(c, "evidence").empty());
  Decision d = DecideJson(*p, R"({"issue": {"kind": "delay"}, "item": {"paid_cents": 500}})");
  BOOST_TEST(Str(d, "resolution") == "refund");
  // Explaining a rule whose guard failed names the failing part, as always.
  aftersales::DecideOptions explain;
  explain.explain = true;
  Decision e = DecideJson(*p, R"({"issue": {"kind": "defect"}, "item": {"paid_cents": 500}})", explain);
  BOOST_TEST_REQUIRE(e.trace.size() >= 2u);
  BOOST_TEST(e.trace[0].rule_id == "delay_only");
  BOOST_TEST(e.trace[0].detail == "\"issue.kind == 'delay'\" is false");
  BOOST_TEST(e.trace[1].rule_id == "late_part");
  BOOST_TEST(e.trace[1].detail == "\"issue.kind in ['no_reason', 'delay']\" is false");
  Decision f = DecideJson(*p, R"({"item": {"paid_cents": 500}})", explain);
  BOOST_TEST_REQUIRE(!f.trace.empty());
  BOOST_TEST((f.trace[0].outcome == aftersales::RuleTrace::Outcome::kError));
  BOOST_TEST(f.trace[0].detail.find("'issue.kind' is absent") != std::string::npos, f.trace[0].detail);
}

// `at_most:` on a money decision field, an int expression: a decision over
// it is refused with the field and both amounts; equal is fine; with a fact
// it names absent the cap fails closed (an error naming the fact), and a
// cap that fails otherwise (an overflow) fails the decision. `unless:` says when the
// policy means to go over. The shipped schema puts the refund at most what
// was paid.
BOOST_AUTO_TEST_CASE(a_refund_is_never_more_than_what_was_paid) {
  auto r = LoadPolicyFromStrings({{"policy.yaml", R"yaml(
policy: {name: t, version: "1"}
facts:
  order.total_paid_cents: money
  order.shipping_fee_cents: money
  item.paid_cents: money
  n: int
  case.goodwill: bool
decisions:
  resolution: {type: string, required: true}
  refund_cents: {type: money, default: 0, at_most: order.total_paid_cents}
  compensation_cents:
    type: money
    default: 0
    at_most:
      value: "order.total_paid_cents + (has(order.shipping_fee_cents) ? order.shipping_fee_cents : 0)"
      unless: case.goodwill && decision.resolution == 'goodwill'
  goodwill_cents: {type: money, default: 0}
stages:
  - id: s
    hit: first
    rules:
      - id: double
        when: "n == 2"
        then: {resolution: "'refund'", refund_cents: "item.paid_cents * 2", goodwill_cents: "item.paid_cents * 2"}
      - id: compensate
        when: "n == 3"
        then: {resolution: "has(case.goodwill) && case.goodwill ? 'goodwill' : 'refund'", compensation_cents: "item.paid_cents * 3"}
      - id: single
        then: {resolution: "'refund'", refund_cents: "item.paid_cents"}
)yaml"}});
  BOOST_TEST_REQUIRE(r.ok(), aftersales::FormatIssues(r.issues));
  const auto& p = *r.policy;
  Decision over = DecideJson(p, R"({"order": {"total_paid_cents": 29900}, "item": {"paid_cents": 29900}, "n": 2})");
  BOOST_TEST_REQUIRE(!over.ok());
  BOOST_TEST(over.errors[0].field == "refund_cents");
  BOOST_TEST(over.errors[0].message ==
             "'refund_cents' would be 598.00, more than order.total_paid_cents (299.00), which the policy does not "
             "allow (at_most); rules fired: double");
  {  // The fast path says the same.
    auto facts = p.ReadFactsJson(R"({"order": {"total_paid_cents": 29900}, "item": {"paid_cents": 29900}, "n": 2})");
    bool decided = true;
    std::string json = p.DecideToJson(*facts, {}, &decided);
    BOOST_TEST(!decided);
    BOOST_TEST(json.find("more than order.total_paid_cents (299.00)") != std::string::npos, json);
  }
  Decision equal = DecideJson(p, R"({"order": {"total_paid_cents": 29900}, "item": {"paid_cents": 29900}})");
  BOOST_TEST(equal.ok());
  BOOST_TEST(Int(equal, "refund_cents") == 29900);
  Decision one_over = DecideJson(p, R"({"order": {"total_paid_cents": 29899}, "item": {"paid_cents": 29900}})");
  BOOST_TEST_REQUIRE(!one_over.ok());
  BOOST_TEST(one_over.errors[0].message.find("'refund_cents' would be 299.00, more than order.total_paid_cents "
                                             "(298.99)") == 0, one_over.errors[0].message);
  // No cap known: it fails closed, naming the fact it lacks (issue 12).
  Decision unknown = DecideJson(p, R"({"item": {"paid_cents": 29900}, "n": 2})");
  BOOST_TEST_REQUIRE(!unknown.ok());
  BOOST_TEST(unknown.errors[0].field == "refund_cents");
  BOOST_TEST(unknown.errors[0].message.find("cannot be worked out: fact 'order.total_paid_cents' is absent") !=
                 std::string::npos,
             unknown.errors[0].message);

  // An expression: what was paid with the postage. 3 x 100 > 200 + 50.
  Decision comp = DecideJson(
      p, R"({"order": {"total_paid_cents": 200, "shipping_fee_cents": 50}, "item": {"paid_cents": 100}, "n": 3})");
  BOOST_TEST_REQUIRE(!comp.ok());
  BOOST_TEST(comp.errors[0].field == "compensation_cents");
  BOOST_TEST(comp.errors[0].message ==
             "'compensation_cents' would be 3.00, more than order.total_paid_cents + "
             "(has(order.shipping_fee_cents) ? order.shipping_fee_cents : 0) (2.50), which the policy does not allow "
             "(at_most); rules fired: compensate");
  BOOST_TEST(DecideJson(
      p, R"({"order": {"total_paid_cents": 250, "shipping_fee_cents": 50}, "item": {"paid_cents": 100}, "n": 3})").ok());
  // ...unless the policy says so: here, goodwill the customer was granted.
  Decision granted = DecideJson(
      p, R"({"order": {"total_paid_cents": 200}, "item": {"paid_cents": 100}, "n": 3, "case": {"goodwill": true}})");
  BOOST_TEST(granted.ok());
  BOOST_TEST(Int(granted, "compensation_cents") == 300);
  // An `unless` that cannot be worked out (goodwill absent) does not allow it.
  BOOST_TEST(!DecideJson(p, R"({"order": {"total_paid_cents": 200}, "item": {"paid_cents": 100}, "n": 3})").ok());
  // A cap that overflows is an error, never a wrapped number that lets the refund through.
  Decision overflow = DecideJson(
      p, R"({"order": {"total_paid_cents": 9223372036854775807, "shipping_fee_cents": 1}, "item": {"paid_cents": 1},
             "n": 3})");
  BOOST_TEST_REQUIRE(!overflow.ok());
  BOOST_TEST(overflow.errors[0].message ==
             "'compensation_cents' cannot be checked against its at_most (order.total_paid_cents + "
             "(has(order.shipping_fee_cents) ? order.shipping_fee_cents : 0)): int overflow in '+'; rules fired: "
             "compensate");

  // The shipped schema caps the refund.
  auto shipped = aftersales::LoadPolicy(AFTERSALES_SOURCE_DIR "/rules");
  BOOST_TEST_REQUIRE(shipped.ok());
  bool capped = false;
  for (const auto& f : aftersales::internal::PolicyInternal::Impl(*shipped.policy).model().schema.decisions) {
    if (f.name == "refund_cents") capped = f.at_most != nullptr;
  }
  BOOST_TEST(capped);

  // Load errors: not money; an undeclared name; not an int; a bad unless;
  // an unknown key in the long form; no value.
  auto bad = LoadPolicyFromStrings({{"policy.yaml", R"yaml(
policy: {name: t, version: "1"}
facts: {order.total_paid_cents: money, order.id: string}
decisions:
  resolution: {type: string, required: true, at_most: order.total_paid_cents}
  a_cents: {type: money, at_most: order.total_paid}
  b_cents: {type: money, at_most: order.id}
  c_cents: {type: money, at_most: {value: order.total_paid_cents, unless: order.id}}
  d_cents: {type: money, at_most: {value: order.total_paid_cents, when: "true"}}
  e_cents: {type: money, at_most: {unless: "true"}}
stages:
  - {id: s, hit: first, rules: [{id: r, then: {resolution: "'x'"}}]}
)yaml"}});
  BOOST_TEST_REQUIRE(!bad.ok());
  const std::string issues = aftersales::FormatIssues(bad.issues);
  BOOST_TEST(issues ==
             "policy.yaml:5:55: 'at_most' is only for money decision fields; decision field 'resolution' is not money\n"
             "policy.yaml:6:35: undeclared reference to 'order.total_paid'\n"
             "policy.yaml:7:35: the 'at_most' of decision field 'b_cents' must be int, but this expression is string\n"
             "policy.yaml:8:75: the 'unless' of decision field 'c_cents' must be bool, but this expression is string\n"
             "policy.yaml:9:67: unknown key 'when' in 'at_most' of decision field 'd_cents'\n"
             "policy.yaml:10:35: 'at_most' of decision field 'e_cents' has no 'value'\n");
}

BOOST_AUTO_TEST_CASE(without_a_zone_fact_the_policy_default_zone_is_used) {
  auto r = LoadPolicyFromStrings({{"policy.yaml", R"(
policy: {name: t, version: "1", locales: [en], default_timezone: America/New_York}
facts: {order.delivered_at: timestamp}
decisions: {resolution: {type: string, required: true}}
stages:
  - id: s
    hit: first
    rules:
      - id: r
        then: {resolution: "'explain'"}
        script: {en: "Signed {order.delivered_at:%Y-%m-%d %H:%M %z}."}
)"}});
  BOOST_TEST_REQUIRE(r.ok(), aftersales::FormatIssues(r.issues));
  Decision summer = DecideJson(*r.policy, R"({"order": {"delivered_at": "2026-07-01T12:00:00Z"}})");
  BOOST_TEST(summer.script_text == "Signed 2026-07-01 08:00 -0400.");
  Decision winter = DecideJson(*r.policy, R"({"order": {"delivered_at": "2026-12-01T12:00:00Z"}})");
  BOOST_TEST(winter.script_text == "Signed 2026-12-01 07:00 -0500.");
}

// Policy::DecideToJson writes the JSON straight from the engine's values; it
// must print exactly what DecisionToJson prints for every kind of value,
// absent fields, empty and filled nullable groups, escapes, and errors.
BOOST_AUTO_TEST_CASE(decide_to_json_prints_what_decision_to_json_prints) {
  auto r = LoadPolicyFromStrings({{"policy.yaml", R"yaml(
policy: {name: t, version: "1", locales: [en]}
facts:
  case.id: string
  order.delivered_at: timestamp
  item.name: string
  n: int
decisions:
  resolution: {type: string, required: true}
  at: timestamp
  span: duration
  ratio: double
  big: uint
  flag: bool
  money: {type: money, default: 0}
  tags: {type: list<string>, default: []}
  stamps: list<timestamp>
  extra: {type: object, nullable: true}
  extra.note: string
  deep: {type: object}
  deep.er: {type: object}
  deep.er.est: int
stages:
  - id: s
    hit: first
    rules:
      - id: fail_on_zero
        when: "n == 0"
        then: {resolution: "'x'", money: "1 / n"}
      - id: all
        when: "n > 1"
        then:
          resolution: "item.name"
          at: "order.delivered_at"
          span: "duration('90m')"
          ratio: "double(n) / 3.0"
          big: "uint(n)"
          flag: "true"
          money: "n * 100"
          tags: "[item.name, 'b\"q']"
          stamps: "[order.delivered_at]"
          extra.note: "'noted'"
          deep.er.est: "n"
        script: {en: "Case {case.id}: \"{item.name}\"\tdone."}
      - id: few
        then: {resolution: "'few'"}
)yaml"}});
  BOOST_TEST_REQUIRE(r.ok(), aftersales::FormatIssues(r.issues));
  const aftersales::Policy& p = *r.policy;
  int decided = 0;
  for (const char* c : {
           R"({"case": {"id": "C-1"}, "order": {"delivered_at": "2026-11-20T14:00:00+08:00"},
               "item": {"name": "耳机 \"pro\"\n\u0001"}, "n": 7})",
           R"({"n": 1})", R"({"n": 0, "case": {"id": "E"}})", R"({"n": 5})", R"({})"}) {
    BOOST_TEST_CONTEXT(c) {
      auto facts = p.ReadFactsJson(c);
      BOOST_TEST_REQUIRE(facts.ok(), facts.status().message());
      Decision d = p.Decide(*facts);
      bool ok = !d.ok();
      BOOST_TEST(p.DecideToJson(*facts, {}, &ok) == aftersales::DecisionToJson(d));
      BOOST_TEST(ok == d.ok());
      decided += d.ok();
    }
  }
  BOOST_TEST(decided == 3);  // n = 7, n = 1 and {}; n = 0 and n = 5 fail
}

// Random cases on the shipped policy (rules/): any mix of present, absent
// and extreme facts. The engine never throws or crashes, explaining never
// changes the outcome, Policy::DecideToJson prints what DecisionToJson
// prints, and every decision it makes has the vocabulary's
// basic guarantees (failures are allowed: a case may be undecidable).
BOOST_AUTO_TEST_CASE(random_cases_on_the_shipped_policy_keep_the_vocabulary_promises) {
  auto loaded = aftersales::LoadPolicy(AFTERSALES_SOURCE_DIR "/rules");
  BOOST_TEST_REQUIRE(loaded.ok(), aftersales::FormatIssues(loaded.issues));
  const aftersales::Policy& p = *loaded.policy;
  using Kind = aftersales::internal::Type::Kind;
  const auto& facts = aftersales::internal::PolicyInternal::Impl(p).model().schema.facts;
  std::mt19937_64 rng(7);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  const std::vector<std::int64_t> ints = {0, 1, 2, 7, 8, 15, 100, 1525, 29900, -1, 9223372036854775807LL};
  const std::vector<std::string> times = {"2026-11-20T14:00:00+08:00", "2026-11-13T00:00:00+08:00",
                                          "2026-11-12T23:59:59+08:00", "2026-03-08T02:30:00-05:00",
                                          "1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z"};
  int decided = 0, failed = 0;
  for (int i = 0; i < 1500; ++i) {
    nlohmann::json c = nlohmann::json::object();
    for (const auto& f : facts) {
      if (pick(3) == 0) continue;  // absent
      const auto& t = *f.type;
      nlohmann::json v;
      switch (t.kind()) {
        case Kind::kBool: v = pick(2) == 0; break;
        case Kind::kInt: {
          // Money facts are never negative (a case giving one is refused).
          const std::int64_t n = ints[pick(ints.size())];
          v = f.money && n < 0 ? -n : n;
          break;
        }
        case Kind::kTimestamp: v = times[pick(times.size())]; break;
        case Kind::kEnum: v = t.enum_type()->values[pick(t.enum_type()->values.size())]; break;
        case Kind::kList: {
          v = nlohmann::json::array();
          if (t.elem()->kind() == Kind::kEnum) {
            for (std::size_t k = pick(4); k > 0; --k) {
              v.push_back(t.elem()->enum_type()->values[pick(t.elem()->enum_type()->values.size())]);
            }
          }
          break;
        }
        default:
          if (f.name == "case.timezone") {
            v = std::vector<std::string>{"Asia/Shanghai", "UTC", "America/New_York", "Pacific/Kiritimati"}[pick(4)];
          } else {
            v = "s" + std::to_string(pick(1000));
          }
      }
      c[f.name] = v;  // flat dotted keys
    }
    std::string text = c.dump();
    BOOST_TEST_CONTEXT(text) {
      auto read = p.ReadFactsJson(text);
      BOOST_TEST_REQUIRE(read.ok(), read.status().message());
      aftersales::DecideOptions explain;
      explain.explain = true;
      Decision d = p.Decide(*read);
      Decision e = p.Decide(*read, explain);
      std::string json = aftersales::DecisionToJson(d);
      BOOST_TEST(json == aftersales::DecisionToJson(e));
      // The direct writer prints the same bytes, decided or not.
      bool direct_ok = !d.ok();
      BOOST_TEST(p.DecideToJson(*read, {}, &direct_ok) == json);
      BOOST_TEST(direct_ok == d.ok());
      BOOST_TEST(p.DecideToJson(*read, explain) == aftersales::DecisionToJson(e, true));
      auto parsed = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
      BOOST_TEST_REQUIRE(!parsed.is_discarded());
      BOOST_TEST(!aftersales::DecisionToText(e, true).empty());
      if (!d.ok()) {
        ++failed;
        BOOST_TEST(parsed.contains("errors"));
        continue;
      }
      ++decided;
      const auto& options = parsed["options"];
      BOOST_TEST((std::find(options.begin(), options.end(), parsed["resolution"]) != options.end()));
      const auto& fr = parsed["freight"];
      std::int64_t parts = fr["merchant_cents"].get<std::int64_t>() + fr["customer_cents"].get<std::int64_t>() +
                           fr["insurance_cents"].get<std::int64_t>();
      if (fr["payer"] == "none") {
        BOOST_TEST(parts == 0);
      } else {
        BOOST_TEST(parts == c.value("request.return_shipping_cents", std::int64_t{0}));
      }
      BOOST_TEST(parsed["policy"]["digest"].get<std::string>().rfind("sha256:", 0) == 0u);
    }
  }
  BOOST_TEST_MESSAGE(decided << " decided, " << failed << " failed");
  BOOST_TEST(decided > 500);
}

BOOST_AUTO_TEST_SUITE_END()

// Enum comparisons go by word index when the value is one of the enum's own
// words (a read fact) and by text otherwise (a decision field a rule set
// from a constant); both must give what comparing the text gives, in a
// scanned stage and in an indexed one (16 rules or more), through JSON and
// through FactsBuilder.
BOOST_AUTO_TEST_CASE(enum_comparisons_by_word_index_agree_with_the_text) {
  std::string rules = R"(
policy: {name: t, version: "1", locales: [en], default_locale: en, fallback_locale: en}
stages:
  - id: first
    hit: first
    rules:
      - id: not_delay
        when: issue.kind != 'delay' && issue.kind in ['defect', 'no_reason']
        then: {resolution: refund}
      - id: delay
        when: "'delay' == issue.kind"
        then: {resolution: explain}
  - id: second
    hit: collect
    rules:
      - id: refunded
        when: decision.resolution == 'refund' && decision.resolution in ['refund', 'escalate']
        then: {evidence: [photo]}
      - id: not_refunded
        when: decision.resolution != 'refund'
        then: {evidence: [video]}
  - id: wide
    hit: first
    rules:
)";
  // An indexed stage: a rule per word, several times over, the last one
  // for the third word only.
  const char* const words[] = {"defect", "no_reason", "delay"};
  for (int i = 0; i < 18; ++i) {
    rules += "      - id: w" + std::to_string(i) + "\n        when: issue.kind == '" + words[i % 3] +
             "' && decision.resolution in ['refund', 'explain'] && " + std::to_string(i) + " >= " +
             std::to_string(i < 3 ? 0 : 99) + "\n        then: {note: \"'" + words[i % 3] + "'\"}\n";
  }
  auto p = MustLoad(rules);
  struct Want {
    const char* kind;
    const char* resolution;
    const char* evidence;
  };
  for (const Want& w : {Want{"defect", "refund", "photo"}, Want{"no_reason", "refund", "photo"},
                        Want{"delay", "explain", "video"}}) {
    BOOST_TEST_CONTEXT(w.kind) {
      const std::string json = std::string(R"({"issue": {"kind": ")") + w.kind + R"("}})";
      auto builder = p->NewFacts();
      BOOST_TEST_REQUIRE(builder.SetString("issue.kind", w.kind).ok());
      for (const Decision& d : {DecideJson(*p, json), p->Decide(builder.Build())}) {
        BOOST_TEST_REQUIRE(d.ok(), (d.errors.empty() ? "" : d.errors.front().message));
        BOOST_TEST(Str(d, "resolution") == w.resolution);
        BOOST_TEST(List(d, "evidence") == std::vector<std::string>{w.evidence});
        BOOST_TEST(Str(d, "note") == w.kind);
      }
    }
  }
}

// An enum of more than 64 words keeps its bits past the first 64.
BOOST_AUTO_TEST_CASE(enum_comparisons_past_the_sixty_fourth_word) {
  std::string words;
  for (int i = 0; i < 70; ++i) words += (i ? ", w" : "w") + std::to_string(i);
  const std::string schema = "enums:\n  many: [" + words + "]\n  resolution: [refund, explain]\n"
                             "facts:\n  issue.kind: many\n"
                             "decisions:\n  resolution: {type: resolution, required: true}\n";
  const std::string rules = R"(
policy: {name: t, version: "1"}
stages:
  - id: s
    hit: first
    rules:
      - id: late_words
        when: issue.kind in ['w3', 'w66'] || issue.kind == 'w69'
        then: {resolution: refund}
      - id: other
        then: {resolution: explain}
)";
  LoadResult r = LoadPolicyFromStrings({{"schema.yaml", schema}, {"policy.yaml", rules}});
  BOOST_TEST_REQUIRE(r.ok(), aftersales::FormatIssues(r.issues));
  for (int i = 0; i < 70; ++i) {
    const std::string kind = "w" + std::to_string(i);
    const Decision d = DecideJson(*r.policy, R"({"issue": {"kind": ")" + kind + R"("}})");
    BOOST_TEST(Str(d, "resolution") == (i == 3 || i == 66 || i == 69 ? "refund" : "explain"), kind);
  }
}
