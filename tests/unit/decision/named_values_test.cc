// Named values (`variables:` of a policy and of its stages): typed at load,
// worked out at most once per decision and only when read, usable in
// conditions, `then` values, scripts and later variables; names that
// collide, cycles and decision fields read are located errors; overlays
// replace a base's variables by name.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "aftersales/aftersales.h"
#include "decision/policy_impl.h"
#include "decision/policy_internal.h"

namespace {

using aftersales::Decision;
using aftersales::FieldValue;
using aftersales::LoadOptions;
using aftersales::LoadPolicyFromStrings;
using aftersales::LoadResult;

const char* const kSchema = R"(
enums:
  kind: [defect, no_reason, delay]
  resolution: [refund, exchange, explain, escalate]
  locale: [zh-CN, en]
facts:
  case.id: string
  case.locale: locale
  case.timezone: {type: string, default: Asia/Shanghai}
  case.opened_at: timestamp
  order.delivered_at: timestamp
  item.name: string
  item.paid_cents: money
  issue.kind: kind
  issue.tags: list<string>
decisions:
  resolution: {type: resolution, required: true}
  refund_cents: {type: money, default: 0}
  note: string
)";

LoadResult Load(const std::string& rules, LoadOptions options = {}) {
  return LoadPolicyFromStrings({{"schema.yaml", kSchema}, {"policy.yaml", rules}}, options);
}

std::shared_ptr<const aftersales::Policy> MustLoad(const std::string& rules, LoadOptions options = {}) {
  LoadResult r = Load(rules, options);
  BOOST_TEST_REQUIRE(r.ok(), aftersales::FormatIssues(r.issues));
  return r.policy;
}

Decision DecideJson(const aftersales::Policy& p, const std::string& json, aftersales::DecideOptions options = {}) {
  auto facts = p.ReadFactsJson(json);
  BOOST_TEST_REQUIRE(facts.ok(), facts.status().message());
  Decision d = p.Decide(*facts, options);
  for (const auto& e : d.errors) BOOST_TEST_MESSAGE("decision error: " << e.message);
  return d;
}

std::string Str(const Decision& d, const std::string& path) {
  const FieldValue* v = d.Find(path);
  return v && v->kind == FieldValue::Kind::kString ? v->string_value : "<none>";
}

std::int64_t Int(const Decision& d, const std::string& path) {
  const FieldValue* v = d.Find(path);
  return v && v->kind == FieldValue::Kind::kInt ? v->int_value : -999999;
}

// The issues of a policy that must not load, one per line.
std::string Problems(const std::string& rules) {
  LoadResult r = Load(rules);
  BOOST_TEST_REQUIRE(!r.ok(), "the policy loaded");
  return aftersales::FormatIssues(r.issues);
}

bool Has(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return true;
  BOOST_TEST_MESSAGE("not found: " << part << "\nin:\n" << text);
  return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(named_values)

namespace {

const char* const kHeader = "policy:\n  name: t\n  version: \"1\"\n  locales: [zh-CN, en]\n";

const std::string kWindow = std::string(kHeader) + R"(
variables:
  days: calendar_days(order.delivered_at, case.opened_at, case.timezone)
  within_week: days <= 7
  paid: item.paid_cents
stages:
  - id: resolution
    rules:
      - id: week
        when: issue.kind == 'defect' && within_week
        then: {resolution: refund, refund_cents: paid}
        script: {en: "Delivered {days} days ago: {paid} back.", zh-CN: "{days} 天"}
      - id: late
        when: issue.kind == 'defect' && days > 7
        then: {resolution: exchange}
      - id: other
        then: {resolution: explain}
)";

BOOST_AUTO_TEST_CASE(named_values_decide_like_the_expressions_they_name) {
  auto p = MustLoad(kWindow);
  Decision d = DecideJson(*p, R"({"case": {"locale": "en", "opened_at": "2026-03-05T10:00:00Z"},
      "order": {"delivered_at": "2026-03-01T10:00:00Z"}, "item": {"paid_cents": 1999}, "issue": {"kind": "defect"}})");
  BOOST_REQUIRE(d.ok());
  BOOST_TEST(Str(d, "resolution") == "refund");
  BOOST_TEST(Int(d, "refund_cents") == 1999);
  BOOST_TEST(d.script_text == "Delivered 4 days ago: 1999 back.");

  d = DecideJson(*p, R"({"case": {"opened_at": "2026-03-20T10:00:00Z"},
      "order": {"delivered_at": "2026-03-01T10:00:00Z"}, "issue": {"kind": "defect"}})");
  BOOST_REQUIRE(d.ok());
  BOOST_TEST(Str(d, "resolution") == "exchange");
}

