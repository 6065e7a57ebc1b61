#include "policy/policy_builder.h"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "aftersales/loader.h"
#include "decision/policy_impl.h"

namespace aftersales::internal {
namespace {

constexpr char kSchema[] = R"(enums:
  platform: [taobao, tmall, jd]
  resolution: [refund_only, return_refund, reject]
  evidence: [photo, video]
facts:
  case.id: string
  case.platform: platform
  case.locale: string
  case.timezone: {type: string, default: Asia/Shanghai}
  order.paid_cents: money
  order.delivered_at: timestamp
  item.used: bool
  issue.evidence: list<evidence>
  customer.phone: {type: string, personal: true}
decisions:
  resolution: {type: resolution, required: true}
  options: {type: list<resolution>, default: []}
  refund_cents: {type: money, default: 0}
  escalation: {type: object, nullable: true}
  escalation.minutes: int
)";

constexpr char kRules[] = R"(policy:
  name: test
  version: "2026.1"
  description: A small policy.
  locales: [zh-CN, en]
  fallback_locale: en
  default_timezone: Europe/Berlin
stages:
  - id: resolution
    hit: first
    rules:
      - id: unused
        when: item.used == false
        then:
          resolution: return_refund
          options: [return_refund, refund_only]
          refund_cents: order.paid_cents
        script:
          en: "We refund {decision.refund_cents}."
          zh-CN: "退款 {decision.refund_cents} 元。"
      - id: otherwise
        then:
          resolution: reject
  - id: extra
    hit: collect
    rules:
      - id: slow
        when: case.platform == 'jd'
        then:
          escalation.minutes: 30
invariants:
  - id: refund_not_negative
    check: decision.refund_cents >= 0
    message: a refund is never negative
)";

BuildResult Build(std::vector<PolicySource> sources) {
  return BuildPolicy(sources, LoadOptions{});
}

std::string Lines(const std::vector<Issue>& issues) { return FormatIssues(issues); }

BOOST_AUTO_TEST_SUITE(PolicyBuilderTest)

