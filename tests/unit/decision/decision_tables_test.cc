// Decision tables (`table:` in a stage): every cell form compiled and
// decided, every hit policy (with the decision errors of unique and any),
// row ids in traces, explanations, policy tests and coverage, overlays
// replacing rows by id, and located errors for malformed tables.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "aftersales/aftersales.h"
#include "aftersales/policy_tests.h"

namespace {

using aftersales::Decision;
using aftersales::FieldValue;
using aftersales::LoadPolicyFromStrings;
using aftersales::LoadResult;

const char* const kSchema = R"(
enums:
  category: [apparel, shoes, food, electronics]
  rtype: [return_refund, refund_only, exchange]
  resolution: [return_refund, exchange, refund_only, explain_policy, escalate]
  payer: [customer, merchant, none]
  locale: [zh-CN, en]
facts:
  case.id: string
  case.locale: locale
  case.timezone: {type: string, default: Asia/Shanghai}
  case.opened_at: timestamp
  order.delivered_at: timestamp
  item.category: category
  item.paid_cents: money
  item.weight: double
  item.name: string
  item.vip: bool
  item.tags: list<string>
  request.type: rtype
  request.wait: duration
decisions:
  resolution: {type: resolution}
  options: {type: list<resolution>, default: []}
  freight.payer: {type: payer, default: none}
  refund_cents: {type: money, default: 0}
  note: string
)";

const std::string kHeader = "policy:\n  name: t\n  version: \"1\"\n  locales: [en]\n";

LoadResult Load(const std::string& rules) {
  return LoadPolicyFromStrings({{"schema.yaml", kSchema}, {"policy.yaml", kHeader + rules}});
}