BOOST_AUTO_TEST_CASE(an_unused_value_over_an_absent_fact_does_not_fail_the_decision) {
  auto p = MustLoad(kWindow);
  // No delivered_at: `days` is an error, but no rule that is tried reads it
  // past its guard, and the && absorbs it where one does.
  Decision d = DecideJson(*p, R"({"case": {"opened_at": "2026-03-20T10:00:00Z"}, "issue": {"kind": "delay"}})");
  BOOST_REQUIRE(d.ok());
  BOOST_TEST(Str(d, "resolution") == "explain");
  d = DecideJson(*p, R"({"case": {"opened_at": "2026-03-20T10:00:00Z"}, "issue": {"kind": "defect"}})");
  BOOST_REQUIRE(d.ok());
  BOOST_TEST(Str(d, "resolution") == "explain");
}

BOOST_AUTO_TEST_CASE(an_error_value_fails_a_then_as_the_inlined_expression_would) {
  std::string with_var = std::string(kHeader) + R"(
variables:
  paid: item.paid_cents
stages:
  - id: resolution
    rules:
      - id: r
        then: {resolution: refund, refund_cents: paid}
)";
  std::string inlined = with_var;
  inlined.replace(inlined.find("refund_cents: paid"), 18, "refund_cents: item.paid_cents");
  const std::string json = R"({"issue": {"kind": "defect"}})";
  Decision a = DecideJson(*MustLoad(with_var), json);
  Decision b = DecideJson(*MustLoad(inlined), json);
  BOOST_REQUIRE(!a.ok());
  BOOST_REQUIRE_EQUAL(a.errors.size(), b.errors.size());
  BOOST_TEST(a.errors[0].message == b.errors[0].message);
  BOOST_TEST(Has(a.errors[0].message, "fact 'item.paid_cents' is absent"));
}

