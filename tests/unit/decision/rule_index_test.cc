// Indexed rule dispatch (src/decision/rule_index.h) against the plain scan:
// every decision of generated policies of every guard shape, and of the
// shipped policy, decided through the index (DecideOptions::explain off)
// and through the scan (explain on: every rule tried and traced) must be the
// same decision, byte for byte, its budget errors included.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "aftersales/aftersales.h"
#include "decision/policy_impl.h"
#include "decision/policy_internal.h"
#include "decision/rule_index.h"

namespace {

using aftersales::Decision;
using aftersales::LoadResult;
using aftersales::Policy;

const char* const kSchema = R"(
enums:
  category: [apparel, shoes, food, books, toys, tools]
  resolution: [refund_only, return_refund, exchange, reject, escalate]
facts:
  item.sku: string
  item.category: category
  item.qty: int
  item.paid_cents: money
  item.vip: bool
  item.note: string
decisions:
  resolution: {type: resolution, required: true}
  tags: {type: list<string>, default: []}
  count: {type: int, default: 0}
)";

const char* const kCategories[] = {"apparel", "shoes", "food", "books", "toys", "tools"};
const char* const kResolutions[] = {"refund_only", "return_refund", "exchange", "reject"};

// A rule whose condition starts with a guard of one of the shapes the
// index knows (or not), followed by more conditions.
std::string Condition(std::mt19937& rng, int skus) {
  std::string first;
  switch (rng() % 13) {
    case 9: {
      const int lo = static_cast<int>(rng() % 9000);
      first = "item.paid_cents >= " + std::to_string(lo) + " && item.paid_cents < " + std::to_string(lo + 1 + rng() % 3000);
      break;
    }
    case 10: first = std::to_string(rng() % 5) + " < item.qty"; break;
    case 11: first = "item.qty <= " + std::to_string(rng() % 5) + " && item.sku == 'S" + std::to_string(rng() % skus) + "'"; break;
    case 12: first = "decision.count >= " + std::to_string(rng() % 3); break;
    case 0: first = "item.sku == 'S" + std::to_string(rng() % skus) + "'"; break;
    case 1: first = "item.sku in ['S" + std::to_string(rng() % skus) + "', 'S" + std::to_string(rng() % skus) + "']"; break;
    case 2: first = std::string("item.category == '") + kCategories[rng() % 6] + "'"; break;
    case 3: first = std::string("item.category in ['") + kCategories[rng() % 6] + "', '" + kCategories[rng() % 6] + "']"; break;
    case 4: first = "item.qty == " + std::to_string(rng() % 5); break;
    case 5: first = std::string("item.vip == ") + (rng() % 2 ? "true" : "false"); break;
    case 6: first = "item.paid_cents > " + std::to_string(rng() % 10000); break;  // a range guard
    case 7: first = "decision.count == " + std::to_string(rng() % 3); break;       // a decision field
    default: first = "has(item.note)"; break;                                       // no guard
  }
  switch (rng() % 4) {
    case 0: return first;
    case 1: return first + " && item.paid_cents >= " + std::to_string(rng() % 8000);
    case 2: return first + std::string(" && item.category != '") + kCategories[rng() % 6] + "'";
    default: return first + " && item.qty * 2 > " + std::to_string(rng() % 8);
  }
}

std::string RandomPolicy(std::mt19937& rng, int rules, int skus) {
  std::string out = "policy:\n  name: idx\n  version: \"1\"\n  locales: [en]\nstages:\n";
  const char* hits[] = {"first", "collect", "first"};
  for (int s = 0; s < 3; ++s) {
    out += "  - id: s" + std::to_string(s) + "\n    hit: " + hits[s] + "\n    rules:\n";
    for (int r = 0; r < rules; ++r) {
      out += "      - id: s" + std::to_string(s) + "r" + std::to_string(r) + "\n        when: \"" +
             Condition(rng, skus) + "\"\n        then:\n";
      if (s == 1) {
        out += "          tags: \"['t" + std::to_string(r) + "']\"\n          count: decision.count + 1\n";
      } else {
        out += std::string("          resolution: ") + kResolutions[rng() % 4] + "\n";
      }
    }
    if (s == 0) out += "      - {id: s0_rest, then: {resolution: escalate}}\n";
  }
  return out;
}

