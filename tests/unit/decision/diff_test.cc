// DiffPolicies against a reference built the plain way: every case read and
// decided in full (Policy::Decide) under both policies, field by field. The
// shipped policy (which routes each case to its platform's overlay) against
// a copy with a lower no-return floor, on the example cases plus broken and
// blank lines; the report must not depend on threads or chunk sizes.
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "aftersales/aftersales.h"

namespace aftersales {
namespace {

namespace fs = std::filesystem;

std::string Root() { return AFTERSALES_SOURCE_DIR; }

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A copy of rules/ whose no-return threshold (shop.no_return_below_cents)
// is 20.00 instead of 30.00 and whose partial refund for a minor flaw
// (shop.minor_flaw_percent) is 15 % instead of 10: some decisions change,
// most do not.
class ChangedRules {
 public:
  ChangedRules() {
    dir_ = fs::temp_directory_path() / ("aftersales_diff_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::copy(Root() + "/rules", dir_, fs::copy_options::recursive);
    fs::remove(dir_ / "aftersales.lock");
    const fs::path shop = dir_ / "shop_facts.yaml";
    std::string text = ReadFile(shop);
    for (const auto& [from, to] : {std::pair<std::string, std::string>{"default: 3000", "default: 2000"},
                                   {"default: 10\n", "default: 15\n"}}) {
      const std::size_t at = text.find(from);
      BOOST_REQUIRE(at != std::string::npos);
      text.replace(at, from.size(), to);
    }
    std::ofstream(shop, std::ios::binary | std::ios::trunc) << text;
  }
  ~ChangedRules() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string path() const { return dir_.string(); }

 private:
  fs::path dir_;
};

std::string Cases() {
  std::string text = ReadFile(Root() + "/examples/cases/sample.jsonl");
  // A line no policy reads, a blank one, a case with a wrong type.
  text += "{not json\n\n   \n";
  text += R"({"case":{"id":"BAD-1"},"item":{"paid_cents":"lots"}})" "\n";
  return text;
}

bool Same(const FieldValue& a, const FieldValue& b) {
  if (a.kind != b.kind) return false;
  if (a.kind == FieldValue::Kind::kList) {
    if (a.items.size() != b.items.size()) return false;
    for (std::size_t i = 0; i < a.items.size(); ++i) {
      if (!Same(a.items[i], b.items[i])) return false;
    }
    return true;
  }
  return a.bool_value == b.bool_value && a.int_value == b.int_value && a.uint_value == b.uint_value &&
         a.double_value == b.double_value && a.string_value == b.string_value;
}

std::int64_t Int(const Decision& d, const char* name) {
  const FieldValue* v = d.Find(name);
  return v && v->kind == FieldValue::Kind::kInt ? v->int_value : 0;
}

std::string Resolution(const Decision& d) {
  if (!d.ok()) return "(error)";
  const FieldValue* v = d.Find("resolution");
  return v && v->kind == FieldValue::Kind::kString ? v->string_value : "";
}

// The report's figures, the plain way.
struct Reference {
  std::int64_t cases = 0, blank = 0, unreadable = 0, failed_baseline = 0, failed_candidate = 0, changed = 0;
  std::int64_t refund_before = 0, refund_after = 0, merchant_before = 0, merchant_after = 0;
  std::map<std::string, std::int64_t> by_field, hits_before, hits_after;
  std::map<std::pair<std::string, std::string>, std::int64_t> transitions;
  std::vector<ChangedCase> changed_cases;  // line, case_id, score, fields (the JSON left out)
};

Reference Plain(const Policy& before, const Policy& after, const std::string& cases) {
  Reference r;
  std::istringstream in(cases);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      ++r.blank;
      continue;
    }
    ++r.cases;
    auto fa = before.ReadFactsJson(line);
    auto fb = after.ReadFactsJson(line);
    if (!fa.ok() || !fb.ok()) {
      ++r.unreadable;
      continue;
    }
    const Decision a = before.Decide(*fa), b = after.Decide(*fb);
    for (const std::string& id : a.matched_rules) ++r.hits_before[id];
    for (const std::string& id : b.matched_rules) ++r.hits_after[id];
    r.failed_baseline += a.ok() ? 0 : 1;
    r.failed_candidate += b.ok() ? 0 : 1;
    r.refund_before += Int(a, "refund_cents");
    r.refund_after += Int(b, "refund_cents");
    r.merchant_before += Int(a, "freight.merchant_cents");
    r.merchant_after += Int(b, "freight.merchant_cents");
    std::set<std::string> names;
    for (const auto& f : a.fields) names.insert(f.first);
    for (const auto& f : b.fields) names.insert(f.first);
    ChangedCase c;
    c.line = r.cases + r.blank;
    c.case_id = b.case_id.empty() ? a.case_id : b.case_id;
    if (a.ok() != b.ok()) c.fields.push_back("outcome");
    for (const std::string& name : names) {
      const FieldValue *x = a.Find(name), *y = b.Find(name);
      if (!Same(x ? *x : FieldValue(), y ? *y : FieldValue())) c.fields.push_back(name);
    }
    if (c.fields.empty()) continue;
    ++r.changed;
    for (const std::string& f : c.fields) ++r.by_field[f];
    const std::string from = Resolution(a), to = Resolution(b);
    if (from != to) ++r.transitions[{from, to}];
    // The report's measure of change: a new resolution outweighs any amount.
    c.score = (from != to ? 1e12 : 0) +
              std::fabs(static_cast<double>(Int(b, "refund_cents") - Int(a, "refund_cents"))) +
              std::fabs(static_cast<double>(Int(b, "freight.merchant_cents") - Int(a, "freight.merchant_cents"))) +
              static_cast<double>(c.fields.size());
    r.changed_cases.push_back(std::move(c));
  }
  return r;
}

DiffReport Run(const Policy& before, const Policy& after, const std::string& cases, int threads,
               std::size_t chunk, std::size_t top_cases = 10) {
  std::istringstream in(cases);
  DiffOptions options;
  options.threads = threads;
  options.lines_per_chunk = chunk;
  options.top_cases = top_cases;
  return DiffPolicies(before, after, in, options);
}

// The shipped policy, the changed copy and the cases, loaded once for all
// the tests here (loading rules/ twice per test is most of their time under
// the sanitizers).
struct Fixture {
  ChangedRules changed;
  LoadResult before = LoadPolicy(Root() + "/rules");
  LoadResult after = LoadPolicy(changed.path());
  std::string cases = Cases();
};

const Fixture& Loaded() {
  static const Fixture f;  // its folder is removed at exit
  BOOST_TEST_REQUIRE(f.before.ok(), FormatIssues(f.before.issues));
  BOOST_TEST_REQUIRE(f.after.ok(), FormatIssues(f.after.issues));
  return f;
}

BOOST_AUTO_TEST_CASE(DiffAgreesWithDecidingEachCaseInFull) {
  const Fixture& f = Loaded();
  const LoadResult& before = f.before;
  const LoadResult& after = f.after;
  const std::string& cases = f.cases;
  const Reference want = Plain(*before.policy, *after.policy, cases);
  BOOST_REQUIRE_GT(want.changed, 0);                       // the change shows
  BOOST_REQUIRE_LT(want.changed, want.cases - want.unreadable);  // but not everywhere

  const DiffReport got = Run(*before.policy, *after.policy, cases, 2, 2048);
  BOOST_TEST(got.cases == want.cases);
  BOOST_TEST(got.unreadable == want.unreadable);
  BOOST_TEST(got.failed_baseline == want.failed_baseline);
  BOOST_TEST(got.failed_candidate == want.failed_candidate);
  BOOST_TEST(got.changed == want.changed);
  BOOST_TEST(got.refund_baseline_cents == want.refund_before);
  BOOST_TEST(got.refund_candidate_cents == want.refund_after);
  BOOST_TEST(got.merchant_freight_baseline_cents == want.merchant_before);
  BOOST_TEST(got.merchant_freight_candidate_cents == want.merchant_after);
  BOOST_TEST((got.changed_by_field == want.by_field));
  BOOST_TEST((got.resolution_transitions == want.transitions));
  for (const RuleHits& h : got.rules) {
    BOOST_TEST_CONTEXT(h.rule_id) {
      BOOST_TEST(h.baseline == (want.hits_before.count(h.rule_id) ? want.hits_before.at(h.rule_id) : 0));
      BOOST_TEST(h.candidate == (want.hits_after.count(h.rule_id) ? want.hits_after.at(h.rule_id) : 0));
    }
  }
  for (const auto& [hits, after] : {std::pair{&want.hits_before, false}, std::pair{&want.hits_after, true}}) {
    for (const auto& [id, n] : *hits) {
      auto it = std::find_if(got.rules.begin(), got.rules.end(), [&](const RuleHits& h) { return h.rule_id == id; });
      BOOST_TEST_REQUIRE((it != got.rules.end()), id);
      BOOST_TEST((after ? it->candidate : it->baseline) == n, id);
    }
  }
  // The most changed cases: the first ten by score, the earlier line first
  // among equals, with both decisions as Decide gives them.
  std::vector<ChangedCase> top = want.changed_cases;
  std::stable_sort(top.begin(), top.end(), [](const ChangedCase& x, const ChangedCase& y) { return x.score > y.score; });
  if (top.size() > 10) top.resize(10);
  BOOST_REQUIRE_EQUAL(got.top.size(), top.size());
  for (std::size_t i = 0; i < top.size(); ++i) {
    BOOST_TEST_CONTEXT("top " << i) {
      BOOST_TEST(got.top[i].line == top[i].line);
      BOOST_TEST(got.top[i].case_id == top[i].case_id);
      BOOST_TEST(got.top[i].score == top[i].score);
      BOOST_TEST(got.top[i].fields == top[i].fields, boost::test_tools::per_element());
    }
  }
  for (const ChangedCase& c : got.top) {
    std::istringstream in(cases);
    std::string line;
    for (std::int64_t n = 0; n < c.line; ++n) std::getline(in, line);
    auto fa = before.policy->ReadFactsJson(line);
    auto fb = after.policy->ReadFactsJson(line);
    BOOST_REQUIRE(fa.ok() && fb.ok());
    BOOST_TEST(c.baseline_json == DecisionToJson(before.policy->Decide(*fa)));
    BOOST_TEST(c.candidate_json == DecisionToJson(after.policy->Decide(*fb)));
    BOOST_TEST(!c.fields.empty());
  }
  // Lines that could not be read or decided are named, in input order.
  BOOST_REQUIRE(!got.errors.empty());
  std::int64_t last = 0;
  for (const std::string& e : got.errors) {
    BOOST_REQUIRE(e.rfind("line ", 0) == 0);
    const std::int64_t n = std::stoll(e.substr(5));
    BOOST_TEST(n >= last);
    last = n;
  }
}

BOOST_AUTO_TEST_CASE(DiffWithoutTopCasesKeepsEveryFigure) {
  const Fixture& f = Loaded();
  DiffReport with = Run(*f.before.policy, *f.after.policy, f.cases, 2, 64);
  DiffReport without = Run(*f.before.policy, *f.after.policy, f.cases, 2, 64, 0);
  BOOST_TEST(without.top.empty());
  BOOST_TEST(!with.top.empty());
  with.top.clear();
  BOOST_TEST(DiffReportToJson(without) == DiffReportToJson(with));
}

BOOST_AUTO_TEST_CASE(DiffReportDoesNotDependOnThreadsOrChunks) {
  const Fixture& f = Loaded();
  const LoadResult& before = f.before;
  const LoadResult& after = f.after;
  const std::string& cases = f.cases;
  const std::string one = DiffReportToJson(Run(*before.policy, *after.policy, cases, 1, 2048));
  BOOST_TEST(DiffReportToJson(Run(*before.policy, *after.policy, cases, 3, 7)) == one);
  BOOST_TEST(DiffReportToJson(Run(*before.policy, *after.policy, cases, 2, 1)) == one);
  BOOST_TEST(DiffReportToJson(Run(*before.policy, *after.policy, cases, 4, 64)) == one);
}

}  // namespace
}  // namespace aftersales