std::shared_ptr<const aftersales::Policy> MustLoad(const std::string& rules) {
  LoadResult r = Load(rules);
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

std::string Str(const Decision& d, const std::string& path) {
  const FieldValue* v = d.Find(path);
  return v && v->kind == FieldValue::Kind::kString ? v->string_value : "<none>";
}

std::string Errors(const Decision& d) {
  std::string s;
  for (const auto& e : d.errors) s += e.message + "\n";
  return s;
}

std::string Fired(const Decision& d) {
  std::string s;
  for (const std::string& id : d.matched_rules) s += (s.empty() ? "" : ",") + id;
  return s;
}

std::string Problems(const std::string& rules) {
  LoadResult r = Load(rules);
  BOOST_TEST_REQUIRE(!r.ok(), "the policy loaded");
  return aftersales::FormatIssues(r.issues);
}

// A first-hit table over one input with one row `cell` (then: refund_only)
// and a catch-all row (then: escalate).
std::string OneCell(const std::string& input, const std::string& cell) {
  return "stages:\n  - id: s\n    table:\n      inputs: [" + input +
         "]\n      outputs: [resolution]\n      rows:\n        - {id: hit, when: [" + cell +
         "], then: [refund_only]}\n        - {id: miss, when: ['-'], then: [escalate]}\n";
}

// Whether `cell` over `input` matches the case with `facts` (JSON members).
bool CellMatches(const std::string& input, const std::string& cell, const std::string& facts) {
  auto p = MustLoad(OneCell(input, cell));
  Decision d = Decide(*p, "{" + facts + "}");
  BOOST_TEST_REQUIRE(d.ok(), Errors(d));
  return Fired(d) == "hit";
}

BOOST_AUTO_TEST_SUITE(decision_tables)

BOOST_AUTO_TEST_CASE(the_issue_example_decides_and_reports_row_ids) {
  auto p = MustLoad(R"(
stages:
  - id: resolution
    hit: first
    table:
      inputs:
        - item.category
        - days: calendar_days(order.delivered_at, case.opened_at, case.timezone)
        - request.type
      outputs: [resolution, freight.payer, refund_cents]
      rows:
        - {id: nr_apparel, when: ["[apparel, shoes]", "<= 7", "return_refund"], then: [return_refund, customer, item.paid_cents], script: {en: "Day {days}: refund {decision.refund_cents}."}, description: within 7 days}
        - {id: late,       when: ["-",                "> 7",  "-"],             then: [explain_policy, none, 0]}
)");
  const std::string base = R"("case":{"id":"c","locale":"en","opened_at":"2026-11-20T10:00:00+08:00"},"item":{"category":"shoes","paid_cents":29900},"request":{"type":"return_refund"})";
  Decision d = Decide(*p, "{" + base + R"(,"order":{"delivered_at":"2026-11-15T10:00:00+08:00"}})");
  BOOST_TEST(d.ok(), Errors(d));
  BOOST_TEST(Fired(d) == "nr_apparel");
  BOOST_TEST(Str(d, "resolution") == "return_refund");
  BOOST_TEST(Str(d, "freight.payer") == "customer");
  BOOST_TEST(d.Find("refund_cents")->int_value == 29900);
  BOOST_TEST(d.script_text.find("Day 5: refund 299.00.") != std::string::npos, d.script_text);

  d = Decide(*p, "{" + base + R"(,"order":{"delivered_at":"2026-11-01T10:00:00+08:00"}})", true);
  BOOST_TEST(Fired(d) == "late");
  BOOST_TEST(Str(d, "resolution") == "explain_policy");
  BOOST_REQUIRE(d.trace.size() == 2u);
  BOOST_TEST(d.trace[0].rule_id == "nr_apparel");
  BOOST_TEST(d.trace[0].detail == "\"days <= 7\" is false");
  BOOST_TEST(d.trace[1].rule_id == "late");
  BOOST_TEST(p->rule_ids() == (std::vector<std::string>{"nr_apparel", "late"}));
}

BOOST_AUTO_TEST_CASE(every_cell_form) {
  const std::string shoes = R"("item":{"category":"shoes"})";
  const std::string food = R"("item":{"category":"food"})";
  // '-', a bare enum word, a quoted word, lists (YAML and text), != and ==
  BOOST_TEST(CellMatches("item.category", "'-'", food));
  BOOST_TEST(CellMatches("item.category", "shoes", shoes));
  BOOST_TEST(!CellMatches("item.category", "shoes", food));
  BOOST_TEST(CellMatches("item.category", "\"'shoes'\"", shoes));
  BOOST_TEST(CellMatches("item.category", "[apparel, shoes]", shoes));
  BOOST_TEST(!CellMatches("item.category", "[apparel, shoes]", food));
  BOOST_TEST(CellMatches("item.category", "'[apparel, shoes]'", shoes));
  BOOST_TEST(CellMatches("item.category", "'!= shoes'", food));
  BOOST_TEST(!CellMatches("item.category", "'!= shoes'", shoes));
  BOOST_TEST(CellMatches("item.category", "'== shoes'", shoes));
  // numbers: comparisons, ranges with each bracket, a YAML list range
  const std::string p5 = R"("item":{"paid_cents":5})";
  const std::string p10 = R"("item":{"paid_cents":10})";
  BOOST_TEST(CellMatches("item.paid_cents", "5", p5));
  BOOST_TEST(!CellMatches("item.paid_cents", "5", p10));
  BOOST_TEST(CellMatches("item.paid_cents", "'<= 5'", p5));
  BOOST_TEST(CellMatches("item.paid_cents", "'< 10'", p5));
  BOOST_TEST(!CellMatches("item.paid_cents", "'< 10'", p10));
  BOOST_TEST(CellMatches("item.paid_cents", "'>= 10'", p10));
  BOOST_TEST(CellMatches("item.paid_cents", "'> 5'", p10));
  BOOST_TEST(CellMatches("item.paid_cents", "'[5..10]'", p5));
  BOOST_TEST(CellMatches("item.paid_cents", "'[5..10]'", p10));
  BOOST_TEST(!CellMatches("item.paid_cents", "'(5..10]'", p5));
  BOOST_TEST(CellMatches("item.paid_cents", "'(5..10]'", p10));
  BOOST_TEST(CellMatches("item.paid_cents", "'[5..10)'", p5));
  BOOST_TEST(!CellMatches("item.paid_cents", "'[5..10)'", p10));
  BOOST_TEST(!CellMatches("item.paid_cents", "'(5..10)'", p5));
  BOOST_TEST(CellMatches("item.paid_cents", "[5..10]", p10));
  BOOST_TEST(CellMatches("item.paid_cents", "[5, 7]", p5));
  BOOST_TEST(CellMatches("item.paid_cents", "'> item.paid_cents - 1'", p5));
  // doubles, bools, strings, durations, timestamps
  BOOST_TEST(CellMatches("item.weight", "'[0.5..1.5]'", R"("item":{"weight":1.0})"));
  BOOST_TEST(CellMatches("item.vip", "true", R"("item":{"vip":true})"));
  BOOST_TEST(!CellMatches("item.vip", "true", R"("item":{"vip":false})"));
  BOOST_TEST(CellMatches("item.name", "mug", R"("item":{"name":"mug"})"));
  BOOST_TEST(CellMatches("item.name", "'!= mug'", R"("item":{"name":"cup"})"));
  BOOST_TEST(CellMatches("request.wait", "'> 36h'", R"("request":{"wait":"48h"})"));
  BOOST_TEST(CellMatches("request.wait", "'[1h..2h)'", R"("request":{"wait":"90m"})"));
  BOOST_TEST(CellMatches("order.delivered_at", "'< 2026-11-11T00:00:00+08:00'",
                         R"("order":{"delivered_at":"2026-11-10T10:00:00+08:00"})"));
  // an expression with ? for the input (and ?: beside it)
  BOOST_TEST(CellMatches("item.name", "'?.startsWith(\"mu\")'", R"("item":{"name":"mug"})"));
  BOOST_TEST(CellMatches("item.paid_cents", "'? % 2 == 1 && ? > 3'", R"("item":{"paid_cents":5})"));
  BOOST_TEST(!CellMatches("item.paid_cents", "'? % 2 == 1 && ? > 3'", R"("item":{"paid_cents":3})"));
  BOOST_TEST(CellMatches("item.paid_cents", "'(? > 3 ? \"big\" : \"small\") == \"big\"'", p5));
  BOOST_TEST(CellMatches("item.tags", "\"'vip' in ?\"", R"("item":{"tags":["vip"]})"));
  BOOST_TEST(CellMatches("item.category", "'? in [\"food\", \"shoes\"]'", food));
  // a decision field set by an earlier stage, and a policy variable
  auto p = MustLoad(R"(
variables:
  big: item.paid_cents >= 100
stages:
  - id: first
    rules: [{id: r, then: {resolution: exchange}}]
  - id: s
    table:
      inputs: [decision.resolution, big]
      outputs: [note]
      rows:
        - {id: x, when: [exchange, true], then: ["'big exchange'"]}
        - {id: y, when: [exchange, false], then: ["'small exchange'"]}
)");
  Decision d = Decide(*p, R"({"item":{"paid_cents":500}})");
  BOOST_TEST(Str(d, "note") == "big exchange", Errors(d));
  BOOST_TEST(Fired(d) == "r,x");
}

BOOST_AUTO_TEST_CASE(an_absent_input_does_not_match) {
  auto p = MustLoad(OneCell("item.paid_cents", "'> 5'"));
  Decision d = Decide(*p, "{}", true);
  BOOST_TEST(Fired(d) == "miss");
  BOOST_TEST(d.trace[0].detail.find("item.paid_cents") != std::string::npos, d.trace[0].detail);
}

const char* const kHitTable = R"(
stages:
  - id: s
    hit: HIT
    table:
      inputs: [item.paid_cents]
      outputs: [resolution, options, refund_cents]
      rows:
        - {id: small, when: ["< 100"], then: [refund_only, [refund_only], 1]}
        - {id: any_amount, when: ["-"], then: [escalate, [escalate], 2]}
        - {id: big, when: [">= 100"], then: [exchange, [exchange], 3]}
)";