// The fewest steps a policy needs for one case: budgets are searched for
// the smallest that decides it.
std::int64_t StepsNeeded(const std::string& rules, const std::string& json) {
  std::int64_t lo = 1, hi = 1'000'000;
  while (lo < hi) {
    std::int64_t mid = lo + (hi - lo) / 2;
    LoadOptions options;
    options.limits.max_eval_steps = mid;
    auto p = MustLoad(rules, options);
    if (DecideJson(*p, json).ok()) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

std::string Uses(int n, bool inlined) {
  std::string heavy = "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16].filter(x, x % 2 == 0).map(x, x * x)"
                      ".exists(x, x == 144)";
  std::string s = std::string(kHeader) + "variables:\n  heavy: \"" + heavy + "\"\nstages:\n  - id: s\n    rules:\n";
  for (int i = 0; i < n; ++i) {
    s += "      - id: r" + std::to_string(i) + "\n        when: \"issue.kind == 'defect' && !(" +
         (inlined ? heavy : std::string("heavy")) + ")\"\n        then: {resolution: refund}\n";
  }
  s += "      - id: last\n        when: \"" + (inlined ? heavy : std::string("heavy")) + "\"\n        then: {resolution: explain}\n";
  return s;
}

BOOST_AUTO_TEST_CASE(a_value_is_worked_out_at_most_once_per_decision) {
  const std::string json = R"({"issue": {"kind": "defect"}})";
  const std::int64_t one = StepsNeeded(Uses(0, false), json);
  const std::int64_t six = StepsNeeded(Uses(5, false), json);
  const std::int64_t one_inlined = StepsNeeded(Uses(0, true), json);
  const std::int64_t six_inlined = StepsNeeded(Uses(5, true), json);
  // The value costs about what the inlined expression does, once; every
  // other read costs a step or two, not the expression again.
  const std::int64_t heavy = one_inlined - 10;
  BOOST_TEST(heavy > 50);
  BOOST_TEST(six - one < 5 * 8);
  BOOST_TEST(six_inlined - one_inlined > 5 * heavy - 5 * 8);
}

BOOST_AUTO_TEST_CASE(explaining_does_not_change_what_a_value_costs_the_decision) {
  const std::string rules = Uses(5, false);
  const std::string json = R"({"issue": {"kind": "defect"}})";
  const std::int64_t needed = StepsNeeded(rules, json);
  LoadOptions options;
  options.limits.max_eval_steps = needed;
  auto p = MustLoad(rules, options);
  aftersales::DecideOptions explain;
  explain.explain = true;
  Decision plain = DecideJson(*p, json);
  Decision explained = DecideJson(*p, json, explain);
  BOOST_REQUIRE(plain.ok());
  BOOST_REQUIRE(explained.ok());
  BOOST_TEST(Str(explained, "resolution") == Str(plain, "resolution"));
  BOOST_TEST((explained.matched_rules == plain.matched_rules));
  // A trace shows the value by its name.
  bool named = false;
  for (const auto& t : explained.trace) named = named || t.detail.find("heavy") != std::string::npos;
  BOOST_TEST(named);
}

BOOST_AUTO_TEST_CASE(values_are_typed_at_load_and_checked_where_used) {
  std::string text = Problems(std::string(kHeader) + R"(
variables:
  when_delivered: order.delivered_at
stages:
  - id: s
    rules:
      - id: r
        when: when_delivered > 3
        then: {resolution: refund, refund_cents: when_delivered}
)");
  BOOST_TEST(Has(text, "policy.yaml:12:30: no matching overload for '>' applied to (timestamp, int)"));
  BOOST_TEST(Has(text, "policy.yaml:13:50: the value of 'refund_cents' must be int, but this expression is timestamp"));
}

BOOST_AUTO_TEST_CASE(a_value_may_read_a_later_one) {
  auto p = MustLoad(std::string(kHeader) + R"(
variables:
  total: base + 1
  base: item.paid_cents * 2
stages:
  - id: s
    rules:
      - id: r
        when: total == 2001
        then: {resolution: refund, refund_cents: base - 1000}
        script: {en: "{total:>6}|{base}"}
      - id: other
        then: {resolution: explain}
)");
  Decision d = DecideJson(*p, R"({"case": {"locale": "en"}, "item": {"paid_cents": 1000}})");
  BOOST_REQUIRE(d.ok());
  BOOST_TEST(Int(d, "refund_cents") == 1000);
  BOOST_TEST(d.script_text == "  2001|2000");
}

BOOST_AUTO_TEST_CASE(a_script_shows_the_fallback_when_a_value_cannot_be_worked_out) {
  auto p = MustLoad(std::string(kHeader) + R"(
variables:
  days: calendar_days(order.delivered_at, case.opened_at, case.timezone)
stages:
  - id: s
    rules:
      - id: r
        then: {resolution: explain}
        script: {en: "{days|some} days", zh-CN: "{days} 天"}
)");
  Decision d = DecideJson(*p, R"({"case": {"locale": "en", "opened_at": "2026-03-20T10:00:00Z"}})");
  BOOST_REQUIRE(d.ok());
  BOOST_TEST(d.script_text == "some days");
  d = DecideJson(*p, R"({"case": {"locale": "zh-CN", "opened_at": "2026-03-20T10:00:00Z"}})");
  BOOST_REQUIRE(!d.ok());
  BOOST_TEST(Has(d.errors[0].message, "script needs 'days': fact 'order.delivered_at' is absent"));
}

BOOST_AUTO_TEST_CASE(a_cycle_is_an_error_naming_the_chain) {
  std::string text = Problems(std::string(kHeader) + R"(
variables:
  a: b + 1
  b: c * 2
  c: a - 1
  d: d
stages:
  - id: s
    rules:
      - id: r
        when: a > 0
        then: {resolution: refund}
)");
  BOOST_TEST(Has(text, "policy.yaml:9:6: variables depend on each other in a cycle: a -> b -> c -> a"));
  BOOST_TEST(Has(text, "policy.yaml:10:6: variables depend on each other in a cycle: d -> d"));
  BOOST_TEST(text.find("undeclared") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(names_must_not_collide) {
  std::string text = Problems(std::string(kHeader) + R"(
variables:
  order: 1
  item_name: item.name
  refund_cents: 2
  size: 3
  all: 4
  decision: 5
  if: 6
  a.b: 7
  9lives: 8
  days: 9
stages:
  - id: s
    variables:
      days: 10
      fresh: decision.refund_cents
    rules:
      - id: r
        then: {resolution: refund}
)");
  BOOST_TEST(Has(text, "policy.yaml:7:3: variable 'order' has the name of a group of facts (order.*)"));
  BOOST_TEST(Has(text, "policy.yaml:9:3: variable 'refund_cents' has the name of a decision field"));
  BOOST_TEST(Has(text, "policy.yaml:10:3: variable 'size' has the name of a built-in function or macro"));
  BOOST_TEST(Has(text, "policy.yaml:11:3: variable 'all' has the name of a built-in function or macro"));
  BOOST_TEST(Has(text, "policy.yaml:12:3: variable name 'decision' is taken"));
  BOOST_TEST(Has(text, "policy.yaml:13:3: variable name 'if' must be an identifier"));
  BOOST_TEST(Has(text, "policy.yaml:14:3: variable name 'a.b' must be an identifier"));
  BOOST_TEST(Has(text, "policy.yaml:15:3: variable name '9lives' must be an identifier"));
  BOOST_TEST(Has(text, "policy.yaml:20:7: variable 'days' is already a variable of the policy (at policy.yaml:16:3)"));
  BOOST_TEST(Has(text, "policy.yaml:21:14: variable 'fresh' reads a decision field"));
  BOOST_TEST(text.find("item_name") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_fact_named_like_a_variable_is_refused) {
  std::string text = Problems(std::string(kHeader) + R"(
variables:
  case.id: 1
stages:
  - id: s
    rules:
      - id: r
        then: {resolution: refund}
)");
  BOOST_TEST(Has(text, "policy.yaml:7:3: variable name 'case.id' must be an identifier"));
}

BOOST_AUTO_TEST_CASE(a_stage_value_is_seen_by_its_own_stage_only) {
  std::string text = Problems(std::string(kHeader) + R"(
variables:
  paid: item.paid_cents
stages:
  - id: one
    variables:
      doubled: paid * 2
    rules:
      - id: r1
        when: doubled > 10
        then: {resolution: refund}
  - id: two
    rules:
      - id: r2
        when: doubled > 10 || dubled > 3
        then: {note: "'x'"}
)");
  BOOST_TEST(Has(text, "policy.yaml:19:15: undeclared reference to 'doubled'"));
  BOOST_TEST(Has(text, "policy.yaml:19:31: undeclared reference to 'dubled'"));

  auto p = MustLoad(std::string(kHeader) + R"(
variables:
  paid: item.paid_cents
stages:
  - id: one
    variables:
      doubled: paid * 2
    rules:
      - id: r1
        when: doubled > 10
        then: {resolution: refund, refund_cents: doubled / 2}
        script: {en: "{doubled} from {paid}"}
      - id: r0
        then: {resolution: explain}
)");
  Decision d = DecideJson(*p, R"({"case": {"locale": "en"}, "item": {"paid_cents": 30}})");
  BOOST_REQUIRE(d.ok());
  BOOST_TEST(Int(d, "refund_cents") == 30);
  BOOST_TEST(d.script_text == "60 from 30");
}

BOOST_AUTO_TEST_CASE(an_unknown_name_suggests_a_value) {
  std::string text = Problems(std::string(kHeader) + R"(
variables:
  days_since_delivery: calendar_days(order.delivered_at, case.opened_at, case.timezone)
stages:
  - id: s
    rules:
      - id: r
        when: days_since_delivry <= 7
        then: {resolution: refund}
        script: {en: "{days_since_delivry}"}
)");
  BOOST_TEST(Has(text, "policy.yaml:12:15: undeclared reference to 'days_since_delivry' (did you mean 'days_since_delivery'?)"));
  BOOST_TEST(Has(text, "unknown name 'days_since_delivry' in script (did you mean 'days_since_delivery'?)"));
}

BOOST_AUTO_TEST_CASE(invariants_read_the_policy_values) {
  auto p = MustLoad(std::string(kHeader) + R"(
variables:
  paid: item.paid_cents
stages:
  - id: s
    rules:
      - id: r
        then: {resolution: refund, refund_cents: 500}
invariants:
  - id: within
    check: decision.refund_cents <= paid
    message: over
)");
  BOOST_TEST(DecideJson(*p, R"({"item": {"paid_cents": 600}})").ok());
  BOOST_TEST(!DecideJson(*p, R"({"item": {"paid_cents": 400}})").ok());
}

BOOST_AUTO_TEST_CASE(threads_share_a_policy_with_values) {
  auto p = MustLoad(kWindow);
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        int day = 1 + (i + t) % 20;
        std::string json = R"({"case": {"locale": "en", "opened_at": "2026-03-)" +
                           std::string(day < 10 ? "0" : "") + std::to_string(day) +
                           R"(T12:00:00Z"}, "order": {"delivered_at": "2026-03-01T10:00:00Z"},
                           "item": {"paid_cents": 5}, "issue": {"kind": "defect"}})";
        auto facts = p->ReadFactsJson(json);
        if (!facts.ok()) {
          ++wrong[t];
          continue;
        }
        Decision d = p->Decide(*facts);
        std::string want = day - 1 <= 7 ? "refund" : "exchange";
        if (!d.ok() || Str(d, "resolution") != want) ++wrong[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) BOOST_TEST(wrong[t] == 0);
}

namespace fs = std::filesystem;

BOOST_AUTO_TEST_CASE(an_overlay_replaces_values_by_name_and_adds_its_own) {
  fs::path dir = fs::temp_directory_path() /
                 ("aftersales_named_" + std::to_string(reinterpret_cast<std::uintptr_t>(&dir)));
  fs::remove_all(dir);
  fs::create_directories(dir / "base");
  fs::create_directories(dir / "jd");
  std::ofstream(dir / "base/schema.yaml") << kSchema;
  std::ofstream(dir / "base/policy.yaml") << std::string(kHeader) << R"(
variables:
  limit: 7
  paid: item.paid_cents
stages:
  - id: s
    variables:
      cap: paid
    rules:
      - id: r
        when: issue.kind == 'defect' && paid <= limit * 100
        then: {resolution: refund, refund_cents: cap}
      - id: other
        then: {resolution: explain}
)";
  std::ofstream(dir / "jd/policy.yaml") << R"(policy:
  extends: ../base
  name: jd
  version: "2"
variables:
  limit: 15
  bonus: -1
stages:
  - id: s
    variables:
      cap: paid + bonus
)";
  LoadResult base = aftersales::LoadPolicy((dir / "base").generic_string());
  LoadResult jd = aftersales::LoadPolicy((dir / "jd").generic_string());
  BOOST_REQUIRE_MESSAGE(base.ok(), aftersales::FormatIssues(base.issues));
  BOOST_REQUIRE_MESSAGE(jd.ok(), aftersales::FormatIssues(jd.issues));
  const std::string json = R"({"item": {"paid_cents": 1000}, "issue": {"kind": "defect"}})";
  BOOST_TEST(Str(DecideJson(*base.policy, json), "resolution") == "explain");
  Decision d = DecideJson(*jd.policy, json);
  BOOST_TEST(Str(d, "resolution") == "refund");
  BOOST_TEST(Int(d, "refund_cents") == 999);
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace

BOOST_AUTO_TEST_SUITE_END()