std::string RandomCase(std::mt19937& rng, int skus) {
  std::string c = "{\"item\": {";
  std::vector<std::string> parts;
  if (rng() % 10) parts.push_back("\"sku\": \"S" + std::to_string(rng() % (skus + 3)) + "\"");
  if (rng() % 10) parts.push_back(std::string("\"category\": \"") + kCategories[rng() % 6] + "\"");
  if (rng() % 10) parts.push_back("\"qty\": " + std::to_string(rng() % 6));
  if (rng() % 10) parts.push_back("\"paid_cents\": " + std::to_string(rng() % 10000));
  if (rng() % 10) parts.push_back(std::string("\"vip\": ") + (rng() % 2 ? "true" : "false"));
  if (rng() % 2) parts.push_back("\"note\": \"n\"");
  for (std::size_t i = 0; i < parts.size(); ++i) c += (i ? ", " : "") + parts[i];
  return c + "}}";
}

// The decision through the index and through the scan, without the trace.
void ExpectSame(const Policy& policy, const std::string& json) {
  auto facts = policy.ReadFactsJson(json);
  BOOST_TEST_REQUIRE(facts.ok(), json);
  aftersales::DecideOptions scan;
  scan.explain = true;
  std::string indexed = aftersales::DecisionToJson(policy.Decide(*facts), false, -1);
  std::string scanned = aftersales::DecisionToJson(policy.Decide(*facts, scan), false, -1);
  BOOST_TEST(indexed == scanned, json);
  // The compact path (DecideToJson) goes through the index too.
  std::string compact = policy.DecideToJson(*facts);
  BOOST_TEST(compact == indexed + "", json);
}

std::size_t IndexedStages(const Policy& policy) {
  const auto& impl = aftersales::internal::PolicyInternal::Impl(policy);
  std::size_t n = 0;
  for (std::size_t s = 0; s < impl.model().stages.size(); ++s) n += impl.rule_index(s) ? 1 : 0;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rule_index)

BOOST_AUTO_TEST_CASE(generated_policies_decide_as_the_scan_does) {
  std::mt19937 rng(15);
  for (int round = 0; round < 12; ++round) {
    const int rules = 20 + static_cast<int>(rng() % 200), skus = 5 + static_cast<int>(rng() % 60);
    LoadResult loaded = aftersales::LoadPolicyFromStrings(
        {{"schema.yaml", kSchema}, {"policy.yaml", RandomPolicy(rng, rules, skus)}});
    BOOST_TEST_REQUIRE(loaded.ok(), aftersales::FormatIssues(loaded.issues));
    for (int c = 0; c < 300; ++c) ExpectSame(*loaded.policy, RandomCase(rng, skus));
  }
}

BOOST_AUTO_TEST_CASE(a_sku_table_is_indexed_and_the_index_spares_the_guards) {
  // 2,000 rules guarded on item.sku: the index is built, and every case is
  // decided as the scan decides it.
  std::string policy = "policy: {name: sku, version: \"1\", locales: [en]}\nstages:\n  - id: s\n    hit: first\n    rules:\n";
  for (int r = 0; r < 2000; ++r) {
    policy += "      - {id: r" + std::to_string(r) + ", when: \"item.sku == 'S" + std::to_string(r) +
              "' && item.qty > 1\", then: {resolution: " + kResolutions[r % 4] + "}}\n";
  }
  policy += "      - {id: rest, then: {resolution: escalate}}\n";
  LoadResult loaded = aftersales::LoadPolicyFromStrings({{"schema.yaml", kSchema}, {"policy.yaml", policy}});
  BOOST_TEST_REQUIRE(loaded.ok(), aftersales::FormatIssues(loaded.issues));
  BOOST_TEST(IndexedStages(*loaded.policy) == 1u);
  std::vector<std::uint32_t> candidates;
  auto facts = loaded.policy->ReadFactsJson(R"({"item": {"sku": "S1234", "qty": 3}})");
  BOOST_TEST_REQUIRE(facts.ok());
  const auto& impl = aftersales::internal::PolicyInternal::Impl(*loaded.policy);
  impl.rule_index(0)->Candidates(aftersales::internal::PolicyInternal::Data(*facts)->slots.data(), &candidates);
  BOOST_TEST((candidates == std::vector<std::uint32_t>{1234, 2000}));
  Decision d = loaded.policy->Decide(*facts);
  BOOST_TEST((d.matched_rules == std::vector<std::string>{"r1234"}));
  std::mt19937 rng(3);
  for (int c = 0; c < 500; ++c) ExpectSame(*loaded.policy, RandomCase(rng, 2100));
}