std::shared_ptr<const aftersales::Policy> HitPolicy(const std::string& hit, const char* table = kHitTable) {
  std::string text = table;
  text.replace(text.find("HIT"), 3, hit);
  return MustLoad(text);
}

BOOST_AUTO_TEST_CASE(hit_first_collect_rule_order) {
  auto p = HitPolicy("first");
  Decision d = Decide(*p, R"({"item":{"paid_cents":500}})");
  BOOST_TEST(Fired(d) == "any_amount");
  for (std::string hit : {"collect", "rule_order"}) {
    p = HitPolicy(hit);
    d = Decide(*p, R"({"item":{"paid_cents":500}})");
    BOOST_TEST(Fired(d) == "any_amount,big");
    BOOST_TEST(Str(d, "resolution") == "exchange");
    const FieldValue* options = d.Find("options");
    BOOST_REQUIRE(options->items.size() == 2u);
    BOOST_TEST(options->items[0].string_value == "escalate");
    BOOST_TEST(options->items[1].string_value == "exchange");
  }
}

BOOST_AUTO_TEST_CASE(hit_unique_fails_when_two_rows_match) {
  auto p = MustLoad(R"(
stages:
  - id: s
    hit: unique
    table:
      inputs: [item.paid_cents]
      outputs: [resolution]
      rows:
        - {id: small, when: ["< 100"], then: [refund_only]}
        - {id: mid, when: ["[50..200]"], then: [exchange]}
        - {id: big, when: ["> 200"], then: [escalate]}
)");
  Decision d = Decide(*p, R"({"item":{"paid_cents":10}})");
  BOOST_TEST(d.ok(), Errors(d));
  BOOST_TEST(Fired(d) == "small");
  d = Decide(*p, R"({"item":{"paid_cents":300}})");
  BOOST_TEST(Fired(d) == "big");
  d = Decide(*p, R"({"item":{"paid_cents":70}})");
  BOOST_TEST(!d.ok());
  BOOST_TEST(Errors(d) == "stage 's' (hit: unique): rows 'small' and 'mid' both match; at most one may\n");
  d = Decide(*p, R"({})");
  BOOST_TEST(d.ok(), Errors(d));
  BOOST_TEST(Fired(d) == "");
}

