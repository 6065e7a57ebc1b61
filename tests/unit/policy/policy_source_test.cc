// Where the loader reads a policy from (src/policy/policy_source.h,
// git_source.h): `extends` and `platforms` from memory (LoadPolicyFromStrings)
// resolve as on disk; a git revision (LoadPolicyAtRevision) is read with git,
// its files named git:REV:path; and every file of a load is parsed once.
#include "policy/policy_source.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "aftersales/loader.h"
#include "aftersales/policy.h"
#include "decision/policy_impl.h"
#include "decision/policy_internal.h"
#include "policy/yaml_reader.h"

namespace aftersales {
namespace {

namespace fs = std::filesystem;

const std::string kSet = std::string(AFTERSALES_SOURCE_DIR) + "/tests/policies/platforms_base";

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The platforms_base set as (name, text) pairs, names relative to it: the
// policy's two files first, then its overlays'.
std::vector<std::pair<std::string, std::string>> SetInMemory() {
  std::vector<std::pair<std::string, std::string>> files;
  for (const char* name : {"policy.yaml", "schema.yaml", "jd/policy.yaml", "taobao/policy.yaml"}) {
    files.emplace_back(name, ReadText(fs::path(kSet) / name));
  }
  return files;
}

const Issue* FindIssue(const std::vector<Issue>& issues, const std::string& code) {
  for (const Issue& issue : issues) {
    if (issue.code == code) return &issue;
  }
  return nullptr;
}

std::vector<std::string> RuleIds(const Policy& policy, const std::string& stage) {
  std::vector<std::string> ids;
  for (const auto& s : internal::PolicyInternal::Impl(policy).model().stages) {
    if (s.id != stage) continue;
    for (const auto& r : s.rules) ids.push_back(r.id);
  }
  return ids;
}

std::string Decided(const Policy& policy, const std::string& platform) {
  Result<Facts> facts = policy.ReadFactsJson(
      R"({"case": {"id": "C-1", "platform": ")" + platform +
      R"(", "locale": "en"}, "issue": {"type": "defect"}, "item": {"paid_cents": 100}})");
  BOOST_REQUIRE_MESSAGE(facts.ok(), facts.status().message());
  Decision d = policy.Decide(*facts);
  BOOST_REQUIRE(d.ok());
  return d.Find("resolution")->string_value;
}

// ---- Memory -------------------------------------------------------------

BOOST_AUTO_TEST_CASE(platforms_and_extends_from_memory_load_as_from_disk) {
  LoadResult disk = LoadPolicy(kSet);
  BOOST_REQUIRE_MESSAGE(disk.ok(), FormatIssues(disk.issues));
  LoadResult memory = LoadPolicyFromStrings(SetInMemory());
  BOOST_REQUIRE_MESSAGE(memory.ok(), FormatIssues(memory.issues));
  // The same files, so the same digest (overlays included) and dispatch.
  BOOST_TEST(memory.policy->digest() == disk.policy->digest());
  const auto& overlays = memory.policy->platform_overlays();
  BOOST_REQUIRE_EQUAL(overlays.size(), 2u);
  BOOST_TEST(overlays[0].platform == "jd");
  BOOST_TEST(overlays[0].path == "jd");
  BOOST_TEST(overlays[0].policy->name() == "jd");
  BOOST_TEST(overlays[0].policy->digest() == disk.policy->platform_overlays()[0].policy->digest());
  BOOST_TEST(overlays[1].path == "taobao");
  BOOST_TEST(Decided(*memory.policy, "jd") == "exchange");
  BOOST_TEST(Decided(*memory.policy, "tmall") == "return_refund");
}

