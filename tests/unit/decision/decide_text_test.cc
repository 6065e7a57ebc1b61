// DecideText, the one case runner: every outcome in every output form, the
// same error text whatever the form, and the same decision as the calls it
// stands for (ReadFactsJson/Yaml, Decide, DecisionToJson/Text,
// DecideToJson).
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "aftersales/aftersales.h"
#include "decision/case_runner.h"
#include "policy/yaml_reader.h"

namespace aftersales {
namespace {

const char* kPolicy = R"(
enums:
  resolution: [refund, repair]
facts:
  case.id: string
  case.kind: string
  item.paid_cents: money
decisions:
  resolution: {type: resolution, required: true}
  refund_cents: {type: money, default: 0}
policy: {name: runner, version: "1", locales: [en]}
stages:
  - id: resolution
    hit: first
    rules:
      - id: refund_paid
        when: case.kind == 'broken'
        then:
          resolution: refund
          refund_cents: item.paid_cents
        script:
          en: "We refund {decision.refund_cents}."
      - id: otherwise_repair
        then:
          resolution: repair
)";

std::shared_ptr<const Policy> Load() {
  LoadResult loaded = LoadPolicyFromStrings({{"runner.yaml", kPolicy}});
  BOOST_TEST_REQUIRE(loaded.ok(), FormatIssues(loaded.issues));
  return loaded.policy;
}

using Output = DecideTextOptions::Output;
using Outcome = CaseText::Outcome;

const char* kGood = R"({"case": {"id": "C-1", "kind": "broken"}, "item": {"paid_cents": 1250}})";
// Decided by a rule that reads a fact the case lacks.
const char* kUndecidable = R"({"case": {"id": "C-2", "kind": "broken"}})";
const char* kUnreadable = R"({"case": {"id": "C-3"}, "item": {"paid_cents": "lots"}})";

BOOST_AUTO_TEST_SUITE(decide_text)

BOOST_AUTO_TEST_CASE(a_decided_case_prints_what_the_calls_it_stands_for_print) {
  auto policy = Load();
  Result<Facts> facts = policy->ReadFactsJson(kGood);
  BOOST_TEST_REQUIRE(facts.ok());
  for (bool explain : {false, true}) {
    DecideOptions decide;
    decide.explain = explain;
    const Decision d = policy->Decide(*facts, decide);
    DecideTextOptions options;
    options.explain = explain;
    options.output = Output::kJsonLine;
    CaseText run = DecideText(*policy, kGood, options);
    BOOST_TEST((run.outcome == Outcome::kDecided));
    BOOST_TEST(run.errors.empty());
    BOOST_TEST(run.case_id == "C-1");
    BOOST_TEST(run.output == DecisionToJson(d, explain, -1));
    BOOST_TEST(run.output == policy->DecideToJson(*facts, decide));
    options.output = Output::kJsonIndented;
    BOOST_TEST(DecideText(*policy, kGood, options).output == DecisionToJson(d, explain, 2));
    options.output = Output::kText;
    BOOST_TEST(DecideText(*policy, kGood, options).output == DecisionToText(d, explain));
  }
  DecideTextOptions yaml;
  yaml.input = DecideTextOptions::Input::kYaml;
  CaseText from_yaml = DecideText(*policy, "case: {id: C-1, kind: broken}\nitem: {paid_cents: 1250}\n", yaml);
  BOOST_TEST((from_yaml.outcome == Outcome::kDecided));
  BOOST_TEST(from_yaml.output == DecideText(*policy, kGood).output);
}

BOOST_AUTO_TEST_CASE(a_case_that_cannot_be_decided_gives_the_same_located_errors_in_every_form) {
  auto policy = Load();
  std::vector<std::string> first;
  for (Output output : {Output::kJsonLine, Output::kJsonIndented, Output::kText}) {
    for (bool explain : {false, true}) {
      DecideTextOptions options;
      options.output = output;
      options.explain = explain;
      CaseText run = DecideText(*policy, kUndecidable, options);
      BOOST_TEST((run.outcome == Outcome::kNotDecided), "output " << static_cast<int>(output) << " explain "
                                                                   << explain);
      BOOST_TEST_REQUIRE(run.errors.size() == 1u);
      // Placed in the policy, as every tool prints it.
      BOOST_TEST(run.errors[0].rfind("runner.yaml:", 0) == 0, run.errors[0]);
      BOOST_TEST(run.errors[0].find("item.paid_cents") != std::string::npos, run.errors[0]);
      if (first.empty()) first = run.errors;
      BOOST_TEST(run.errors == first);
      BOOST_TEST(run.case_id == "C-2");
      if (output == Output::kText) {
        BOOST_TEST(run.output.empty());
      } else {
        BOOST_TEST(run.output.find("\"errors\"") != std::string::npos, run.output);
      }
    }
  }
  // The decision's own errors, formatted by FormatDecisionError.
  Result<Facts> facts = policy->ReadFactsJson(kUndecidable);
  BOOST_TEST_REQUIRE(facts.ok());
  const Decision d = policy->Decide(*facts);
  BOOST_TEST_REQUIRE(d.errors.size() == 1u);
  BOOST_TEST(FormatDecisionError(d.errors[0]) == first[0]);
}

BOOST_AUTO_TEST_CASE(text_that_is_not_a_case_names_the_field_once) {
  auto policy = Load();
  for (Output output : {Output::kJsonLine, Output::kJsonIndented, Output::kText}) {
    DecideTextOptions options;
    options.output = output;
    options.source_name = "cases/c3.json";
    CaseText run = DecideText(*policy, kUnreadable, options);
    BOOST_TEST((run.outcome == Outcome::kNotRead));
    BOOST_TEST_REQUIRE(run.errors.size() == 1u);
    BOOST_TEST(run.errors[0] == policy->ReadFactsJson(kUnreadable, "cases/c3.json").status().message());
    BOOST_TEST(run.errors[0].find("item.paid_cents") != std::string::npos, run.errors[0]);
    BOOST_TEST(run.output.empty());
  }
  CaseText not_json = DecideText(*policy, "{\"case\": ");
  BOOST_TEST((not_json.outcome == Outcome::kNotRead));
  BOOST_TEST(not_json.errors.size() == 1u);
}

// DecideCase, which diff and the policy tests use, is the same runner with
// the decision kept whole: same outcome, same errors, same decision.
BOOST_AUTO_TEST_CASE(the_structured_runner_gives_what_the_text_runner_gives) {
  auto policy = Load();
  for (const char* text : {kGood, kUndecidable, kUnreadable}) {
    DecideTextOptions options;
    options.output = Output::kJsonIndented;
    const CaseText run = DecideText(*policy, text, options);
    const internal::DecidedCase decided = internal::DecideCase(*policy, text, options);
    BOOST_TEST((decided.outcome == run.outcome), text);
    BOOST_TEST(decided.errors == run.errors, text);
    BOOST_TEST(decided.case_id == run.case_id, text);
    BOOST_TEST(decided.facts.has_value() == (run.outcome != Outcome::kNotRead), text);
    if (decided.facts) BOOST_TEST(DecisionToJson(decided.decision, false, 2) == run.output, text);
  }

  // A case already read as YAML (a policy test's) is read where it stands:
  // its errors name the document's lines.
  internal::YamlDocument doc = internal::ReadYaml("case: {id: C-3}\nitem:\n  paid_cents: lots\n", "t.yaml", {});
  BOOST_TEST_REQUIRE(doc.root.has_value());
  const internal::DecidedCase bad = internal::DecideCase(*policy, *doc.root, "t.yaml:1");
  BOOST_TEST((bad.outcome == Outcome::kNotRead));
  BOOST_TEST_REQUIRE(bad.errors.size() == 1u);
  BOOST_TEST(bad.errors[0].rfind("t.yaml:1: item.paid_cents (line 3, column 15): ", 0) == 0u, bad.errors[0]);

  doc = internal::ReadYaml("case: {id: C-1, kind: broken}\nitem: {paid_cents: 1250}\n", "t.yaml", {});
  BOOST_TEST_REQUIRE(doc.root.has_value());
  const internal::DecidedCase good = internal::DecideCase(*policy, *doc.root, "t.yaml:1");
  BOOST_TEST((good.outcome == Outcome::kDecided));
  BOOST_TEST(DecisionToJson(good.decision, false, -1) == DecideText(*policy, kGood).output);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace aftersales