BOOST_AUTO_TEST_CASE(hit_any_requires_agreement) {
  auto p = MustLoad(R"(
stages:
  - id: s
    hit: any
    table:
      inputs: [item.category, item.paid_cents]
      outputs: [resolution, refund_cents]
      rows:
        - {id: food, when: [food, "-"], then: [refund_only, item.paid_cents]}
        - {id: cheap, when: ["-", "< 100"], then: [refund_only, item.paid_cents]}
        - {id: cheap_shoes, when: [shoes, "< 100"], then: [exchange, 0]}
)");
  Decision d = Decide(*p, R"({"item":{"category":"food","paid_cents":50}})");
  BOOST_TEST(d.ok(), Errors(d));
  BOOST_TEST(Fired(d) == "food");
  BOOST_TEST(Str(d, "resolution") == "refund_only");
  d = Decide(*p, R"({"item":{"category":"shoes","paid_cents":50}})");
  BOOST_TEST(!d.ok());
  BOOST_TEST(Errors(d) ==
             "stage 's' (hit: any): rows 'cheap' and 'cheap_shoes' both match but set 'resolution' "
             "differently (\"refund_only\" and \"exchange\")\n");
}

BOOST_AUTO_TEST_CASE(hit_priority_picks_by_enum_order) {
  auto p = HitPolicy("priority");
  // resolution's order: return_refund, exchange, refund_only, explain_policy, escalate
  Decision d = Decide(*p, R"({"item":{"paid_cents":500}})");
  BOOST_TEST(d.ok(), Errors(d));
  BOOST_TEST(Fired(d) == "big");
  BOOST_TEST(d.Find("refund_cents")->int_value == 3);
  d = Decide(*p, R"({"item":{"paid_cents":5}})");
  BOOST_TEST(Fired(d) == "small");
  d = Decide(*p, R"({})");
  BOOST_TEST(Fired(d) == "any_amount");
}