BOOST_AUTO_TEST_CASE(an_overlay_from_memory_extends_its_base_by_relative_path) {
  // The first file's folder (jd/) is the policy; the set's files are
  // read as its base (`extends: ..`), and their `platforms` ignored.
  std::vector<std::pair<std::string, std::string>> files = SetInMemory();
  std::rotate(files.begin(), files.begin() + 2, files.begin() + 3);  // jd/policy.yaml first
  BOOST_REQUIRE(files.front().first == "jd/policy.yaml");
  LoadResult loaded = LoadPolicyFromStrings(files);
  BOOST_REQUIRE_MESSAGE(loaded.ok(), FormatIssues(loaded.issues));
  BOOST_TEST(loaded.policy->name() == "jd");
  BOOST_TEST(loaded.policy->platform_overlays().empty());
  BOOST_TEST(
      (RuleIds(*loaded.policy, "resolution") == std::vector<std::string>{"defect", "other"}));
  BOOST_TEST(Decided(*loaded.policy, "taobao") == "exchange");
  BOOST_TEST(loaded.policy->digest() == LoadPolicy(kSet + "/jd").policy->digest());

  // Errors in the base are reported in the base's file, as named in memory.
  files[1].second += "  - id: broken\n    rules:\n      - id: b\n        when: issue.tpye == 'x'\n";
  BOOST_REQUIRE(files[1].first == "policy.yaml");
  LoadResult broken = LoadPolicyFromStrings(files);
  BOOST_TEST(!broken.ok());
  const Issue* issue = FindIssue(broken.issues, "expr.undeclared");
  BOOST_TEST_REQUIRE(issue != nullptr, FormatIssues(broken.issues));
  BOOST_TEST(issue->location.file == "policy.yaml");
  BOOST_TEST(issue->location.line == 36);
}

BOOST_AUTO_TEST_CASE(a_missing_base_in_memory_is_an_error_where_it_is_named) {
  LoadResult loaded = LoadPolicyFromStrings(
      {{"o.yaml", "policy:\n  name: o\n  version: \"1\"\n  extends: nowhere\n"},
       {"elsewhere/policy.yaml", "policy: {name: b, version: \"1\"}\n"}});
  BOOST_REQUIRE(!loaded.ok());
  BOOST_REQUIRE_EQUAL(loaded.issues.size(), 1u);
  BOOST_TEST(loaded.issues[0].ToString() ==
             "o.yaml:4:12: cannot read the base policy 'nowhere': no such file or directory");
  BOOST_TEST(loaded.issues[0].code == "policy.extends");

  // The same for a platform overlay that is not given.
  std::vector<std::pair<std::string, std::string>> files = SetInMemory();
  files.pop_back();  // no taobao/policy.yaml
  LoadResult no_overlay = LoadPolicyFromStrings(files);
  BOOST_REQUIRE(!no_overlay.ok());
  BOOST_REQUIRE_EQUAL(no_overlay.issues.size(), 1u);
  BOOST_TEST(
      no_overlay.issues[0].ToString() ==
      "policy.yaml:12:15: cannot read the platform overlay 'taobao': no such file or directory");
  BOOST_TEST(no_overlay.issues[0].code == "policy.platforms");
}

BOOST_AUTO_TEST_CASE(a_cycle_in_memory_is_an_error) {
  LoadResult loaded = LoadPolicyFromStrings(
      {{"a/policy.yaml", "policy:\n  name: a\n  version: \"1\"\n  extends: ../b\n"},
       {"b/policy.yaml", "policy:\n  name: b\n  version: \"1\"\n  extends: ../a\n"}});
  BOOST_REQUIRE(!loaded.ok());
  BOOST_REQUIRE_EQUAL(loaded.issues.size(), 1u);
  BOOST_TEST(loaded.issues[0].code == "policy.extends");
  // Found where the chain comes back: a/policy.yaml, read as the base "a"
  // of b (the policy itself was the file a/policy.yaml).
  BOOST_TEST(loaded.issues[0].ToString() ==
             "a/policy.yaml:4:12: the policy extends itself: b -> a -> b");

  LoadResult self =
      LoadPolicyFromStrings({{"p.yaml", "policy: {name: p, version: \"1\", extends: p.yaml}\n"}});
  BOOST_REQUIRE_EQUAL(self.issues.size(), 1u);
  BOOST_TEST(self.issues[0].message == "the policy extends itself: p.yaml -> p.yaml");
}

