// Policy overlays: `policy: {extends: BASE}` loads BASE first, then the
// overlay's rules replace base rules by id in place or are appended to their
// stage; cycles and missing bases are errors at the `extends` value.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "aftersales/loader.h"
#include "aftersales/policy.h"
#include "decision/policy_impl.h"
#include "decision/policy_internal.h"

namespace aftersales {
namespace {

namespace fs = std::filesystem;

constexpr char kBase[] = R"(policy:
  name: base
  version: "1"
  default_timezone: Asia/Shanghai
stages:
  - id: resolution
    hit: first
    rules:
      - id: a
        when: issue.type == 'complaint'
        then: {resolution: escalate, options: [escalate]}
      - id: b
        when: issue.type == 'coupon_problem'
        then: {resolution: explain_policy, options: [explain_policy]}
      - id: c
        then: {resolution: reject, options: [reject]}
  - id: priority
    hit: first
    rules:
      - id: p
        when: issue.type == 'complaint'
        then: {priority: P1}
invariants:
  - id: offered
    check: decision.resolution in decision.options
)";

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("aftersales_extends_" + std::to_string(reinterpret_cast<std::uintptr_t>(this)) +
             "_" + std::to_string(counter_++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string Write(const std::string& name, const std::string& text) const {
    fs::path p = path_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.generic_string();
  }
  std::string Path(const std::string& name) const { return (path_ / name).generic_string(); }

 private:
  fs::path path_;
  static inline int counter_ = 0;
};

std::vector<std::string> RuleIds(const Policy& policy, const std::string& stage) {
  std::vector<std::string> ids;
  for (const auto& s : internal::PolicyInternal::Impl(policy).model().stages) {
    if (s.id != stage) continue;
    for (const auto& r : s.rules) ids.push_back(r.id);
  }
  return ids;
}

BOOST_AUTO_TEST_CASE(overlay_replaces_in_place_and_appends) {
  TempDir dir;
  dir.Write("base/policy.yaml", kBase);
  std::string overlay = dir.Write("jd/policy.yaml", R"(policy:
  extends: ../base
  name: jd
  version: "2"
stages:
  - id: resolution
    rules:
      - id: b
        when: issue.type == 'coupon_problem'
        then: {resolution: partial_refund, options: [partial_refund], refund_cents: 100}
  - id: priority
    rules:
      - id: q
        when: issue.type == 'coupon_problem'
        then: {priority: P3}
  - id: extra
    hit: collect
    rules:
      - id: e
        then: {deadlines.follow_up_hours: 24}
)");
  LoadResult loaded = LoadPolicy(dir.Path("jd"));
  BOOST_REQUIRE_MESSAGE(loaded.ok(), FormatIssues(loaded.issues));
  const Policy& policy = *loaded.policy;
  BOOST_TEST(policy.name() == "jd");
  BOOST_TEST(policy.version() == "2");
  BOOST_TEST((RuleIds(policy, "resolution") == std::vector<std::string>{"a", "b", "c"}));
  BOOST_TEST((RuleIds(policy, "priority") == std::vector<std::string>{"p", "q"}));
  BOOST_TEST((RuleIds(policy, "extra") == std::vector<std::string>{"e"}));
  BOOST_TEST(internal::PolicyInternal::Impl(policy).model().invariants.size() == 1u);

  // The replaced rule decides; the appended one fires after the base's.
  Result<Facts> facts = policy.ReadFactsYaml("issue: {type: coupon_problem}\norder: {total_paid_cents: 100}\n");
  BOOST_REQUIRE(facts.ok());
  Decision d = policy.Decide(*facts);
  BOOST_REQUIRE(d.ok());
  BOOST_TEST((d.matched_rules == std::vector<std::string>{"b", "q", "e"}));
  BOOST_TEST(d.Find("refund_cents")->int_value == 100);

  // The digest covers the base too: changing it changes the overlay's.
  std::string before = policy.digest();
  std::string changed = kBase;
  changed.replace(changed.find("'complaint'"), 11, "'refund_delay'");
  dir.Write("base/policy.yaml", changed);
  LoadResult again = LoadPolicy(overlay);
  BOOST_REQUIRE_MESSAGE(again.ok(), FormatIssues(again.issues));
  BOOST_TEST(again.policy->digest() != before);
}

BOOST_AUTO_TEST_CASE(missing_base_is_an_error_at_extends) {
  TempDir dir;
  std::string overlay = dir.Write("o.yaml", "policy:\n  name: o\n  version: \"1\"\n  extends: nowhere\n");
  LoadResult loaded = LoadPolicy(overlay);
  BOOST_REQUIRE(!loaded.ok());
  BOOST_REQUIRE(loaded.issues.size() == 1u);
  BOOST_TEST(loaded.issues[0].code == "policy.extends");
  BOOST_TEST(loaded.issues[0].location.line == 4);
  BOOST_TEST(loaded.issues[0].location.column == 12);
}

BOOST_AUTO_TEST_CASE(an_empty_base_folder_is_an_error_at_extends) {
  TempDir dir;
  dir.Write("empty/notes.txt", "no policy here\n");
  std::string overlay = dir.Write("o.yaml", "policy:\n  name: o\n  version: \"1\"\n  extends: empty\n");
  LoadResult loaded = LoadPolicy(overlay);
  BOOST_REQUIRE(!loaded.ok());
  BOOST_REQUIRE(loaded.issues.size() == 1u);
  BOOST_TEST(loaded.issues[0].code == "policy.extends");
  BOOST_TEST(loaded.issues[0].location.file == overlay);
  BOOST_TEST(loaded.issues[0].location.line == 4);
  BOOST_TEST(loaded.issues[0].message.find("no .yaml or .yml files") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_extends_that_is_not_a_path_is_told_once) {
  TempDir dir;
  for (const char* value : {"[a, b]", "\"\""}) {
    std::string overlay =
        dir.Write("o.yaml", std::string("policy:\n  name: o\n  version: \"1\"\n  extends: ") + value + "\n");
    LoadResult loaded = LoadPolicy(overlay);
    BOOST_REQUIRE(!loaded.ok());
    BOOST_TEST(loaded.issues.size() == 1u, value << ": " << FormatIssues(loaded.issues));
    BOOST_TEST(loaded.issues[0].message.find("'extends'") != std::string::npos);
    BOOST_TEST(loaded.issues[0].location.line == 4);
  }
}

BOOST_AUTO_TEST_CASE(cycles_are_errors) {
  TempDir dir;
  dir.Write("a/policy.yaml", "policy:\n  name: a\n  version: \"1\"\n  extends: ../b\n");
  dir.Write("b/policy.yaml", "policy:\n  name: b\n  version: \"1\"\n  extends: ../a\n");
  LoadResult loaded = LoadPolicy(dir.Path("a"));
  BOOST_REQUIRE(!loaded.ok());
  BOOST_REQUIRE(loaded.issues.size() == 1u);
  BOOST_TEST(loaded.issues[0].code == "policy.extends");
  BOOST_TEST(loaded.issues[0].message.find("extends itself") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(errors_in_overlay_and_base_keep_their_files) {
  TempDir dir;
  std::string base = kBase;
  base.replace(base.find("issue.type == 'complaint'"), 25, "issue.typo == 'complaint'");
  std::string base_file = dir.Write("base/policy.yaml", base);
  std::string overlay = dir.Write("o/policy.yaml", R"(policy:
  extends: ../base
  name: o
  version: "1"
stages:
  - id: priority
    rules:
      - id: q
        when: issue.tpye == 'x'
)");
  LoadResult loaded = LoadPolicy(overlay);
  BOOST_REQUIRE(!loaded.ok());
  bool in_base = false, in_overlay = false;
  for (const Issue& issue : loaded.issues) {
    if (issue.location.file.find("base/policy.yaml") != std::string::npos) in_base = true;
    if (issue.location.file.find("o/policy.yaml") != std::string::npos &&
        issue.location.line == 9) {
      in_overlay = true;
    }
  }
  BOOST_TEST(in_base);
  BOOST_TEST(in_overlay);
}

BOOST_AUTO_TEST_CASE(extends_from_strings_reads_the_base_given) {
  // As on disk: the base's path is relative to the folder of the file that
  // names it, and only the first file's folder is the policy itself.
  const std::string overlay =
      "policy:\n  extends: ../base\n  name: o\n  version: \"2\"\nstages:\n  - id: resolution\n"
      "    rules:\n      - id: b\n        when: issue.type == 'coupon_problem'\n"
      "        then: {resolution: partial_refund, options: [partial_refund], refund_cents: 100}\n";
  LoadResult loaded =
      LoadPolicyFromStrings({{"o/policy.yaml", overlay}, {"base/policy.yaml", kBase}});
  BOOST_REQUIRE_MESSAGE(loaded.ok(), FormatIssues(loaded.issues));
  BOOST_TEST(loaded.policy->name() == "o");
  BOOST_TEST((RuleIds(*loaded.policy, "resolution") == std::vector<std::string>{"a", "b", "c"}));
  BOOST_TEST((RuleIds(*loaded.policy, "priority") == std::vector<std::string>{"p"}));

  LoadResult missing =
      LoadPolicyFromStrings({{"o/policy.yaml", overlay}, {"bass/policy.yaml", kBase}});
  BOOST_REQUIRE(!missing.ok());
  BOOST_REQUIRE_EQUAL(missing.issues.size(), 1u);
  BOOST_TEST(missing.issues[0].ToString() ==
             "o/policy.yaml:2:12: cannot read the base policy 'base': no such file or directory");
}

}  // namespace
}  // namespace aftersales
