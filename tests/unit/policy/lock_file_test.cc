// The policy lock file (src/policy/lock_file.h): its reader, its writer
// (WritePolicyLock) and its check in LoadPolicy and PolicyStore: a policy
// with a file missing, added or changed is refused, each file named.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "aftersales/aftersales.h"
#include "policy/lock_file.h"

namespace {

namespace fs = std::filesystem;
using aftersales::internal::CheckLock;
using aftersales::internal::FormatLockFile;
using aftersales::internal::LockEntry;
using aftersales::internal::LockPathProblem;
using aftersales::internal::ParseLockFile;

const std::string kA(64, 'a');
const std::string kB(64, 'b');

std::string Issues(const std::vector<aftersales::Issue>& issues) { return aftersales::FormatIssues(issues); }

std::string ParseErrors(const std::string& text) {
  std::vector<aftersales::Issue> issues;
  ParseLockFile(text, "p/aftersales.lock", &issues);
  return Issues(issues);
}

// A copy of tests/policies/platforms_base (a base, two overlays) in a
// temporary folder, removed afterwards.
class PolicyCopy {
 public:
  PolicyCopy() {
    path_ = fs::temp_directory_path() / ("aftersales_lock_" + std::to_string(::getpid()) + "_" + std::to_string(count_++));
    fs::remove_all(path_);
    fs::create_directories(path_);
    fs::copy(AFTERSALES_SOURCE_DIR "/tests/policies/platforms_base", path_ / "set", fs::copy_options::recursive);
  }
  ~PolicyCopy() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string dir() const { return (path_ / "set").generic_string(); }
  std::string Read(const std::string& rel) const {
    std::ifstream in(path_ / "set" / rel, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  void Write(const std::string& rel, const std::string& text) const {
    std::ofstream out(path_ / "set" / rel, std::ios::binary | std::ios::trunc);
    out << text;
  }

 private:
  static inline int count_ = 0;
  fs::path path_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(lock_file)

BOOST_AUTO_TEST_CASE(reads_what_sha256sum_prints) {
  std::vector<aftersales::Issue> issues;
  std::vector<LockEntry> entries =
      ParseLockFile(kA + "  policy.yaml\n" + kB + " *jd/policy.yaml\r\n\n" + std::string(64, 'C') + "  ../base/x.yaml",
                    "p/aftersales.lock", &issues);
  BOOST_TEST(issues.empty(), Issues(issues));
  BOOST_TEST_REQUIRE(entries.size() == 3u);
  BOOST_TEST(entries[0].path == "policy.yaml");
  BOOST_TEST(entries[1].path == "jd/policy.yaml");
  BOOST_TEST(entries[1].line == 2);
  BOOST_TEST(entries[2].sha256 == std::string(64, 'c'));
  BOOST_TEST(entries[2].line == 4);
  BOOST_TEST(FormatLockFile(entries) ==
             std::string(64, 'c') + "  ../base/x.yaml\n" + kB + "  jd/policy.yaml\n" + kA + "  policy.yaml\n");
}

BOOST_AUTO_TEST_CASE(every_bad_line_is_an_issue_at_its_place) {
  struct Row {
    std::string text, error;
  };
  const Row rows[] = {
      {"abc  x.yaml", "p/aftersales.lock:1:1: expected a SHA-256 digest (64 hex digits), two spaces and a path"},
      {kA + "a  x.yaml", "p/aftersales.lock:1:1: expected a SHA-256 digest (64 hex digits), two spaces and a path"},
      {kA + " x.yaml", "p/aftersales.lock:1:65: expected two spaces between the digest and the path"},
      {kA + "  ", "p/aftersales.lock:1:67: the path is empty: ''"},
      {kA + "  /etc/passwd", "p/aftersales.lock:1:67: the path is absolute (paths are relative to the lock's folder): '/etc/passwd'"},
      {kA + "  a/./b.yaml", "p/aftersales.lock:1:67: the path has a '.' part: 'a/./b.yaml'"},
      {kA + "  a//b.yaml", "p/aftersales.lock:1:67: the path has an empty part ('//' or a trailing '/'): 'a//b.yaml'"},
      {kA + "  a/../b.yaml", "p/aftersales.lock:1:67: the path has a '..' part after a name: 'a/../b.yaml'"},
      {kA + "  ..", "p/aftersales.lock:1:67: the path names no file: '..'"},
      {kA + "  a\\b.yaml", "p/aftersales.lock:1:67: the path holds a backslash (parts are separated by '/'): 'a\\b.yaml'"},
      {kA + "  a\tb", "p/aftersales.lock:1:67: the path holds a control character: 'a\tb'"},
      {kA + "  a\xff", "p/aftersales.lock:1:67: the path is not valid UTF-8: 'a\xff'"},
      {kA + "  x.yaml\n" + kB + "  x.yaml", "p/aftersales.lock:2:67: 'x.yaml' is listed twice (first on line 1)"},
  };
  for (const Row& r : rows) BOOST_TEST(ParseErrors(r.text) == r.error + "\n", r.text);
  BOOST_TEST(LockPathProblem(std::string(5000, 'a')) == "the path is longer than 4096 bytes");
  // A huge line is not echoed back whole.
  BOOST_TEST(ParseErrors(kA + "  /" + std::string(100000, 'a')).size() < 400u);
}

BOOST_AUTO_TEST_CASE(check_names_each_file_missing_added_or_changed) {
  std::vector<aftersales::Issue> issues;
  std::vector<LockEntry> lock = ParseLockFile(kA + "  a.yaml\n" + kA + "  b.yaml\n" + kA + "  c.yaml\n",
                                              "rules/aftersales.lock", &issues);
  std::vector<LockEntry> read{{kA, "a.yaml", 0}, {kB, "b.yaml", 0}, {kA, "d.yaml", 0}, {kA, "a.yaml", 0}};
  CheckLock(lock, read, "rules", "rules/aftersales.lock", &issues);
  const std::string got = Issues(issues);
  BOOST_TEST(got ==
             "rules/b.yaml: the file's SHA-256 is " + kB + " but its lock rules/aftersales.lock (line 2) says " + kA +
                 " (changed, or copied in part, since the lock was written)\n"
                 "rules/d.yaml: the policy reads this file but its lock rules/aftersales.lock does not list it "
                 "(added after the lock was written? run `aftersales lock` once the policy is complete)\n"
                 "rules/aftersales.lock:3:67: 'rules/c.yaml' is in the lock but the policy did not read it "
                 "(missing from the deploy, or no longer part of the policy)\n",
             got);
}

BOOST_AUTO_TEST_CASE(a_written_lock_is_checked_by_every_load) {
  PolicyCopy copy;
  aftersales::LockResult lock = aftersales::WritePolicyLock(copy.dir());
  BOOST_TEST_REQUIRE(lock.ok(), Issues(lock.issues));
  BOOST_TEST(lock.lock_path == copy.dir() + "/aftersales.lock");
  // The base, both overlays; a file read twice is listed once.
  const std::vector<std::string> want{"jd/policy.yaml", "policy.yaml", "schema.yaml", "taobao/policy.yaml"};
  BOOST_TEST(lock.files == want, boost::test_tools::per_element());
  const std::string text = copy.Read("aftersales.lock");
  std::vector<aftersales::Issue> issues;
  BOOST_TEST(ParseLockFile(text, "lock", &issues).size() == 4u);
  BOOST_TEST(issues.empty());
  auto loaded = aftersales::LoadPolicy(copy.dir());
  BOOST_TEST_REQUIRE(loaded.ok(), Issues(loaded.issues));
  auto store = aftersales::PolicyStore::Open(copy.dir());
  BOOST_TEST_REQUIRE(store.ok(), store.status().message());

  // Cut short at a line end: still valid YAML, but not the file locked.
  const std::string jd = copy.Read("jd/policy.yaml");
  copy.Write("jd/policy.yaml", jd.substr(0, jd.rfind('\n', jd.size() - 2) + 1));
  loaded = aftersales::LoadPolicy(copy.dir());
  BOOST_TEST(!loaded.ok());
  std::string got = Issues(loaded.issues);
  BOOST_TEST(got.find(copy.dir() + "/jd/policy.yaml: the file's SHA-256 is ") != std::string::npos, got);
  aftersales::ReloadResult r = (*store)->Reload();
  BOOST_TEST(!r.swapped);  // the old version stays live
  BOOST_TEST(Issues(r.issues).find("jd/policy.yaml: the file's SHA-256") != std::string::npos, Issues(r.issues));
  copy.Write("jd/policy.yaml", jd);

  // A file added, a file missing.
  copy.Write("extra.yaml", "enums: {extra_enum: [a]}\n");
  const std::string taobao = copy.Read("taobao/policy.yaml");
  fs::remove(fs::path(copy.dir()) / "taobao/policy.yaml");
  loaded = aftersales::LoadPolicy(copy.dir());
  BOOST_TEST(!loaded.ok());
  got = Issues(loaded.issues);
  BOOST_TEST(got.find(copy.dir() + "/extra.yaml: the policy reads this file but its lock") != std::string::npos, got);
  BOOST_TEST(got.find("'" + copy.dir() + "/taobao/policy.yaml' is in the lock but the policy did not read it") !=
                 std::string::npos,
             got);
  fs::remove(fs::path(copy.dir()) / "extra.yaml");
  copy.Write("taobao/policy.yaml", taobao);
  BOOST_TEST(aftersales::LoadPolicy(copy.dir()).ok());
  r = (*store)->Reload();
  BOOST_TEST(r.swapped, Issues(r.issues));

  // A malformed lock refuses the policy too.
  copy.Write("aftersales.lock", text + "garbage\n");
  loaded = aftersales::LoadPolicy(copy.dir());
  BOOST_TEST(!loaded.ok());
  BOOST_TEST(Issues(loaded.issues).find("aftersales.lock:5:1: expected a SHA-256 digest") != std::string::npos,
             Issues(loaded.issues));
  // Writing the lock again ignores the old one.
  BOOST_TEST(aftersales::WritePolicyLock(copy.dir()).ok());
  BOOST_TEST(copy.Read("aftersales.lock") == text);
}

BOOST_AUTO_TEST_CASE(no_lock_is_written_for_a_policy_with_errors) {
  PolicyCopy copy;
  copy.Write("broken.yaml", "policy: [\n");
  aftersales::LockResult lock = aftersales::WritePolicyLock(copy.dir());
  BOOST_TEST(!lock.ok());
  BOOST_TEST(!lock.issues.empty());
  BOOST_TEST(!fs::exists(fs::path(copy.dir()) / "aftersales.lock"));
}

BOOST_AUTO_TEST_SUITE_END()