BOOST_AUTO_TEST_CASE(memory_folders_list_their_own_policy_files_in_name_order) {
  // The source borrows the texts: they outlive it.
  const std::vector<std::pair<std::string, std::string>> files = {
      {"b.yaml", "b"}, {"./a.yml", "a"}, {"notes.txt", "n"}, {"sub/c.yaml", "c"}, {"sub/deeper/d.yaml", "d"}};
  internal::MemorySource source(files);
  BOOST_TEST((source.List(".").files == std::vector<std::string>{"a.yml", "b.yaml"}));
  BOOST_TEST((source.List("sub/").files == std::vector<std::string>{"sub/c.yaml"}));
  BOOST_TEST((source.Stat("sub/deeper").kind == internal::PathInfo::Kind::kFolder));
  BOOST_TEST((source.Stat("sub/../a.yml").kind == internal::PathInfo::Kind::kFile));
  BOOST_TEST((source.Stat("su").kind == internal::PathInfo::Kind::kMissing));
  BOOST_TEST(source.Resolve("sub/deeper/d.yaml", "../../b.yaml") == "b.yaml");
  BOOST_TEST(source.Read("sub/c.yaml", 1).text == "c");
  BOOST_TEST((source.Read("sub/c.yaml", 0).status == internal::FileText::Status::kTooLarge));
}

// ---- Each file parsed once ------------------------------------------------

#ifdef AFTERSALES_TEST_HOOKS
// The file names ReadYaml parsed during `load`, and how often each.
template <typename F>
std::map<std::string, int> Parses(F&& load) {
  std::vector<std::string> log;
  internal::g_read_yaml_log = &log;
  load();
  internal::g_read_yaml_log = nullptr;
  std::map<std::string, int> counts;
  for (const std::string& name : log) ++counts[name];
  return counts;
}

BOOST_AUTO_TEST_CASE(each_file_is_parsed_once) {
  // Both overlays extend the policy, so its two files are the base of each
  // of the three policies built: still one parse each.
  std::map<std::string, int> disk = Parses([] { BOOST_TEST(LoadPolicy(kSet).ok()); });
  const std::map<std::string, int> once_on_disk = {{kSet + "/policy.yaml", 1},
                                                   {kSet + "/schema.yaml", 1},
                                                   {kSet + "/jd/policy.yaml", 1},
                                                   {kSet + "/taobao/policy.yaml", 1}};
  BOOST_TEST(disk == once_on_disk);

  // Spelt another way (`set/.`), the policy's files are reached again
  // from its overlays as `set/...`: still the same files, parsed once.
  std::map<std::string, int> spelt = Parses([] { BOOST_TEST(LoadPolicy(kSet + "/.").ok()); });
  BOOST_TEST(spelt.size() == 4u);
  for (const auto& [name, count] : spelt) BOOST_TEST(count == 1, name << " parsed " << count << " times");

  std::map<std::string, int> memory =
      Parses([] { BOOST_TEST(LoadPolicyFromStrings(SetInMemory()).ok()); });
  const std::map<std::string, int> once_in_memory = {
      {"policy.yaml", 1}, {"schema.yaml", 1}, {"jd/policy.yaml", 1}, {"taobao/policy.yaml", 1}};
  BOOST_TEST(memory == once_in_memory);
}
#else
BOOST_AUTO_TEST_CASE(each_file_is_parsed_once) {
  BOOST_TEST_MESSAGE("built without AFTERSALES_TEST_HOOKS: parses are not counted");
}
#endif

// ---- Git --------------------------------------------------------------------

// Runs `git ARGS...` in `dir` without a shell; true when it exits 0.
bool Git(const fs::path& dir, std::vector<std::string> args) {
  args.insert(args.begin(), {"git", "-C", dir.string(), "-c", "user.name=t", "-c",
                             "user.email=t@example.invalid", "-c", "commit.gpgsign=false"});
  pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    // Not freopen: that would flush the parent's buffered output here too.
    int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::execvp("git", argv.data());
    ::_exit(127);
  }
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) < 0) return false;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