BOOST_AUTO_TEST_CASE(GoodPolicyBuildsTheModel) {
  BuildResult r = Build({{"schema.yaml", kSchema}, {"rules.yaml", kRules}});
  BOOST_REQUIRE_MESSAGE(r.model, Lines(r.issues));
  BOOST_CHECK(r.issues.empty());
  const PolicyModel& m = *r.model;
  BOOST_CHECK_EQUAL(m.name, "test");
  BOOST_CHECK_EQUAL(m.version, "2026.1");
  BOOST_CHECK_EQUAL(m.description, "A small policy.");
  BOOST_CHECK_EQUAL(m.default_timezone, "Europe/Berlin");
  BOOST_REQUIRE_EQUAL(m.locales.size(), 2u);
  BOOST_CHECK_EQUAL(m.default_locale, 0u);
  BOOST_CHECK_EQUAL(m.fallback_locale, 1u);
  BOOST_CHECK_EQUAL(m.digest.substr(0, 7), "sha256:");
  BOOST_CHECK_EQUAL(m.digest.size(), 7u + 64u);

  // Schema: slots, types, defaults, money, groups, declarations.
  const Schema& s = m.schema;
  BOOST_REQUIRE_EQUAL(s.facts.size(), 9u);
  for (std::size_t i = 0; i < s.facts.size(); ++i) BOOST_CHECK_EQUAL(s.facts[i].slot, i);
  const FieldDecl& paid = s.facts[s.fact_index.at("order.paid_cents")];
  BOOST_CHECK(paid.money);
  BOOST_CHECK(paid.type->kind() == Type::Kind::kInt);
  const FieldDecl& tz = s.facts[s.fact_index.at("case.timezone")];
  BOOST_REQUIRE(tz.default_value.kind() == Value::Kind::kString);
  BOOST_CHECK_EQUAL(tz.default_value.string_value(), "Asia/Shanghai");
  BOOST_CHECK(s.facts[s.fact_index.at("customer.phone")].personal);
  BOOST_CHECK(s.facts[s.fact_index.at("issue.evidence")].type->kind() == Type::Kind::kList);
  BOOST_CHECK(s.facts[s.fact_index.at("case.platform")].type->kind() == Type::Kind::kEnum);
  BOOST_REQUIRE_EQUAL(s.decisions.size(), 4u);
  BOOST_CHECK(s.decisions[s.decision_index.at("resolution")].required);
  const FieldDecl& options = s.decisions[s.decision_index.at("options")];
  BOOST_REQUIRE(options.default_value.kind() == Value::Kind::kList);
  BOOST_CHECK(options.default_value.list_value().empty());
  BOOST_REQUIRE_EQUAL(s.groups.size(), 1u);
  BOOST_CHECK_EQUAL(s.groups[0].name, "escalation");
  BOOST_CHECK(s.groups[0].nullable);
  const VarDecl* d = s.declarations.Find("decision.refund_cents");
  BOOST_REQUIRE(d);
  BOOST_CHECK_EQUAL(d->ref.space, kDecisionSpace);
  BOOST_CHECK_EQUAL(d->ref.slot, s.decision_index.at("refund_cents"));
  BOOST_REQUIRE(s.declarations.Find("order.paid_cents"));
  BOOST_CHECK_EQUAL(s.declarations.Find("order.paid_cents")->ref.space, kFactSpace);
  BOOST_CHECK(s.declarations.Find("refund_cents") == nullptr);

  // Facts carrying the case id, locale and zone: declared, so used.
  BOOST_CHECK(m.case_id_fact == s.fact_index.at("case.id"));
  BOOST_CHECK(m.locale_fact == s.fact_index.at("case.locale"));
  BOOST_CHECK(m.timezone_fact == s.fact_index.at("case.timezone"));

  // Stages and rules.
  BOOST_REQUIRE_EQUAL(m.stages.size(), 2u);
  const Stage& first = m.stages[0];
  BOOST_CHECK_EQUAL(first.id, "resolution");
  BOOST_CHECK(first.hit == HitPolicy::kFirst);
  BOOST_CHECK(m.stages[1].hit == HitPolicy::kCollect);
  BOOST_REQUIRE_EQUAL(first.rules.size(), 2u);
  const Rule& unused = first.rules[0];
  BOOST_CHECK_EQUAL(unused.id, "unused");
  BOOST_CHECK_EQUAL(unused.location.file(), "rules.yaml");
  BOOST_CHECK_EQUAL(unused.location.line, 12);
  BOOST_CHECK_EQUAL(unused.location.column, 13);
  BOOST_CHECK(unused.when != nullptr);
  BOOST_CHECK_EQUAL(unused.when_location.line, 13);
  BOOST_REQUIRE_EQUAL(unused.then.size(), 3u);
  BOOST_CHECK_EQUAL(unused.then[0].slot, s.decision_index.at("resolution"));
  BOOST_CHECK(unused.then[0].program == nullptr);
  BOOST_CHECK_EQUAL(unused.then[0].constant.string_value(), "return_refund");
  BOOST_CHECK_EQUAL(unused.then[1].constant.list_value().size(), 2u);
  BOOST_CHECK(unused.then[2].program != nullptr);
  BOOST_REQUIRE_EQUAL(unused.scripts.size(), 2u);
  BOOST_REQUIRE(unused.scripts[0] && unused.scripts[1]);
  BOOST_CHECK_EQUAL(unused.scripts[1]->parts.size(), 3u);
  BOOST_CHECK_EQUAL(unused.scripts[1]->location.line, 19);
  BOOST_CHECK(first.rules[1].when == nullptr);
  BOOST_CHECK(first.rules[1].scripts.empty());  // no script: no text in any locale

  BOOST_REQUIRE_EQUAL(m.invariants.size(), 1u);
  BOOST_CHECK_EQUAL(m.invariants[0].message, "a refund is never negative");
  BOOST_CHECK(m.invariants[0].check != nullptr);
}

BOOST_AUTO_TEST_CASE(BuiltinSchemaWhenNoneDeclared) {
  BuildResult r = Build({{"p.yaml", "policy: {name: p, version: '1'}\n"
                                    "stages:\n"
                                    "  - id: s\n"
                                    "    rules:\n"
                                    "      - id: r\n"
                                    "        then: {resolution: reject}\n"}});
  BOOST_REQUIRE_MESSAGE(r.model, Lines(r.issues));
  BOOST_CHECK(r.model->schema.fact_index.count("order.delivered_at"));
  BOOST_CHECK_EQUAL(r.model->locales.size(), 3u);
  BOOST_CHECK_EQUAL(r.model->default_timezone, "Asia/Shanghai");
}