BOOST_AUTO_TEST_CASE(policy_tests_and_coverage_see_rows) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("aftersales_tables_" + std::to_string(::getpid()));
  fs::create_directories(dir / "tests");
  {
    std::ofstream(dir / "schema.yaml") << kSchema;
    std::string text = kHitTable;
    text.replace(text.find("HIT"), 3, "first");
    std::ofstream(dir / "policy.yaml") << kHeader << text;
    std::ofstream(dir / "tests" / "t.yaml")
        << "tests:\n  - name: small\n    case: {item: {paid_cents: 5}}\n"
           "    expect: {resolution: refund_only, matched_rules: [small]}\n";
  }
  LoadResult r = aftersales::LoadPolicy(dir.string());
  BOOST_TEST_REQUIRE(r.ok(), aftersales::FormatIssues(r.issues));
  aftersales::PolicyTestReport report = aftersales::RunPolicyTests(*r.policy, (dir / "tests").string());
  BOOST_TEST(report.passed == 1);
  BOOST_TEST(report.failed == 0);
  std::vector<std::string> unreached;
  for (const auto& u : report.unreached) unreached.push_back(u.rule_id);
  BOOST_TEST(unreached == (std::vector<std::string>{"any_amount", "big"}), unreached.size());
  BOOST_TEST(!report.ok());
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(overlays_replace_rows_by_id) {
  std::string base = kHeader + R"(
stages:
  - id: s
    table:
      inputs: [item.paid_cents]
      outputs: [resolution]
      rows:
        - {id: small, when: ["< 100"], then: [refund_only]}
        - {id: other, when: ["-"], then: [escalate]}
)";
  std::string overlay = R"(
policy: {name: o, version: "1", extends: ..}
stages:
  - id: s
    table:
      rows:
        - {id: small, when: ["< 10"], then: [exchange]}
        - {id: extra, when: ["-"], then: [return_refund]}
)";
  LoadResult r = LoadPolicyFromStrings({{"schema.yaml", kSchema}, {"policy.yaml", base}, {"o/policy.yaml", overlay}});
  (void)r;
  LoadResult o = LoadPolicyFromStrings(
      {{"o/policy.yaml", overlay}, {"schema.yaml", kSchema}, {"policy.yaml", base}});
  BOOST_TEST_REQUIRE(o.ok(), aftersales::FormatIssues(o.issues));
  BOOST_TEST(o.policy->rule_ids() == (std::vector<std::string>{"small", "other", "extra"}));
  Decision d = Decide(*o.policy, R"({"item":{"paid_cents":5}})");
  BOOST_TEST(Str(d, "resolution") == "exchange");
  d = Decide(*o.policy, R"({"item":{"paid_cents":50}})");
  BOOST_TEST(Str(d, "resolution") == "escalate");
}