class TempRepo {
 public:
  TempRepo() {
    path_ = fs::temp_directory_path() / ("aftersales_git_source_" + std::to_string(::getpid()));
    fs::remove_all(path_);
    fs::create_directories(path_);
    ok_ = Git(path_, {"init", "-q"});
  }
  ~TempRepo() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  bool ok() const { return ok_; }
  void Write(const std::string& name, const std::string& text) const {
    fs::path p = path_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
  }
  bool Commit(const std::string& message) const {
    return Git(path_, {"add", "-A"}) && Git(path_, {"commit", "-q", "-m", message});
  }
  std::string Path(const std::string& name) const { return (path_ / name).generic_string(); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
  bool ok_ = false;
};

constexpr char kJdV1[] = R"(policy:
  extends: ../../../shared/base
  name: jd
  version: "1"
stages:
  - id: resolution
    hit: first
    rules:
      - id: defect
        when: issue.type == 'defect'
        then: {resolution: exchange}
        script: {en: "JD: exchange.", zh-CN: "京东：换货。"}
)";

BOOST_AUTO_TEST_CASE(a_revision_is_read_from_git_with_its_overlays_and_bases) {
  TempRepo repo;
  if (!repo.ok()) {
    BOOST_WARN_MESSAGE(false, "git is not available: skipped");
    return;
  }
  // Commit 1: rules/ with one overlay, whose base lives outside rules/.
  // The policy is the set's, its platforms pointing at the jd overlay.
  std::string policy = ReadText(fs::path(kSet) / "policy.yaml");
  policy.replace(policy.find("      taobao: taobao\n"), 21, "");
  policy.replace(policy.find("      jd: jd\n"), 13, "      jd: platforms/jd\n");
  repo.Write("rules/policy.yaml", policy);
  repo.Write("rules/schema.yaml", ReadText(fs::path(kSet) / "schema.yaml"));
  repo.Write("rules/platforms/jd/policy.yaml", kJdV1);
  repo.Write("shared/base/policy.yaml",
             policy.substr(0, policy.find("  platforms:")) + "stages: []\n");
  repo.Write("shared/base/schema.yaml", ReadText(fs::path(kSet) / "schema.yaml"));
  BOOST_REQUIRE(repo.Commit("v1"));
  LoadResult v1 = LoadPolicy(repo.Path("rules"));
  BOOST_REQUIRE_MESSAGE(v1.ok(), FormatIssues(v1.issues));
  BOOST_REQUIRE(Git(repo.path(), {"branch", "release/v1"}));

  // Commit 2: the overlay's rule changes; then the working tree loses the
  // overlay altogether.
  std::string jd_v2 = kJdV1;
  jd_v2.replace(jd_v2.find("version: \"1\""), 12, "version: \"2\"");
  repo.Write("rules/platforms/jd/policy.yaml", jd_v2);
  BOOST_REQUIRE(repo.Commit("v2"));
  fs::remove_all(repo.path() / "rules" / "platforms");

  for (const std::string rev : {"HEAD~1", "release/v1"}) {
    LoadResult old = LoadPolicyAtRevision(repo.Path("rules"), rev);
    BOOST_REQUIRE_MESSAGE(old.ok(), FormatIssues(old.issues));
    // What was committed, read back whole: the same digest as loading it
    // from disk then, the overlay's version 1.
    BOOST_TEST(old.policy->digest() == v1.policy->digest());
    BOOST_REQUIRE_EQUAL(old.policy->platform_overlays().size(), 1u);
    BOOST_TEST(old.policy->platform_overlays()[0].path == "git:" + rev + ":rules/platforms/jd");
    BOOST_TEST(old.policy->platform_overlays()[0].policy->version() == "1");
    BOOST_TEST(Decided(*old.policy, "jd") == "exchange");
  }
  // A file of the revision, gone from the working tree with its folder.
  LoadResult jd = LoadPolicyAtRevision(repo.Path("rules/platforms/jd/policy.yaml"), "HEAD~1");
  BOOST_REQUIRE_MESSAGE(jd.ok(), FormatIssues(jd.issues));
  BOOST_TEST(jd.policy->name() == "jd");
  BOOST_TEST(jd.policy->version() == "1");
  LoadResult head_folder = LoadPolicyAtRevision(repo.Path("rules"), "HEAD");
  BOOST_REQUIRE_MESSAGE(head_folder.ok(), FormatIssues(head_folder.issues));
  BOOST_TEST(head_folder.policy->platform_overlays()[0].policy->version() == "2");

  // Commit 3: a broken overlay and a missing base. Issues name the
  // revision and the file in the repository.
  repo.Write(
      "rules/platforms/jd/policy.yaml",
      std::string(kJdV1).replace(std::string(kJdV1).find("issue.type =="), 13, "issue.tpye =="));
  BOOST_REQUIRE(repo.Commit("broken overlay"));
  repo.Write("shared/base/policy.yaml", "policy: {name: base, version: \"1\", extends: ../gone}\n");
  BOOST_REQUIRE(repo.Commit("missing base"));
  fs::remove_all(repo.path() / "rules" / "platforms");
  LoadResult broken = LoadPolicyAtRevision(repo.Path("rules"), "HEAD~1");
  BOOST_TEST(!broken.ok());
  const Issue* issue = FindIssue(broken.issues, "expr.undeclared");
  BOOST_TEST_REQUIRE(issue != nullptr, FormatIssues(broken.issues));
  BOOST_TEST(issue->location.file == "git:HEAD~1:rules/platforms/jd/policy.yaml");
  BOOST_TEST(issue->location.line == 10);
  LoadResult gone = LoadPolicyAtRevision(repo.Path("rules"), "HEAD");
  BOOST_TEST(!gone.ok());
  BOOST_TEST(FormatIssues(gone.issues)
                     .find("git:HEAD:shared/base/policy.yaml:1:45: cannot read the base policy "
                           "'git:HEAD:shared/gone': no "
                           "such file or directory") != std::string::npos,
             FormatIssues(gone.issues));
}