BOOST_AUTO_TEST_CASE(ranges_narrow_a_large_set_of_rules) {
  // 600 rules with no equality guard, each kept to a price band: a case
  // tries only the bands holding its price (and the catch-all).
  std::string policy = "policy: {name: bands, version: \"1\", locales: [en]}\nstages:\n  - id: s\n    hit: first\n    rules:\n";
  for (int r = 0; r < 600; ++r) {
    policy += "      - {id: b" + std::to_string(r) + ", when: \"item.paid_cents >= " + std::to_string(r * 100) +
              " && item.paid_cents < " + std::to_string(r * 100 + 150) + " && item.qty > 0\", then: {resolution: " +
              kResolutions[r % 4] + "}}\n";
  }
  policy += "      - {id: rest, then: {resolution: escalate}}\n";
  LoadResult loaded = aftersales::LoadPolicyFromStrings({{"schema.yaml", kSchema}, {"policy.yaml", policy}});
  BOOST_TEST_REQUIRE(loaded.ok(), aftersales::FormatIssues(loaded.issues));
  BOOST_TEST(IndexedStages(*loaded.policy) == 1u);
  const auto& impl = aftersales::internal::PolicyInternal::Impl(*loaded.policy);
  std::vector<std::uint32_t> candidates;
  auto facts = loaded.policy->ReadFactsJson(R"({"item": {"paid_cents": 12345, "qty": 1}})");
  BOOST_TEST_REQUIRE(facts.ok());
  impl.rule_index(0)->Candidates(aftersales::internal::PolicyInternal::Data(*facts)->slots.data(), &candidates);
  BOOST_TEST((candidates == std::vector<std::uint32_t>{122, 123, 600}));
  BOOST_TEST((loaded.policy->Decide(*facts).matched_rules == std::vector<std::string>{"b122"}));
  // Absent: only the catch-all.
  auto none = loaded.policy->ReadFactsJson(R"({"item": {"qty": 1}})");
  impl.rule_index(0)->Candidates(aftersales::internal::PolicyInternal::Data(*none)->slots.data(), &candidates);
  BOOST_TEST((candidates == std::vector<std::uint32_t>{600}));
  std::mt19937 rng(5);
  for (int c = 0; c < 500; ++c) ExpectSame(*loaded.policy, RandomCase(rng, 10));
}