BOOST_AUTO_TEST_CASE(FilesMergeAndDuplicatesAcrossFilesNameTheFirst) {
  BuildResult r = Build({{"a.yaml", kSchema},
                         {"b.yaml", "facts:\n  case.id: string\n"},
                         {"rules.yaml", kRules}});
  BOOST_CHECK(!r.model);
  BOOST_CHECK_EQUAL(Lines(r.issues),
                    "b.yaml:2:3: fact 'case.id' is declared twice (first at a.yaml:6:3)\n");
}

BOOST_AUTO_TEST_CASE(AllProblemsAtOnceInFileOrder) {
  std::string rules = kRules;
  rules.replace(rules.find("hit: collect"), 12, "hit: colect");
  rules.replace(rules.find("          resolution: reject"), 28, "          resolution: rejected");
  rules.replace(rules.find("en: \"We"), 2, "de");
  BuildResult r = Build({{"schema.yaml", kSchema}, {"rules.yaml", rules}});
  BOOST_CHECK(!r.model);
  BOOST_CHECK_EQUAL(
      Lines(r.issues),
      "rules.yaml:19:11: unknown locale 'de' in the script of rule 'unused'; the policy's "
      "locales are zh-CN, en\n"
      "rules.yaml:23:23: the value of 'resolution' must be a word of enum 'resolution', not "
      "'rejected' (did you mean 'reject'?)\n"
      "rules.yaml:25:10: the 'hit' of stage 'extra' must be first, collect, unique, priority, any or rule_order, not 'colect' "
      "(did you mean 'collect'?)\n");
}

BOOST_AUTO_TEST_CASE(ExpressionErrorsPointIntoTheScalar) {
  std::string rules = kRules;
  rules.replace(rules.find("item.used == false"), 18, "item.usd == false");
  BuildResult r = Build({{"schema.yaml", kSchema}, {"rules.yaml", rules}});
  BOOST_CHECK(!r.model);
  BOOST_REQUIRE_EQUAL(r.issues.size(), 1u);
  BOOST_CHECK_EQUAL(r.issues[0].location.line, 13);
  BOOST_CHECK_EQUAL(r.issues[0].location.column, 15);
  BOOST_CHECK_NE(r.issues[0].message.find("item.used"), std::string::npos);
}

BOOST_AUTO_TEST_CASE(WhenMustBeBool) {
  std::string rules = kRules;
  rules.replace(rules.find("item.used == false"), 18, "order.paid_cents");
  BuildResult r = Build({{"schema.yaml", kSchema}, {"rules.yaml", rules}});
  BOOST_REQUIRE_EQUAL(r.issues.size(), 1u);
  BOOST_CHECK_EQUAL(r.issues[0].code, "expr.type");
  BOOST_CHECK_EQUAL(r.issues[0].location.line, 13);
}

BOOST_AUTO_TEST_CASE(BadTypesAndDefaults) {
  BuildResult r = Build({{"s.yaml",
                          "enums:\n"
                          "  e: [a, b]\n"
                          "facts:\n"
                          "  x.list: list<foo>\n"
                          "  x.money: {type: money, default: 2.5}\n"
                          "  x.word: {type: e, default: c}\n"
                          "  x.obj: object\n"
                          "decisions:\n"
                          "  d: {type: int, default: 1, nullable: true}\n"}});
  BOOST_CHECK(!r.model);
  std::string lines = Lines(r.issues);
  BOOST_CHECK_NE(lines.find("s.yaml:4:16: unknown type 'foo'"), std::string::npos);
  BOOST_CHECK_NE(lines.find("s.yaml:5:35: the default of fact 'x.money' must be money"),
                 std::string::npos);
  BOOST_CHECK_NE(lines.find("s.yaml:6:30: the default of fact 'x.word' must be a word of enum "
                            "'e', not 'c'"),
                 std::string::npos);
  BOOST_CHECK_NE(lines.find("s.yaml:7:10: a fact cannot be an object"), std::string::npos);
  BOOST_CHECK_NE(lines.find("s.yaml:9:40: 'nullable' is only for"), std::string::npos);
  BOOST_CHECK_NE(lines.find("the policy has no 'policy' section"), std::string::npos);
}

