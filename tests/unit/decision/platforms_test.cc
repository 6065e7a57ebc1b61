// One policy for every platform: a policy whose header declares
// `platforms` loads an overlay per platform and decides each case by the
// overlay of its platform (tests/policies/platforms_base: jd exchanges a
// defect, taobao adds a priority, tmall and own have no overlay). Covers
// the decision's policy, DecideToJson, the digest, rule_ids, every load
// error with its place, the facts schema check, threads, PolicyStore
// reloads, the C API, the decision log, batches and policy tests.
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "aftersales/aftersales.h"
#include "aftersales/policy_store.h"
#include "aftersales/policy_tests.h"
#include "decision/policy_impl.h"
#include "decision/policy_internal.h"

namespace aftersales {
namespace {

namespace fs = std::filesystem;

const std::string kSet = std::string(AFTERSALES_SOURCE_DIR) + "/tests/policies/platforms_base";

// A copy of the policy set (or an empty folder) that a test may change.
class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("aftersales_platforms_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string CopySet() const {
    fs::copy(kSet, path_ / "set", fs::copy_options::recursive);
    return Path("set");
  }
  std::string Write(const std::string& name, const std::string& text) const {
    fs::path p = path_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
    return p.generic_string();
  }
  std::string Path(const std::string& name) const { return (path_ / name).generic_string(); }

 private:
  fs::path path_;
  static inline int counter_ = 0;
};

std::shared_ptr<const Policy> MustLoad(const std::string& path) {
  LoadResult r = LoadPolicy(path);
  BOOST_TEST_REQUIRE(r.ok(), FormatIssues(r.issues));
  return r.policy;
}

std::string Case(const std::string& platform, const std::string& issue = "defect") {
  std::string c = R"({"case": {"id": "C-1", "locale": "en")";
  if (!platform.empty()) c += R"(, "platform": ")" + platform + "\"";
  return c + R"(}, "issue": {"type": ")" + issue + R"("}, "item": {"paid_cents": 1000}})";
}

Decision DecideJson(const Policy& p, const std::string& json) {
  auto facts = p.ReadFactsJson(json);
  BOOST_TEST_REQUIRE(facts.ok(), facts.status().message());
  return p.Decide(*facts);
}

std::string Field(const Decision& d, const std::string& name) {
  const FieldValue* v = d.Find(name);
  return v ? v->string_value : "(none)";
}

const Issue* FindIssue(const std::vector<Issue>& issues, const std::string& code) {
  for (const Issue& i : issues) {
    if (i.code == code && i.severity == Severity::kError) return &i;
  }
  return nullptr;
}

