#include "policy/git_source.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

extern char** environ;

namespace aftersales::internal {

namespace fs = std::filesystem;

namespace {

struct GitRun {
  bool ran = false;       // git started
  int status = -1;        // its exit status; -1 when it was killed by a signal
  bool too_long = false;  // it wrote more than the caller wanted (and was stopped)
  std::string out;        // what it wrote to standard output
  std::string error;      // !ran: why it could not start
};

// The variables that tie git to one repository (`git rev-parse
// --local-env-vars`, which git itself clears before it works in another
// one). They are set inside git hooks and by wrappers; left in, `git -C
// FOLDER` would read the repository they name, not FOLDER's.
constexpr std::string_view kRepositoryVariables[] = {
    "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_CONFIG", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT",
    "GIT_OBJECT_DIRECTORY", "GIT_DIR", "GIT_WORK_TREE", "GIT_IMPLICIT_WORK_TREE", "GIT_GRAFT_FILE",
    "GIT_INDEX_FILE", "GIT_NO_REPLACE_OBJECTS", "GIT_REPLACE_REF_BASE", "GIT_PREFIX",
    "GIT_INTERNAL_SUPER_PREFIX", "GIT_SHALLOW_FILE", "GIT_COMMON_DIR"};

// This process's environment without kRepositoryVariables (the pointers
// are environ's own).
std::vector<char*> ChildEnvironment() {
  std::vector<char*> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view entry(*e);
    const std::string_view name = entry.substr(0, entry.find('='));
    if (std::find(std::begin(kRepositoryVariables), std::end(kRepositoryVariables), name) ==
        std::end(kRepositoryVariables)) {
      env.push_back(*e);
    }
  }
  env.push_back(nullptr);
  return env;
}

// Runs `git ARGS...` (no shell, without kRepositoryVariables) and collects
// its standard output, at most `max_out` bytes of it.
GitRun RunGit(const std::vector<std::string>& args, std::size_t max_out) {
  GitRun run;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    run.error = std::strerror(errno);
    return run;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> owned;
  owned.reserve(args.size() + 1);
  owned.push_back("git");
  owned.insert(owned.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : owned) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<char*> env = ChildEnvironment();
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, "git", &actions, nullptr, argv.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    run.error = std::strerror(rc);
    return run;
  }
  run.ran = true;
  char buf[65536];
  while (true) {
    ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (static_cast<std::size_t>(n) > max_out - run.out.size()) {
      run.too_long = true;
      ::kill(pid, SIGKILL);  // our own child, not reaped yet
      break;
    }
    run.out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  pid_t waited = 0;
  while ((waited = ::waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
  }
  // Not reaped (someone else waited for it): its status is unknown, which
  // is a failure, never a success.
  run.status = waited == pid && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

constexpr std::size_t kSmallOutput = 1u << 20;  // rev-parse, ls-tree of one folder

bool Ok(const GitRun& run) { return run.ran && run.status == 0 && !run.too_long; }

std::string Folded(const fs::path& p) {
  std::string shown = p.lexically_normal().generic_string();
  while (shown.size() > 1 && shown.back() == '/') shown.pop_back();
  return shown.empty() ? std::string(".") : shown;
}

// One record of `git ls-tree -z -l`: "<mode> <type> <object> <size>\t<path>".
struct TreeRecord {
  std::string mode, type, path;
  std::uint64_t size = 0;
};

std::vector<TreeRecord> ParseTree(std::string_view out) {
  std::vector<TreeRecord> records;
  while (!out.empty()) {
    std::size_t end = out.find('\0');
    std::string_view rec = out.substr(0, end);
    out = end == std::string_view::npos ? std::string_view() : out.substr(end + 1);
    std::size_t tab = rec.find('\t');
    if (tab == std::string_view::npos) continue;
    std::vector<std::string_view> fields;
    std::string_view meta = rec.substr(0, tab);
    while (!meta.empty()) {
      std::size_t sp = meta.find(' ');
      if (sp != 0) fields.push_back(meta.substr(0, sp));
      meta = sp == std::string_view::npos ? std::string_view() : meta.substr(sp + 1);
    }
    if (fields.size() < 4) continue;
    TreeRecord r;
    r.mode = std::string(fields[0]);
    r.type = std::string(fields[1]);
    r.path = std::string(rec.substr(tab + 1));
    for (char c : fields[3]) {
      if (c >= '0' && c <= '9') r.size = r.size * 10 + static_cast<std::uint64_t>(c - '0');
    }
    records.push_back(std::move(r));
  }
  return records;
}

// A file git can give the bytes of: a blob that is not a symbolic link.
bool IsFile(const TreeRecord& r) { return r.type == "blob" && r.mode != "120000"; }

}  // namespace

GitSource::Opened GitSource::Open(const std::string& path, const std::string& rev) {
  Opened opened;
  if (rev.empty() || rev[0] == '-') {
    opened.error = "cannot read " + path + " at " + rev + ": no such revision";
    return opened;
  }
  // The nearest folder on disk at or above `path`: git finds the
  // repository from there, and the rest of `path` is inside it.
  std::error_code ec;
  fs::path abs = fs::absolute(fs::path(path), ec);
  if (ec) {
    opened.error = path + " is not inside a git repository";
    return opened;
  }
  fs::path start(Folded(abs));
  while (!fs::is_directory(start, ec)) {
    if (!start.has_relative_path()) break;
    start = start.parent_path();
  }
  const fs::path tail = fs::path(Folded(abs)).lexically_relative(start);
  GitRun where =
      RunGit({"-C", start.string(), "rev-parse", "--show-toplevel", "--show-prefix"}, kSmallOutput);
  if (!where.ran) {
    opened.error = "cannot run git: " + where.error;
    return opened;
  }
  std::size_t nl = where.out.find('\n');
  if (!Ok(where) || nl == std::string::npos) {
    opened.error = path + " is not inside a git repository";
    return opened;
  }
  std::string top = where.out.substr(0, nl);
  std::string prefix = where.out.substr(nl + 1);
  while (!prefix.empty() && (prefix.back() == '\n' || prefix.back() == '\r')) prefix.pop_back();
  GitRun commit =
      RunGit({"-C", top, "rev-parse", "--verify", "--quiet", rev + "^{commit}"}, kSmallOutput);
  std::string id = commit.out.substr(0, commit.out.find('\n'));
  if (!Ok(commit) || id.empty()) {
    opened.error = "cannot read " + path + " at " + rev + ": no such revision";
    return opened;
  }
  const std::string rel = Folded(fs::path(prefix) / tail);
  opened.source.reset(new GitSource(std::move(top), std::move(id), "git:" + rev + ":"));
  opened.path = opened.source->prefix_ + rel;
  return opened;
}

std::optional<std::string> GitSource::InRepository(const std::string& path) const {
  if (path.compare(0, prefix_.size(), prefix_) != 0) return std::nullopt;
  std::string rel = Folded(fs::path(path.substr(prefix_.size())));
  if (rel == ".." || rel.rfind("../", 0) == 0 || rel[0] == '/') return std::nullopt;
  return rel;
}

const GitSource::Entry& GitSource::Lookup(const std::string& rel) const {
  auto it = entries_.find(rel);
  if (it != entries_.end()) return it->second;
  Entry entry;
  if (rel == ".") {
    entry.kind = PathInfo::Kind::kFolder;
  } else {
    GitRun run = RunGit({"--literal-pathspecs", "-C", top_, "ls-tree", "-z", "-l", "--full-tree",
                         commit_, "--", rel},
                        kSmallOutput);
    if (Ok(run)) {
      for (const TreeRecord& r : ParseTree(run.out)) {
        if (r.path != rel) continue;
        if (r.type == "tree") entry.kind = PathInfo::Kind::kFolder;
        if (IsFile(r)) {
          entry.kind = PathInfo::Kind::kFile;
          entry.size = r.size;
        }
      }
    }
  }
  return entries_.emplace(rel, entry).first->second;
}

PathInfo GitSource::Stat(const std::string& path) const {
  std::optional<std::string> rel = InRepository(path);
  if (!rel) return PathInfo{PathInfo::Kind::kMissing, "no such file or directory"};
  const Entry& entry = Lookup(*rel);
  if (entry.kind == PathInfo::Kind::kMissing)
    return PathInfo{entry.kind, "no such file or directory"};
  return PathInfo{entry.kind, {}};
}

FolderListing GitSource::List(const std::string& path) const {
  std::optional<std::string> rel = InRepository(path);
  if (!rel)
    return FolderListing{false, {}, "cannot list the policy folder: no such file or directory"};
  auto cached = listings_.find(*rel);
  if (cached != listings_.end()) return cached->second;
  FolderListing listing;
  std::vector<std::string> args = {"--literal-pathspecs", "-C",   top_, "ls-tree", "-z", "-l",
                                   "--full-tree",         commit_};
  if (*rel != ".") args.insert(args.end(), {"--", *rel + "/"});
  GitRun run = RunGit(args, 64u << 20);
  if (!Ok(run)) {
    listing.message = "cannot list the policy folder: git ls-tree failed";
  } else {
    const std::string inside = *rel == "." ? std::string() : *rel + "/";
    std::vector<std::string> names;
    for (const TreeRecord& r : ParseTree(run.out)) {
      if (r.path.compare(0, inside.size(), inside) != 0) continue;
      const std::string name = r.path.substr(inside.size());
      if (name.find('/') != std::string::npos || !IsFile(r) || !IsPolicyFileName(name)) continue;
      entries_[r.path] = Entry{PathInfo::Kind::kFile, r.size};
      names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) listing.files.push_back(prefix_ + inside + name);
    listing.ok = true;
  }
  return listings_.emplace(*rel, listing).first->second;
}

FileText GitSource::Read(const std::string& path, std::size_t max_bytes) const {
  FileText out;
  std::optional<std::string> rel = InRepository(path);
  if (!rel || Lookup(*rel).kind != PathInfo::Kind::kFile) {
    out.message = "cannot read the policy file: no such file or directory";
    return out;
  }
  if (Lookup(*rel).size > max_bytes) {
    out.status = FileText::Status::kTooLarge;
    return out;
  }
  GitRun run = RunGit({"-C", top_, "cat-file", "blob", commit_ + ":" + *rel}, max_bytes);
  if (run.too_long) {
    out.status = FileText::Status::kTooLarge;
    return out;
  }
  if (!Ok(run)) {
    out.message = run.ran ? "cannot read the policy file: git cat-file failed"
                          : "cannot read the policy file: cannot run git: " + run.error;
    return out;
  }
  out.status = FileText::Status::kOk;
  out.text = std::move(run.out);
  return out;
}

std::string GitSource::Resolve(const std::string& from, const std::string& name) const {
  std::optional<std::string> rel = InRepository(from);
  if (!rel) return ResolvePlain(from, name);
  return prefix_ + ResolvePlain(*rel, name);
}

std::string GitSource::Key(const std::string& path) const {
  std::optional<std::string> rel = InRepository(path);
  return rel ? prefix_ + *rel : path;
}

}  // namespace aftersales::internal