BOOST_AUTO_TEST_CASE(wide_and_narrow_ranges_and_many_candidates) {
  // Bands of every width (one in five open above: the widest tenth is set
  // apart from the sorted spans) and 80 rules every case may match, so
  // that the candidates are many and come from several lists: they are put
  // in rule order through the bit set, and decide as the scan does.
  std::string policy = "policy: {name: wide, version: \"1\", locales: [en]}\nstages:\n  - id: s\n    hit: collect\n    rules:\n";
  std::mt19937 gen(21);
  for (int r = 0; r < 500; ++r) {
    std::string when;
    if (r % 6 == 0) {
      when = "has(item.note) || item.qty > " + std::to_string(gen() % 4);  // no guard: always a candidate
    } else if (r % 5 == 0) {
      when = "item.paid_cents >= " + std::to_string(gen() % 20000);
    } else {
      const int lo = static_cast<int>(gen() % 20000);
      when = "item.paid_cents >= " + std::to_string(lo) + " && item.paid_cents <= " +
             std::to_string(lo + static_cast<int>(gen() % (r % 3 == 0 ? 9000 : 300)));
    }
    policy += "      - {id: w" + std::to_string(r) + ", when: \"" + when + "\", then: {tags: \"['t" +
              std::to_string(r) + "']\"}}\n";
  }
  LoadResult loaded = aftersales::LoadPolicyFromStrings({{"schema.yaml", kSchema}, {"policy.yaml", policy}});
  BOOST_TEST_REQUIRE(loaded.ok(), aftersales::FormatIssues(loaded.issues));
  BOOST_TEST_REQUIRE(IndexedStages(*loaded.policy) == 1u);
  const auto& impl = aftersales::internal::PolicyInternal::Impl(*loaded.policy);
  std::mt19937 rng(8);
  std::size_t most = 0;
  for (int c = 0; c < 800; ++c) {
    std::string json = "{\"item\": {\"qty\": " + std::to_string(rng() % 6) +
                       (rng() % 8 ? ", \"paid_cents\": " + std::to_string(rng() % 32000) : std::string()) +
                       (rng() % 3 ? std::string() : ", \"note\": \"n\"") + "}}";
    ExpectSame(*loaded.policy, json);
    auto facts = loaded.policy->ReadFactsJson(json);
    std::vector<std::uint32_t> candidates;
    impl.rule_index(0)->Candidates(aftersales::internal::PolicyInternal::Data(*facts)->slots.data(), &candidates);
    const bool ordered =
        std::adjacent_find(candidates.begin(), candidates.end(), std::greater_equal<>()) == candidates.end();
    BOOST_TEST(ordered, "candidates in strict rule order for " << json);
    most = std::max(most, candidates.size());
  }
  BOOST_TEST(most >= 100u);  // the bit set was used
}

BOOST_AUTO_TEST_CASE(the_step_budget_runs_out_where_the_scan_runs_out) {
  // With a budget a few hundred steps long, it runs out inside the run of
  // skipped rules: the error and the rules fired before it are the same.
  std::mt19937 rng(99);
  for (std::int64_t steps : {50, 200, 400, 700, 1200}) {
    aftersales::LoadOptions options;
    options.limits.max_eval_steps = steps;
    LoadResult loaded = aftersales::LoadPolicyFromStrings(
        {{"schema.yaml", kSchema}, {"policy.yaml", RandomPolicy(rng, 150, 30)}}, options);
    BOOST_TEST_REQUIRE(loaded.ok(), aftersales::FormatIssues(loaded.issues));
    BOOST_TEST(IndexedStages(*loaded.policy) >= 1u);
    int over = 0;
    for (int c = 0; c < 200; ++c) {
      std::string json = RandomCase(rng, 30);
      ExpectSame(*loaded.policy, json);
      auto facts = loaded.policy->ReadFactsJson(json);
      Decision d = loaded.policy->Decide(*facts);
      for (const auto& e : d.errors) over += e.message.find("step budget") != std::string::npos ? 1 : 0;
    }
    if (steps <= 200) BOOST_TEST(over > 0, "budget " << steps);
  }
}

BOOST_AUTO_TEST_CASE(the_shipped_policy_decides_as_the_scan_does) {
  LoadResult loaded = aftersales::LoadPolicy(std::string(AFTERSALES_SOURCE_DIR) + "/rules");
  BOOST_TEST_REQUIRE(loaded.ok(), aftersales::FormatIssues(loaded.issues));
  BOOST_TEST(IndexedStages(*loaded.policy) >= 1u);
  int cases = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(AFTERSALES_SOURCE_DIR) + "/examples/cases")) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path());
    std::stringstream ss;
    ss << in.rdbuf();
    ExpectSame(*loaded.policy, ss.str());
    ++cases;
  }
  BOOST_TEST(cases > 5);
}

BOOST_AUTO_TEST_SUITE_END()