BOOST_AUTO_TEST_CASE(UnreachableRuleIsAWarningOnly) {
  BuildResult r = Build({{"p.yaml", "policy: {name: p, version: '1'}\n"
                                    "stages:\n"
                                    "  - id: s\n"
                                    "    rules:\n"
                                    "      - id: a\n"
                                    "        then: {resolution: reject}\n"
                                    "      - id: b\n"
                                    "        then: {resolution: escalate}\n"}});
  BOOST_REQUIRE(r.model);
  BOOST_REQUIRE_EQUAL(r.issues.size(), 1u);
  BOOST_CHECK(r.issues[0].severity == Severity::kWarning);
  BOOST_CHECK_EQUAL(r.issues[0].code, "policy.unreachable");
  BOOST_REQUIRE_EQUAL(r.model->warnings.size(), 1u);
}

BOOST_AUTO_TEST_CASE(HostileInputNeverCrashes) {
  const char* inputs[] = {
      "", "~", "[]", "- 1", "policy: ~", "policy: []", "stages: {}", "stages: [~]",
      "stages: [{id: s, rules: [~, [], {id: [x]}]}]", "facts: {a: {type: [x]}}",
      "enums: {e: ~}\nfacts: {a: e}", "invariants: [{id: i, check: ~}]",
      "facts: {'a..b': int, '': int, 1: int}", "decisions: {a: {type: 'list<list<list<list<list<int>>>>>'}}",
      "policy: {name: [], version: {}, locales: [zz-ZZ-toolongtag, 'x y'], default_timezone: []}",
      "stages: [{id: s, rules: [{id: r, script: [x], then: {resolution: [a]}}]}]",
      "&a [*a]", "a: &a\n  b: *a\n",
  };
  for (const char* text : inputs) {
    BuildResult r = Build({{"h.yaml", text}});
    BOOST_CHECK_MESSAGE(!r.model, text);
    BOOST_CHECK_MESSAGE(!r.issues.empty(), text);
  }
}

BOOST_AUTO_TEST_CASE(LoaderReportsUnreadablePaths) {
  LoadResult r = LoadPolicy("/no/such/policy/dir");
  BOOST_CHECK(!r.ok());
  BOOST_REQUIRE_EQUAL(r.issues.size(), 1u);
  BOOST_CHECK_EQUAL(r.issues[0].location.file, "/no/such/policy/dir");
  BOOST_CHECK_EQUAL(r.issues[0].code, "io.read");
}

BOOST_AUTO_TEST_CASE(LoaderReadsTheShippedRulesFolder) {
  LoadResult r = LoadPolicy(std::string(AFTERSALES_SOURCE_DIR) + "/rules");
  BOOST_REQUIRE_MESSAGE(r.ok(), FormatIssues(r.issues));
  BOOST_CHECK_EQUAL(r.policy->name(), "default");
  LoadResult again = LoadPolicy(std::string(AFTERSALES_SOURCE_DIR) + "/rules/");
  BOOST_REQUIRE(again.ok());
  BOOST_CHECK_EQUAL(again.policy->digest(), r.policy->digest());
}

BOOST_AUTO_TEST_CASE(LoaderFromStringsAndSizeLimit) {
  LoadOptions small;
  small.limits.max_policy_bytes = 10;
  LoadResult r = LoadPolicyFromStrings({{"a.yaml", std::string(kRules)}}, small);
  BOOST_CHECK(!r.ok());
  BOOST_REQUIRE_EQUAL(r.issues.size(), 1u);
  BOOST_CHECK_EQUAL(r.issues[0].code, "io.read");
  r = LoadPolicyFromStrings({{"s.yaml", kSchema}, {"r.yaml", kRules}});
  BOOST_REQUIRE_MESSAGE(r.ok(), FormatIssues(r.issues));
  BOOST_CHECK_EQUAL(r.policy->version(), "2026.1");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace aftersales::internal