BOOST_AUTO_TEST_CASE(malformed_tables_are_located_errors) {
  BOOST_TEST(Problems(R"Y(
stages:
  - id: s
    hit: priority
    rules: [{id: r, then: {note: "'x'"}}]
    table:
      inputs: [item.categry, "n: 1 +", item.paid_cents]
      outputs: [note, resoluton]
      rows:
        - {id: a, when: ["-", "-", "=< 7"], then: ["'x'", exchange]}
        - {id: b, when: ["-", "-"], then: ["'x'"]}
        - {id: c, when: ["-", "-", "[5..1]"], then: ["'x'", exchange]}
        - {id: d, when: ["-", "-", "? + 1"], then: ["'x'", exchange]}
        - {id: a, when: ["-", "-", "(1, 2)"], then: ["'x'", exchange]}
        - {id: f, when: ["-", "-", "[1..]"], then: ["'x'", exchange]}
  - id: t
    table:
      inputs: [item.category]
      outputs: [resolution]
      rows:
        - {id: g, when: [shose], then: [exchange]}
        - {id: h, when: ["[1..2]"], then: [exchange]}
        - {id: i, when: [~], then: [exchang]}
)Y") == "policy.yaml:8:10: hit: priority ranks rows by their first output's enum, but 'note', the first output of the table of stage 's', is string (put an enum field first)\n"
       "policy.yaml:11:7: stage 's' has both 'rules' and a 'table'; a stage holds one or the other\n"
       "policy.yaml:11:16: input 'item.categry' of the table of stage 's' is not a fact, a named value or a decision field (did you mean 'item.category'?) (an expression is written as a named input, 'name: expression')\n"
       "policy.yaml:11:30: input 'n: 1 +' of the table of stage 's' is not a fact, a named value or a decision field (an expression is written as a named input, 'name: expression')\n"
       "policy.yaml:12:23: output 'resoluton' of the table of stage 's' is not a declared decision field (did you mean 'resolution'?)\n"
       "policy.yaml:14:37: '=<' in the cell of row 'a' for input 'item.paid_cents' is not a comparison (did you mean '<='?); a cell compares with <, <=, >, >=, == or !=\n"
       "policy.yaml:15:25: the 'when' of row 'b' has 2 cells, but the table has 3 inputs\n"
       "policy.yaml:15:43: the 'then' of row 'b' has 1 cell, but the table has 2 outputs\n"
       "policy.yaml:16:38: the cell of row 'c' for input 'item.paid_cents' is an empty range: no value is at least 5 and at most 1\n"
       "policy.yaml:17:36: the cell of row 'd' for input 'item.paid_cents' must be bool, but this expression is int\n"
       "policy.yaml:18:16: row id 'a' is used twice (first at policy.yaml:14:16)\n"
       "policy.yaml:18:37: the cell of row 'a' for input 'item.paid_cents' '(1, 2)' is not a range: write [a..b], (a..b), [a..b) or (a..b] (a bracket includes its bound)\n"
       "policy.yaml:19:38: the cell of row 'f' for input 'item.paid_cents' is a malformed range '1..': write a lower and an upper bound, [a..b], (a..b), [a..b) or (a..b]\n"
       "policy.yaml:25:26: 'shose' in the cell of row 'g' for input 'item.category' is not a word of enum 'category' (did you mean 'shoes'?); its words are apparel, shoes, food, electronics\n"
       "policy.yaml:26:28: the cell of row 'h' for input 'item.category' is a range, but input 'item.category' is category (a range needs a number, a timestamp or a duration)\n"
       "policy.yaml:27:26: the cell of row 'i' for input 'item.category' is empty; write '-' to match any value\n"
       "policy.yaml:27:37: the value of 'resolution' must be a word of enum 'resolution', not 'exchang' (did you mean 'exchange'?)\n");
}

BOOST_AUTO_TEST_CASE(new_hits_are_for_tables_and_old_ones_unchanged) {
  BOOST_TEST(Problems("stages:\n  - id: s\n    hit: unique\n    rules: [{id: r, then: {note: \"'x'\"}}]\n") ==
             "policy.yaml:7:10: hit: unique is for decision tables: stage 's' has rules (a stage with rules is first, collect or rule_order)\n");
  auto p = MustLoad("stages:\n  - id: s\n    hit: rule_order\n    rules:\n"
                    "      - {id: a, then: {options: [exchange]}}\n      - {id: b, then: {options: [escalate]}}\n");
  Decision d = Decide(*p, "{}");
  BOOST_TEST(Fired(d) == "a,b");
  BOOST_TEST(d.Find("options")->items.size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