// A base with `platforms` as given, and a valid jd overlay beside it.
std::string BaseWith(const TempDir& dir, const std::string& platforms) {
  std::ifstream schema(kSet + "/schema.yaml");
  std::stringstream text;
  text << schema.rdbuf();
  dir.Write("b/schema.yaml", text.str());
  dir.Write("b/jd/policy.yaml", "policy: {extends: .., name: jd, version: \"2\"}\n");
  return dir.Write("b/policy.yaml", "policy:\n  name: base\n  version: \"1\"\n" + platforms +
                                        "stages:\n  - id: resolution\n    rules:\n      - id: other\n"
                                        "        then: {resolution: explain_policy}\n");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(platforms)

BOOST_AUTO_TEST_CASE(each_case_is_decided_by_its_platforms_overlay) {
  auto p = MustLoad(kSet);
  BOOST_TEST(p->name() == "base");
  BOOST_REQUIRE_EQUAL(p->platform_overlays().size(), 2u);
  const PlatformOverlay& jd = p->platform_overlays()[0];
  const PlatformOverlay& taobao = p->platform_overlays()[1];
  BOOST_TEST(jd.platform == "jd");
  BOOST_TEST(jd.path == kSet + "/jd");
  BOOST_TEST(jd.policy->name() == "jd");
  BOOST_TEST(taobao.platform == "taobao");
  BOOST_TEST(taobao.policy->version() == "3");

  Decision d = DecideJson(*p, Case("jd"));
  BOOST_REQUIRE(d.ok());
  BOOST_TEST(Field(d, "resolution") == "exchange");
  BOOST_TEST(d.policy_name == "jd");
  BOOST_TEST(d.policy_version == "2");
  BOOST_TEST(d.policy_digest == jd.policy->digest());
  BOOST_TEST(d.script_text == "JD: we exchange it.");
  BOOST_TEST(d.case_id == "C-1");

  d = DecideJson(*p, Case("taobao", "question"));
  BOOST_TEST(Field(d, "resolution") == "explain_policy");
  BOOST_TEST(Field(d, "priority") == "P2");
  BOOST_TEST(d.policy_name == "taobao");

  for (const std::string platform : {"tmall", "own", ""}) {
    d = DecideJson(*p, Case(platform));
    BOOST_TEST(Field(d, "resolution") == "return_refund", platform);
    BOOST_TEST(d.policy_name == "base", platform);
    BOOST_TEST(d.policy_digest == p->digest(), platform);
  }
}

// A case holds the words of the enums of the policy that read it; an
// overlay's own copy of each enum finds them by index too (no text
// compared), and a rule's constant for an enum field is the enum's own word.
BOOST_AUTO_TEST_CASE(an_overlay_finds_the_words_its_policy_read_by_index) {
  auto p = MustLoad(kSet);
  auto facts = p->ReadFactsJson(Case("jd"));
  BOOST_TEST_REQUIRE(facts.ok());
  const internal::FactsData* data = internal::PolicyInternal::Data(*facts);
  const internal::PolicyImpl& jd = internal::PolicyInternal::Impl(*p->platform_overlays()[0].policy);
  const internal::Schema& schema = jd.model().schema;
  const std::uint32_t platform = schema.fact_index.at("case.platform");
  const internal::EnumType& words = *schema.facts[platform].type->enum_type();
  const internal::EnumType& base_words =
      *internal::PolicyInternal::Impl(*p).model().schema.facts[platform].type->enum_type();
  BOOST_TEST(&words != &base_words);  // each policy has its own enum
  const internal::Value& held = data->slots[platform];
  BOOST_TEST_REQUIRE(held.string_value() == "jd");
  BOOST_TEST(words.StoredIndex(held.string_value()) == words.IndexOf("jd"));
  const std::string copy = "jd";
  BOOST_TEST(words.StoredIndex(copy) == -1);  // a copy is not one of the words

  internal::EngineDecision d;
  internal::PolicyInternal::Impl(*p).DecideValues(*facts, &d);
  BOOST_TEST_REQUIRE(d.ok());
  BOOST_TEST(d.decided_by == &jd);
  const std::uint32_t resolution = schema.decision_index.at("resolution");
  const internal::EnumType& resolutions = *schema.decisions[resolution].type->enum_type();
  BOOST_TEST_REQUIRE(d.values[resolution].string_value() == "exchange");
  BOOST_TEST(resolutions.StoredIndex(d.values[resolution].string_value()) == resolutions.IndexOf("exchange"));
}

BOOST_AUTO_TEST_CASE(decide_to_json_is_the_overlays_decision) {
  auto p = MustLoad(kSet);
  for (const std::string platform : {"jd", "taobao", "tmall", ""}) {
    for (const std::string issue : {"defect", "question"}) {
      auto facts = p->ReadFactsJson(Case(platform, issue));
      BOOST_REQUIRE(facts.ok());
      bool decided = false;
      std::string fast = p->DecideToJson(*facts, {}, &decided);
      BOOST_TEST(decided);
      BOOST_TEST(fast == DecisionToJson(p->Decide(*facts), false, -1), platform + " " + issue);
    }
  }
  auto facts = p->ReadFactsJson(Case("jd"));
  BOOST_TEST(p->DecideToJson(*facts).find(R"("policy":{"name":"jd","version":"2")") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_overlay_decides_what_its_policy_read_but_not_the_reverse) {
  auto p = MustLoad(kSet);
  const Policy& jd = *p->platform_overlays()[0].policy;
  auto root_facts = p->ReadFactsJson(Case("taobao"));
  BOOST_REQUIRE(root_facts.ok());
  // An overlay decides with its own rules, whatever the platform says.
  Decision d = jd.Decide(*root_facts);
  BOOST_REQUIRE(d.ok());
  BOOST_TEST(d.policy_name == "jd");
  BOOST_TEST(Field(d, "resolution") == "exchange");
  // The other overlay does too; a policy that is not an overlay does not.
  auto other = MustLoad(kSet + "/jd");
  BOOST_TEST(!other->Decide(*root_facts).ok());
  auto jd_facts = jd.ReadFactsJson(Case("jd"));
  BOOST_REQUIRE(jd_facts.ok());
  Decision refused = p->Decide(*jd_facts);
  BOOST_REQUIRE(!refused.ok());
  BOOST_TEST(refused.errors[0].message.find("not read by this policy") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_overlay_loaded_on_its_own_has_no_overlays) {
  auto jd = MustLoad(kSet + "/jd");
  BOOST_TEST(jd->name() == "jd");
  BOOST_TEST(jd->platform_overlays().empty());
  BOOST_TEST(Field(DecideJson(*jd, Case("taobao")), "resolution") == "exchange");
  // The same digest as the overlay the base loaded.
  BOOST_TEST(jd->digest() == MustLoad(kSet)->platform_overlays()[0].policy->digest());
}

BOOST_AUTO_TEST_CASE(rule_ids_add_the_overlays_own_rules) {
  auto p = MustLoad(kSet);
  BOOST_TEST((p->rule_ids() == std::vector<std::string>{"defect", "other", "taobao_priority"}));
}

BOOST_AUTO_TEST_CASE(the_digest_covers_the_overlays) {
  TempDir dir;
  std::string set = dir.CopySet();
  auto before = MustLoad(set);
  BOOST_TEST(before->digest() != before->platform_overlays()[0].policy->digest());
  BOOST_TEST(before->digest().rfind("sha256:", 0) == 0u);
  BOOST_TEST(before->digest().size() == 7u + 64u);
  // The base itself changes nothing; the jd overlay changes.
  std::string jd = set + "/jd/policy.yaml";
  std::ifstream in(jd);
  std::stringstream text;
  text << in.rdbuf();
  std::string changed = text.str();
  changed.replace(changed.find("JD: we exchange it."), 19, "JD: we swap it.");
  dir.Write("set/jd/policy.yaml", changed);
  auto after = MustLoad(set);
  BOOST_TEST(after->digest() != before->digest());
  BOOST_TEST(after->platform_overlays()[1].policy->digest() == before->platform_overlays()[1].policy->digest());
  // Same files, same digest.
  BOOST_TEST(MustLoad(set)->digest() == after->digest());
}

BOOST_AUTO_TEST_CASE(load_errors_at_the_platforms_entries) {
  TempDir dir;
  struct Row {
    std::string platforms;
    std::string code;
    int line, column;
    std::string says;
  };
  const std::vector<Row> rows = {
      {"  platforms:\n    fact: case.plattform\n    overlays: {jd: jd}\n", "policy.undeclared_fact", 5, 11,
       "'platforms.fact' names 'case.plattform', which is not a declared fact (did you mean 'case.platform'?)"},
      {"  platforms:\n    fact: case.id\n    overlays: {jd: jd}\n", "schema.type", 5, 11,
       "'platforms.fact' must name an enum fact (its words choose the overlays), but 'case.id' is string"},
      {"  platforms:\n    overlays:\n      jdd: jd\n", "policy.platforms", 6, 7,
       "'jdd' is not a value of platform, the type of case.platform (expected one of: taobao, tmall, jd, own) "
       "(did you mean 'jd'?)"},
      {"  platforms:\n    overlays:\n      jd: nowhere\n", "policy.platforms", 6, 11,
       "cannot read the platform overlay '" + dir.Path("b/nowhere") + "': no such file or directory"},
      {"  platforms:\n    fact: case.platform\n", "schema.missing_key", 5, 5, "'overlays'"},
      {"  platforms: [jd]\n", "schema.kind", 4, 14, "'platforms'"},
      {"  platforms:\n    overlays: {jd: jd}\n    extra: 1\n", "schema.unknown_key", 6, 5, "extra"},
  };
  for (const Row& row : rows) {
    std::string base = BaseWith(dir, row.platforms);
    LoadResult r = LoadPolicy(dir.Path("b"));
    BOOST_TEST(!r.ok(), row.platforms);
    const Issue* issue = FindIssue(r.issues, row.code);
    BOOST_TEST_REQUIRE(issue != nullptr, row.platforms + FormatIssues(r.issues));
    BOOST_TEST(issue->location.file == base, row.platforms);
    BOOST_TEST(issue->location.line == row.line, row.platforms + FormatIssues(r.issues));
    BOOST_TEST(issue->location.column == row.column, row.platforms + FormatIssues(r.issues));
    BOOST_TEST(issue->message.find(row.says) != std::string::npos, issue->message);
  }
}

BOOST_AUTO_TEST_CASE(every_problem_is_reported_at_once) {
  TempDir dir;
  BaseWith(dir, "  platforms:\n    overlays:\n      jdd: jd\n      tmall: nowhere\n      jd: jd\n");
  dir.Write("b/jd/policy.yaml",
            "policy: {extends: .., name: jd, version: \"2\"}\nstages:\n  - id: resolution\n    rules:\n"
            "      - id: jd_rule\n        when: issue.tpye == 'x'\n        then: {resolution: exchange}\n");
  LoadResult r = LoadPolicy(dir.Path("b"));
  BOOST_TEST(!r.ok());
  std::string all = FormatIssues(r.issues);
  BOOST_TEST(all.find("'jdd' is not a value of platform") != std::string::npos, all);
  BOOST_TEST(all.find("cannot read the platform overlay") != std::string::npos, all);
  // The overlay's own problem, at its own place.
  BOOST_TEST(all.find(dir.Path("b/jd/policy.yaml") + ":6:15:") != std::string::npos, all);
}

BOOST_AUTO_TEST_CASE(an_overlay_must_read_cases_as_its_policy_does) {
  TempDir dir;
  BaseWith(dir, "  platforms:\n    overlays: {jd: jd}\n");
  struct Row {
    std::string overlay;
    std::string says;
  };
  const std::vector<Row> rows = {
      {"facts:\n  order.note: string\n", "it declares fact 'order.note', which this policy does not"},
      {"enums:\n  extra: [a]\nfacts:\n  order.kind: extra\n", "it declares fact 'order.kind'"},
  };
  for (const Row& row : rows) {
    dir.Write("b/jd/policy.yaml", "policy: {extends: .., name: jd, version: \"2\"}\n" + row.overlay);
    LoadResult r = LoadPolicy(dir.Path("b"));
    BOOST_TEST(!r.ok());
    const Issue* issue = FindIssue(r.issues, "policy.platforms");
    BOOST_TEST_REQUIRE(issue != nullptr, FormatIssues(r.issues));
    BOOST_TEST(issue->location.file == dir.Path("b/policy.yaml"));
    BOOST_TEST(issue->location.line == 5);
    BOOST_TEST(issue->location.column == 20);
    BOOST_TEST(issue->message.find(row.says) != std::string::npos, issue->message);
    BOOST_TEST(issue->message.find("platform overlay '" + dir.Path("b/jd") + "' for jd") != std::string::npos,
               issue->message);
  }
  // A policy of its own (no extends) with other facts, types, order.
  auto standalone = [&](const std::string& facts) {
    dir.Write("b/jd/policy.yaml",
              "policy: {name: jd, version: \"2\"}\nenums:\n  platform: [taobao, tmall, jd, own]\n"
              "  locale: [zh-CN, zh-TW, en]\n  resolution: [return_refund, exchange, explain_policy]\n"
              "  priority: [P1, P2, P3, P4]\nfacts:\n" +
                  facts +
                  "decisions:\n  resolution: {type: resolution, required: true}\n"
                  "stages:\n  - id: r\n    rules:\n      - id: x\n        then: {resolution: exchange}\n");
    LoadResult r = LoadPolicy(dir.Path("b"));
    const Issue* issue = FindIssue(r.issues, "policy.platforms");
    return issue ? issue->message : FormatIssues(r.issues);
  };
  const std::string same =
      "  case.id: string\n  case.platform: platform\n  case.locale: locale\n  issue.type: string\n"
      "  item.paid_cents: money\n";
  standalone(same);  // the same facts: loads
  LoadResult fine = LoadPolicy(dir.Path("b"));
  BOOST_TEST(fine.ok(), FormatIssues(fine.issues));
  std::string m = standalone(
      "  case.platform: platform\n  case.id: string\n  case.locale: locale\n  issue.type: string\n"
      "  item.paid_cents: money\n");
  BOOST_TEST(m.find("another order: its fact #1 is 'case.platform', this policy's is 'case.id'") !=
                 std::string::npos,
             m);
  m = standalone("  case.id: string\n  case.platform: platform\n  case.locale: locale\n  issue.type: string\n"
                 "  item.paid_cents: int\n");
  BOOST_TEST(m.find("its fact 'item.paid_cents' is int, this policy's is money") != std::string::npos, m);
  m = standalone("  case.id: string\n  case.platform: platform\n  case.locale: locale\n  issue.type: string\n");
  BOOST_TEST(m.find("it does not declare fact 'item.paid_cents'") != std::string::npos, m);
  m = standalone("  case.id: {type: string, default: x}\n  case.platform: platform\n  case.locale: locale\n"
                 "  issue.type: string\n  item.paid_cents: money\n");
  BOOST_TEST(m.find("its fact 'case.id' has another default") != std::string::npos, m);
}

BOOST_AUTO_TEST_CASE(platforms_from_strings_need_the_overlays_given) {
  // From memory the overlay is a name among the files, as on disk a path.
  LoadResult r = LoadPolicyFromStrings(
      {{"p.yaml", "policy:\n  name: p\n  version: \"1\"\n  platforms:\n    overlays: {jd: jd}\n"}});
  BOOST_TEST(!r.ok());
  const Issue* issue = FindIssue(r.issues, "policy.platforms");
  BOOST_TEST_REQUIRE(issue != nullptr, FormatIssues(r.issues));
  BOOST_TEST(issue->location.line == 5);
  BOOST_TEST(issue->location.column == 20);
  BOOST_TEST(issue->message == "cannot read the platform overlay 'jd': no such file or directory");
}

BOOST_AUTO_TEST_CASE(an_overlay_has_no_overlays_of_its_own) {
  TempDir dir;
  BaseWith(dir, "  platforms:\n    overlays: {jd: jd, own: .}\n");
  dir.Write("b/jd/policy.yaml", "policy:\n  extends: ..\n  name: jd\n  version: \"2\"\n  platforms:\n"
                                "    overlays: {taobao: ..}\n");
  LoadResult r = LoadPolicy(dir.Path("b"));
  BOOST_TEST(!r.ok());
  std::string all = FormatIssues(r.issues);
  // jd's own platforms, and the base's (read as the overlay for own).
  BOOST_TEST(all.find(dir.Path("b/jd/policy.yaml") + ":5:3: this policy is loaded as a platform overlay") !=
                 std::string::npos,
             all);
  BOOST_TEST(all.find(dir.Path("b/policy.yaml") + ":4:3: this policy is loaded as a platform overlay") !=
                 std::string::npos,
             all);
  // Loaded on its own, jd's platforms are read (and extend nothing back).
  dir.Write("b/jd/policy.yaml", "policy:\n  extends: ..\n  name: jd\n  version: \"2\"\n  platforms:\n"
                                "    overlays: {taobao: ../t}\n");
  dir.Write("b/t/policy.yaml", "policy: {extends: .., name: t, version: \"1\"}\n");
  LoadResult jd = LoadPolicy(dir.Path("b/jd"));
  BOOST_TEST_REQUIRE(jd.ok(), FormatIssues(jd.issues));
  BOOST_REQUIRE_EQUAL(jd.policy->platform_overlays().size(), 1u);
  BOOST_TEST(jd.policy->platform_overlays()[0].policy->name() == "t");
}

BOOST_AUTO_TEST_CASE(the_byte_budget_counts_the_overlays) {
  LoadOptions options;
  std::uintmax_t own = 0;
  for (const char* f : {"/policy.yaml", "/schema.yaml"}) own += fs::file_size(kSet + f);
  options.limits.max_policy_bytes = static_cast<std::size_t>(own) + 10;
  LoadResult r = LoadPolicy(kSet, options);
  BOOST_TEST(!r.ok());
  BOOST_TEST(FormatIssues(r.issues).find("max_policy_bytes") != std::string::npos, FormatIssues(r.issues));
  options.limits.max_policy_bytes = 1u << 20;
  BOOST_TEST(LoadPolicy(kSet, options).ok());
}

BOOST_AUTO_TEST_CASE(threads_decide_through_dispatch_at_once) {
  auto p = MustLoad(kSet);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"jd", "jd"}, {"taobao", "taobao"}, {"tmall", "base"}, {"", "base"}, {"own", "base"}};
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 400; ++i) {
        const auto& [platform, policy] = cases[static_cast<std::size_t>(i + t) % cases.size()];
        auto facts = p->ReadFactsJson(Case(platform));
        if (!facts.ok()) {
          ++wrong;
          continue;
        }
        bool decided = false;
        std::string json = p->DecideToJson(*facts, {}, &decided);
        Decision d = p->Decide(*facts);
        if (!decided || d.policy_name != policy ||
            json.find("\"name\":\"" + policy + "\"") == std::string::npos) {
          ++wrong;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  BOOST_TEST(wrong.load() == 0);
}

BOOST_AUTO_TEST_CASE(a_reload_picks_up_a_changed_overlay) {
  TempDir dir;
  std::string set = dir.CopySet();
  auto store = PolicyStore::Open(set);
  BOOST_REQUIRE(store.ok());
  auto p = (*store)->Current();
  BOOST_TEST(Field(DecideJson(*p, Case("jd")), "resolution") == "exchange");
  const std::string old = p->digest();
  dir.Write("set/jd/policy.yaml",
            "policy: {extends: .., name: jd, version: \"2b\"}\nstages:\n  - id: resolution\n    rules:\n"
            "      - id: defect\n        when: issue.type == 'defect'\n        then: {resolution: explain_policy}\n");
  ReloadResult r = (*store)->Reload();
  BOOST_TEST(r.swapped, FormatIssues(r.issues));
  BOOST_TEST(r.new_digest != old);
  auto q = (*store)->Current();
  Decision d = DecideJson(*q, Case("jd"));
  BOOST_TEST(Field(d, "resolution") == "explain_policy");
  BOOST_TEST(d.policy_version == "2b");
  // The old policy still decides as it did.
  BOOST_TEST(Field(DecideJson(*p, Case("jd")), "resolution") == "exchange");
  // A broken overlay keeps the old version live.
  dir.Write("set/jd/policy.yaml", "policy: {extends: .., name: jd, version: [2]}\n");
  r = (*store)->Reload();
  BOOST_TEST(!r.swapped);
  BOOST_TEST(FormatIssues(r.issues).find(dir.Path("set/jd/policy.yaml")) != std::string::npos);
  BOOST_TEST((*store)->Current()->digest() == q->digest());
}

BOOST_AUTO_TEST_CASE(the_c_api_batches_and_the_log_go_through_dispatch) {
  aftersales_policy_t* handle = nullptr;
  char* error = nullptr;
  BOOST_REQUIRE(aftersales_policy_load(kSet.c_str(), &handle, &error) == AFTERSALES_OK);
  const std::string json = Case("jd");
  char* decision = nullptr;
  BOOST_REQUIRE(aftersales_decide_json(handle, json.c_str(), json.size(), 0, &decision, &error) == AFTERSALES_OK);
  BOOST_TEST(std::string(decision).find(R"("policy":{"name":"jd")") != std::string::npos, decision);
  aftersales_free(decision);
  aftersales_policy_free(handle);

  auto p = MustLoad(kSet);
  std::istringstream lines(Case("jd") + "\n" + Case("tmall") + "\n" + Case("taobao", "question") + "\n");
  std::string out;
  BatchOptions options;
  options.threads = 2;
  BatchStats stats = DecideJsonLines(*p, lines, [&](std::string_view s) {
    out += s;
    return true;
  }, options);
  BOOST_TEST(stats.decided == 3);
  std::size_t jd = out.find(R"("name":"jd")"), base = out.find(R"("name":"base")"),
              taobao = out.find(R"("name":"taobao")");
  BOOST_TEST((jd != std::string::npos && base != std::string::npos && taobao != std::string::npos), out);
  BOOST_TEST((jd < base && base < taobao), out);

  std::string logged;
  DecisionLog log([&](std::string_view line) {
    logged += line;
    return true;
  }, {});
  auto facts = p->ReadFactsJson(Case("jd"));
  Decision d = p->Decide(*facts);
  BOOST_TEST(log.Append(*p, *facts, d).ok());
  BOOST_TEST(logged.find(R"("policy":{"name":"jd")") != std::string::npos, logged);
}

BOOST_AUTO_TEST_CASE(policy_tests_run_every_overlays_tests) {
  auto p = MustLoad(kSet);
  PolicyTestReport report = RunPolicyTests(*p, kSet + "/tests");
  const std::string first = report.failures.empty() ? "" : report.failures[0].ToString();
  BOOST_TEST(report.ok(), first);
  BOOST_TEST(report.passed == 5);
  BOOST_TEST(report.unreached.empty());
  BOOST_REQUIRE_EQUAL(report.suites.size(), 2u);  // taobao has no tests folder
  BOOST_TEST(report.suites[0].policy == "base");
  BOOST_TEST(report.suites[0].passed == 4);
  BOOST_TEST(report.suites[1].platform == "jd");
  BOOST_TEST(report.suites[1].passed == 1);
  BOOST_REQUIRE_EQUAL(report.issues.size(), 1u);
  BOOST_TEST((report.issues[0].severity == Severity::kWarning));

  // Without the base's taobao test, the taobao overlay's rule is unreached;
  // without the jd cases, jd's replacement of 'defect' is.
  TempDir dir;
  std::string set = dir.CopySet();
  dir.Write("set/tests/base.yaml",
            "tests:\n  - name: own defect\n    case: {case: {platform: own}, issue: {type: defect}}\n"
            "    expect: {resolution: return_refund}\n  - name: other\n    case: {issue: {type: q}}\n"
            "    expect: {resolution: explain_policy}\n");
  fs::remove_all(set + "/jd/tests");
  auto q = MustLoad(set);
  report = RunPolicyTests(*q, set + "/tests");
  BOOST_TEST(!report.ok());
  std::vector<std::string> unreached;
  for (const UnreachedRule& u : report.unreached) unreached.push_back(u.rule_id + "@" + u.location.file);
  BOOST_TEST((unreached == std::vector<std::string>{"defect@" + set + "/jd/policy.yaml",
                                                     "taobao_priority@" + set + "/taobao/policy.yaml"}));
}

// An expectation that is not text would read as "" and hold for any
// decision: such a test is malformed, not passed.
BOOST_AUTO_TEST_CASE(expectations_that_could_not_fail_are_malformed) {
  TempDir dir;
  std::string set = dir.CopySet();
  dir.Write("set/tests/base.yaml",
            "tests:\n"
            "  - name: an error that is a list\n    case: {issue: {type: q}}\n    expect: {error: [x]}\n"
            "  - name: a script that is a map\n    case: {issue: {type: q}}\n    expect: {script_contains: {a: b}}\n"
            "  - name: an empty needle\n    case: {issue: {type: q}}\n    expect: {script_not_contains: [\"\"]}\n"
            "  - name: [not, text]\n    case: {issue: {type: q}}\n    expect: {resolution: explain_policy}\n"
            "  - name: well formed\n    case: {issue: {type: q}}\n    expect: {resolution: explain_policy}\n");
  fs::remove_all(set + "/jd/tests");
  auto q = MustLoad(set);
  PolicyTestReport report = RunPolicyTests(*q, set + "/tests");
  BOOST_TEST(!report.ok());
  std::vector<int> lines;
  for (const Issue& i : report.issues) {
    if (i.code == "test.shape") lines.push_back(i.location.line);
  }
  BOOST_TEST((lines == std::vector<int>{4, 7, 10, 11}));
  BOOST_TEST(report.suites[0].passed == 1);
  BOOST_TEST(report.suites[0].failed == 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aftersales