BOOST_AUTO_TEST_CASE(a_revision_that_is_not_one_is_an_issue_and_runs_nothing) {
  TempRepo repo;
  if (!repo.ok()) {
    BOOST_WARN_MESSAGE(false, "git is not available: skipped");
    return;
  }
  repo.Write("p.yaml", "policy: {name: p, version: \"1\"}\n");
  BOOST_REQUIRE(repo.Commit("one"));
  const fs::path marker = repo.path() / "pwned";
  for (const std::string& rev : std::vector<std::string>{
           "no-such-rev", "HEAD; touch " + marker.string(), "$(touch " + marker.string() + ")",
           "--output=" + marker.string(), "-h", ""}) {
    LoadResult r = LoadPolicyAtRevision(repo.Path("p.yaml"), rev);
    BOOST_TEST(!r.ok());
    BOOST_REQUIRE_EQUAL(r.issues.size(), 1u);
    BOOST_TEST(r.issues[0].code == "io.read");
    BOOST_TEST(r.issues[0].location.file == "git:" + rev);
    BOOST_TEST(r.issues[0].message.find(": no such revision") != std::string::npos,
               r.issues[0].message);
  }
  BOOST_TEST(!fs::exists(marker));
  LoadResult outside = LoadPolicyAtRevision("/", "HEAD");
  BOOST_TEST(!outside.ok());
  BOOST_TEST(
      FormatIssues(outside.issues).find("is not inside a git repository") != std::string::npos,
      FormatIssues(outside.issues));
  // The root of the repository is a folder of the revision like any other.
  LoadResult top = LoadPolicyAtRevision(repo.path().string(), "HEAD");
  BOOST_REQUIRE_MESSAGE(top.ok(), FormatIssues(top.issues));
  BOOST_TEST(top.policy->name() == "p");
}

}  // namespace
}  // namespace aftersales
