// aftersales lint (aftersales/lint.h): every finding, with its place and
// the rules it names, and every counterexample decided by the engine to
// show what the finding says. Also what the linter must not claim: rules
// behind conditions it cannot see into, CEL's absent facts, defaults.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "aftersales/aftersales.h"

namespace {

using aftersales::Decision;
using aftersales::LintFinding;
using aftersales::LintReport;
using aftersales::LoadPolicyFromStrings;
using aftersales::LoadResult;
using aftersales::Policy;
using aftersales::RuleTrace;

std::string Vocabulary() {
  std::ifstream in(std::string(AFTERSALES_SOURCE_DIR) + "/rules/schema.yaml");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::string kHeader = "policy:\n  name: t\n  version: \"1\"\n  locales: [en, zh-CN]\n  default_locale: en\n";

std::shared_ptr<const Policy> MustLoad(const std::string& rules, const std::string& extra_facts = "") {
  std::vector<std::pair<std::string, std::string>> files{{"schema.yaml", Vocabulary()},
                                                         {"policy.yaml", kHeader + rules}};
  if (!extra_facts.empty()) files.push_back({"shop.yaml", extra_facts});
  LoadResult r = LoadPolicyFromStrings(files);
  BOOST_TEST_REQUIRE(r.ok(), aftersales::FormatIssues(r.issues));
  return r.policy;
}

std::vector<LintFinding> Findings(const LintReport& report, const std::string& code) {
  std::vector<LintFinding> out;
  for (const LintFinding& f : report.findings) {
    if (f.code == code) out.push_back(f);
  }
  return out;
}

Decision DecideCounterexample(const Policy& policy, const LintFinding& f) {
  BOOST_TEST_REQUIRE(!f.counterexample.empty(), f.message);
  auto facts = policy.ReadFactsJson(f.counterexample);
  BOOST_TEST_REQUIRE(facts.ok(), f.counterexample);
  aftersales::DecideOptions options;
  options.explain = true;
  return policy.Decide(*facts, options);
}

bool Matched(const Decision& d, const std::string& rule) {
  return std::find(d.matched_rules.begin(), d.matched_rules.end(), rule) != d.matched_rules.end();
}

std::string Errors(const Decision& d) {
  std::string out;
  for (const auto& e : d.errors) out += e.message + "\n";
  return out;
}

// A stage `resolution` holding `rules`, and a catch-all after them.
std::string Resolution(const std::string& rules, bool catch_all = true) {
  return "stages:\n  - id: resolution\n    hit: first\n    rules:\n" + rules +
         (catch_all ? "      - {id: otherwise, then: {resolution: escalate}}\n" : "");
}

// A catch-all resolution stage, then a `priority` table with `hit` over
// `inputs` (a YAML flow list) whose rows are `rows` (YAML lines).
std::string PriorityTable(const std::string& hit, const std::string& inputs, const std::string& rows) {
  return Resolution("", true) + "  - id: priority\n    hit: " + hit + "\n    table:\n      inputs: " + inputs +
         "\n      outputs: [priority]\n      rows:\n" + rows;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(lint)

BOOST_AUTO_TEST_CASE(shadowed_rule_names_a_smallest_cover_and_a_case_that_shows_it) {
  auto p = MustLoad(Resolution(
      "      - {id: defect, when: \"issue.type == 'quality_defect'\", then: {resolution: return_refund}}\n"
      "      - {id: unrelated, when: \"customer.tier == 'vip'\", then: {resolution: exchange}}\n"
      "      - {id: broken, when: \"issue.type == 'malfunction'\", then: {resolution: repair}}\n"
      "      - id: either\n"
      "        when: issue.type in ['quality_defect', 'malfunction'] && request.type == 'repair'\n"
      "        then: {resolution: repair}\n"));
  LintReport report = LintPolicy(*p);
  auto found = Findings(report, "shadowed");
  BOOST_TEST_REQUIRE(found.size() == 1u, FormatLintText(report));
  const LintFinding& f = found[0];
  BOOST_TEST((f.severity == aftersales::Severity::kError));
  BOOST_TEST(f.location.file == "policy.yaml");
  BOOST_TEST(f.location.line == 13);
  // The rule first, then the earlier ones that cover it, without 'unrelated'.
  BOOST_TEST((f.rules == std::vector<std::string>{"either", "defect", "broken"}), FormatLintText(report));
  BOOST_TEST(report.has_errors());
  // Decided, the case goes to one of the covering rules; and a policy in
  // which nothing comes before 'either' sends the same case to it.
  Decision d = DecideCounterexample(*p, f);
  BOOST_TEST((Matched(d, "defect") || Matched(d, "broken")), f.counterexample);
  BOOST_TEST(!Matched(d, "either"));
  auto alone = MustLoad(Resolution(
      "      - id: either\n"
      "        when: issue.type in ['quality_defect', 'malfunction'] && request.type == 'repair'\n"
      "        then: {resolution: repair}\n"));
  BOOST_TEST(Matched(DecideCounterexample(*alone, f), "either"), f.counterexample);
}

BOOST_AUTO_TEST_CASE(a_rule_partly_covered_is_not_shadowed) {
  auto p = MustLoad(Resolution(
      "      - {id: week, when: \"item.paid_cents <= 7000\", then: {resolution: refund_only}}\n"
      "      - {id: big, when: \"item.paid_cents >= 5000 && item.paid_cents < 9000\", then: {resolution: return_refund}}\n"));
  BOOST_TEST(Findings(LintPolicy(*p), "shadowed").empty());
}

BOOST_AUTO_TEST_CASE(absent_facts_follow_cel) {
  // `a || b` is true when b is, even with a's fact absent (the error is
  // absorbed), so a later `b` alone never fires...
  auto p = MustLoad(Resolution(
      "      - {id: either, when: \"issue.type == 'wrong_item' || customer.tier == 'vip'\", then: {resolution: exchange}}\n"
      "      - {id: vip, when: \"customer.tier == 'vip'\", then: {resolution: refund_only}}\n"));
  auto found = Findings(LintPolicy(*p), "shadowed");
  BOOST_TEST_REQUIRE(found.size() == 1u);
  BOOST_TEST(found[0].rules.front() == "vip");
  BOOST_TEST(Matched(DecideCounterexample(*p, found[0]), "either"));
  // ...but `!(x == a)` is an error, not true, when x is absent: a later
  // has()-guarded rule for the absent case still fires.
  auto q = MustLoad(Resolution(
      "      - {id: not_vip, when: \"!(customer.tier == 'vip')\", then: {resolution: exchange}}\n"
      "      - {id: no_tier, when: \"!has(customer.tier)\", then: {resolution: refund_only}}\n"
      "      - {id: regular, when: \"customer.tier == 'regular'\", then: {resolution: refund_only}}\n"));
  auto q_found = Findings(LintPolicy(*q), "shadowed");
  BOOST_TEST_REQUIRE(q_found.size() == 1u);
  BOOST_TEST(q_found[0].rules.front() == "regular");
  // A fact with a default is never absent: `!has(case.timezone)` can never hold.
  auto r = MustLoad(Resolution(
      "      - {id: no_zone, when: \"!has(case.timezone)\", then: {resolution: refund_only}}\n"));
  auto unsat = Findings(LintPolicy(*r), "unsatisfiable");
  BOOST_TEST_REQUIRE(unsat.size() == 1u);
  BOOST_TEST(unsat[0].rules.front() == "no_zone");
}

BOOST_AUTO_TEST_CASE(conditions_it_cannot_see_into_are_never_claimed_to_cover) {
  // A rule behind a regex, a comprehension or arithmetic: what the earlier
  // one takes is unknown, so the later one is not reported.
  auto p = MustLoad(Resolution(
      "      - {id: regex, when: \"issue.type == 'wrong_item' && order.id.matches('^A')\", then: {resolution: exchange}}\n"
      "      - {id: sum, when: \"issue.type == 'wrong_item' && item.paid_cents * 2 > 100\", then: {resolution: exchange}}\n"
      "      - {id: wrong, when: \"issue.type == 'wrong_item'\", then: {resolution: reship}}\n"));
  LintReport report = LintPolicy(*p);
  BOOST_TEST(Findings(report, "shadowed").empty(), FormatLintText(report));
  // The same opaque part twice is the same atom: the second copy is covered.
  auto q = MustLoad(Resolution(
      "      - {id: regex, when: \"order.id.matches('^A')\", then: {resolution: exchange}}\n"
      "      - {id: regex_again, when: \"order.id.matches('^A') && issue.type == 'wrong_item'\", then: {resolution: reship}}\n"));
  auto found = Findings(LintPolicy(*q), "shadowed");
  BOOST_TEST_REQUIRE(found.size() == 1u);
  BOOST_TEST(found[0].rules.front() == "regex_again");
}

BOOST_AUTO_TEST_CASE(named_values_are_searched_for_a_real_case) {
  // `days` cannot be set in a case: the witness moves the timestamps it
  // reads until it computes into the range.
  auto p = MustLoad(
      "variables:\n  days: calendar_days(order.delivered_at, case.opened_at, case.timezone)\n" +
      Resolution(
          "      - {id: late, when: \"days > 7\", then: {resolution: explain_policy}}\n"
          "      - {id: late_fresh, when: \"days >= 10 && item.category == 'food_fresh'\", then: {resolution: reject}}\n"));
  auto found = Findings(LintPolicy(*p), "shadowed");
  BOOST_TEST_REQUIRE(found.size() == 1u);
  BOOST_TEST(found[0].counterexample.find("delivered_at") != std::string::npos, found[0].counterexample);
  BOOST_TEST(Matched(DecideCounterexample(*p, found[0]), "late"), found[0].counterexample);
}

BOOST_AUTO_TEST_CASE(unsatisfiable_conditions_and_cells) {
  auto p = MustLoad(
      "stages:\n"
      "  - id: resolution\n"
      "    hit: first\n"
      "    rules:\n"
      "      - {id: odd, when: \"item.paid_cents > 5000 && item.paid_cents < 3000\", then: {resolution: reject}}\n"
      "      - {id: both, when: \"issue.type == 'wrong_item' && issue.type == 'expired'\", then: {resolution: reject}}\n"
      "      - {id: otherwise, then: {resolution: escalate}}\n"
      "  - id: priority\n"
      "    hit: first\n"
      "    table:\n"
      "      inputs: [customer.complaints_90d, customer.tier]\n"
      "      outputs: [priority]\n"
      "      rows:\n"
      "        - {id: never, when: [\"? > 5 && ? < 3\", \"-\"], then: [P1]}\n"
      "        - {id: fine, when: [\"-\", \"-\"], then: [P4]}\n");
  LintReport report = LintPolicy(*p);
  auto found = Findings(report, "unsatisfiable");
  BOOST_TEST_REQUIRE(found.size() == 3u, FormatLintText(report));
  BOOST_TEST(found[0].rules.front() == "odd");
  BOOST_TEST(found[0].location.line == 10);
  BOOST_TEST(found[1].rules.front() == "both");
  BOOST_TEST(found[2].rules.front() == "never");
  BOOST_TEST(found[2].message.find("row 'never'") != std::string::npos, found[2].message);
  BOOST_TEST(found[0].counterexample.empty());
  // An unsatisfiable rule is not also reported as shadowed.
  BOOST_TEST(Findings(report, "shadowed").empty());
}

BOOST_AUTO_TEST_CASE(overlapping_rows_of_a_unique_table) {
  auto p = MustLoad(PriorityTable("unique", "[customer.tier, customer.complaints_90d]",
                                  "        - {id: vip, when: [vip, \"-\"], then: [P2]}\n"
                                  "        - {id: regular_few, when: [regular, \"< 3\"], then: [P4]}\n"
                                  "        - {id: many, when: [\"-\", \">= 5\"], then: [P1]}\n"));
  LintReport report = LintPolicy(*p);
  auto found = Findings(report, "overlap");
  BOOST_TEST_REQUIRE(found.size() == 1u, FormatLintText(report));
  BOOST_TEST((found[0].rules == std::vector<std::string>{"many", "vip"}));
  Decision d = DecideCounterexample(*p, found[0]);
  BOOST_TEST(Errors(d).find("rows 'vip' and 'many' both match") != std::string::npos, Errors(d));
}

BOOST_AUTO_TEST_CASE(rows_of_an_any_table_that_disagree) {
  auto p = MustLoad(PriorityTable("any", "[customer.emotion, customer.complaints_90d]",
                                  "        - {id: angry, when: [[angry, abusive], \"-\"], then: [P1]}\n"
                                  "        - {id: many, when: [\"-\", \">= 3\"], then: [P1]}\n"
                                  "        - {id: calm_some, when: [calm, \"[2..4]\"], then: [P3]}\n"));
  LintReport report = LintPolicy(*p);
  auto found = Findings(report, "disagree");
  // angry/many agree (P1); calm_some overlaps many (3..4) and says P3.
  BOOST_TEST_REQUIRE(found.size() == 1u, FormatLintText(report));
  BOOST_TEST((found[0].rules == std::vector<std::string>{"calm_some", "many"}));
  Decision d = DecideCounterexample(*p, found[0]);
  BOOST_TEST(Errors(d).find("set 'priority' differently") != std::string::npos, Errors(d));
}

BOOST_AUTO_TEST_CASE(a_gap_in_a_stage_that_alone_sets_a_required_field) {
  auto p = MustLoad(Resolution(
      "      - {id: defect, when: \"issue.type in ['quality_defect', 'malfunction']\", then: {resolution: return_refund}}\n"
      "      - {id: no_tier, when: \"!has(issue.type)\", then: {resolution: escalate}}\n",
      /*catch_all=*/false));
  LintReport report = LintPolicy(*p);
  auto found = Findings(report, "gap");
  BOOST_TEST_REQUIRE(found.size() == 1u, FormatLintText(report));
  BOOST_TEST(found[0].location.line == 7);
  BOOST_TEST(found[0].rules.empty());
  Decision d = DecideCounterexample(*p, found[0]);
  BOOST_TEST(Errors(d).find("no rule decided 'resolution'") != std::string::npos, Errors(d));
  // With a catch-all there is none.
  auto q = MustLoad(Resolution(
      "      - {id: defect, when: \"issue.type in ['quality_defect', 'malfunction']\", then: {resolution: return_refund}}\n"));
  BOOST_TEST(Findings(LintPolicy(*q), "gap").empty());
}

BOOST_AUTO_TEST_CASE(unused_declarations_of_the_policys_own) {
  auto p = MustLoad(
      "variables:\n  spare: customer.complaints_90d > 3\n  used: item.paid_cents > shop.read_me\n" +
          Resolution("      - {id: big, when: used, then: {resolution: refund_only, note: \"'x'\"}}\n"),
      "facts:\n  shop.read_me: {type: int, default: 1}\n  shop.forgotten: {type: int, default: 2}\n"
      "decisions:\n  note: string\n  never_set: string\n");
  LintReport report = LintPolicy(*p);
  auto found = Findings(report, "unused");
  std::string text = FormatLintText(report);
  BOOST_TEST_REQUIRE(found.size() == 3u, text);
  BOOST_TEST(text.find("fact 'shop.forgotten'") != std::string::npos, text);
  BOOST_TEST(text.find("decision field 'never_set'") != std::string::npos, text);
  BOOST_TEST(text.find("variable 'spare'") != std::string::npos, text);
  // The vocabulary's own facts (most unread here) are exempt.
  BOOST_TEST(text.find("customer.emotion") == std::string::npos, text);
  for (const LintFinding& f : found) BOOST_TEST((f.severity == aftersales::Severity::kWarning));
  BOOST_TEST(!report.has_errors());
}

BOOST_AUTO_TEST_CASE(scripts_missing_a_listed_locale) {
  auto p = MustLoad(Resolution(
      "      - id: both\n        when: \"issue.type == 'expired'\"\n        then: {resolution: refund_only}\n"
      "        script: {en: \"Refunded.\", zh-CN: \"已退款。\"}\n"
      "      - id: english_only\n        when: \"issue.type == 'wrong_item'\"\n        then: {resolution: exchange}\n"
      "        script: {en: \"Exchanged.\"}\n"));
  auto found = Findings(LintPolicy(*p), "missing_locale");
  BOOST_TEST_REQUIRE(found.size() == 1u);
  BOOST_TEST(found[0].rules.front() == "english_only");
  BOOST_TEST(found[0].message.find("'zh-CN'") != std::string::npos, found[0].message);
}

BOOST_AUTO_TEST_CASE(the_shipped_policy_and_its_example_lint_clean) {
  for (const char* path : {"rules", "examples/tables"}) {
    LoadResult r = aftersales::LoadPolicy(std::string(AFTERSALES_SOURCE_DIR) + "/" + path);
    BOOST_TEST_REQUIRE(r.ok(), aftersales::FormatIssues(r.issues));
    LintReport report = LintPolicy(*r.policy);
    BOOST_TEST(report.findings.empty(), path << ":\n" << FormatLintText(report));
  }
}

BOOST_AUTO_TEST_CASE(a_work_limit_stops_the_analysis_and_says_so) {
  auto p = MustLoad(Resolution(
      "      - {id: a, when: \"issue.type == 'expired' || customer.tier == 'vip' || item.paid_cents > 5\", then: {resolution: refund_only}}\n"
      "      - {id: b, when: \"issue.type == 'expired'\", then: {resolution: reject}}\n"));
  BOOST_TEST(Findings(LintPolicy(*p), "shadowed").size() == 1u);
  aftersales::LintOptions options;
  options.max_work = 10;
  LintReport report = LintPolicy(*p, options);
  auto found = Findings(report, "incomplete");
  BOOST_TEST_REQUIRE(found.size() == 1u, FormatLintText(report));
  BOOST_TEST((found[0].severity == aftersales::Severity::kWarning));
  BOOST_TEST(found[0].message.find("stage 'resolution'") != std::string::npos, found[0].message);
  // Nothing is claimed that was not worked out.
  BOOST_TEST(!report.has_errors(), FormatLintText(report));
}

BOOST_AUTO_TEST_CASE(json_report_shape) {
  auto p = MustLoad(Resolution(
      "      - {id: a, when: \"issue.type == 'expired'\", then: {resolution: refund_only}}\n"
      "      - {id: b, when: \"issue.type == 'expired'\", then: {resolution: reject}}\n"));
  std::string json = FormatLintJson(LintPolicy(*p), -1);
  BOOST_TEST(json.find(R"({"findings":[{"severity":"error","code":"shadowed","file":"policy.yaml","line":)") == 0u, json);
  BOOST_TEST(json.find(R"("rules":["b","a"],"counterexample":{"issue":{"type":"expired"}})") != std::string::npos, json);
}

BOOST_AUTO_TEST_SUITE_END()
