#include "policy/lock_file.h"

#include <algorithm>
#include <map>
#include <utility>

#include "common/text.h"

namespace aftersales::internal {

namespace {

constexpr std::size_t kDigestChars = 64;
constexpr std::size_t kMaxLockPath = 4096;

bool IsHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

Issue LockIssue(std::string message, SourceLocation at) {
  return Issue{Severity::kError, "policy.lock", std::move(message), std::move(at)};
}

// A path quoted in a message: at most 200 bytes of it, so that a hostile
// lock file is not echoed back whole.
std::string Shown(std::string_view s) {
  if (s.size() <= 200) return std::string(s);
  std::size_t cut = 197;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return std::string(s.substr(0, cut)) + "...";
}

std::string Join(const std::string& dir, const std::string& path) {
  if (dir.empty() || dir == ".") return path;
  return dir.back() == '/' ? dir + path : dir + "/" + path;
}

}  // namespace

std::string LockPathProblem(std::string_view path) {
  if (path.empty()) return "the path is empty";
  if (path.size() > kMaxLockPath) return "the path is longer than 4096 bytes";
  if (!IsValidUtf8(path)) return "the path is not valid UTF-8";
  for (char c : path) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return "the path holds a control character";
    if (c == '\\') return "the path holds a backslash (parts are separated by '/')";
  }
  if (path.front() == '/') return "the path is absolute (paths are relative to the lock's folder)";
  // Normal form: parts separated by one '/', no "." part, ".." only in front.
  bool past_dotdot = false;
  std::size_t start = 0;
  while (true) {
    std::size_t slash = path.find('/', start);
    std::string_view part = path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part.empty()) return "the path has an empty part ('//' or a trailing '/')";
    if (part == ".") return "the path has a '.' part";
    if (part == "..") {
      if (past_dotdot) return "the path has a '..' part after a name";
    } else {
      past_dotdot = true;
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (!past_dotdot) return "the path names no file";
  return "";
}

std::vector<LockEntry> ParseLockFile(std::string_view text, const std::string& file_name,
                                     std::vector<Issue>* issues) {
  std::vector<LockEntry> entries;
  std::map<std::string_view, int> seen;  // path -> line
  int line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    std::string_view line = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    pos = end == std::string_view::npos ? text.size() : end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    auto at = [&](int column) { return SourceLocation{file_name, line_no, column}; };
    std::size_t hex = 0;
    while (hex < line.size() && hex < kDigestChars && IsHex(line[hex])) ++hex;
    if (hex != kDigestChars || (line.size() > kDigestChars && IsHex(line[kDigestChars]))) {
      issues->push_back(LockIssue("expected a SHA-256 digest (64 hex digits), two spaces and a path", at(1)));
      continue;
    }
    // sha256sum writes "  " (text mode) or " *" (binary mode): the same bytes are hashed.
    if (line.size() < kDigestChars + 2 || line[kDigestChars] != ' ' ||
        (line[kDigestChars + 1] != ' ' && line[kDigestChars + 1] != '*')) {
      issues->push_back(LockIssue("expected two spaces between the digest and the path", at(65)));
      continue;
    }
    std::string_view path = line.substr(kDigestChars + 2);
    if (std::string why = LockPathProblem(path); !why.empty()) {
      issues->push_back(LockIssue(why + ": '" + Shown(path) + "'", at(67)));
      continue;
    }
    auto [first, fresh] = seen.emplace(path, line_no);
    if (!fresh) {
      issues->push_back(LockIssue("'" + Shown(path) + "' is listed twice (first on line " +
                                      std::to_string(first->second) + ")",
                                  at(67)));
      continue;
    }
    LockEntry e;
    e.sha256 = std::string(line.substr(0, kDigestChars));
    std::transform(e.sha256.begin(), e.sha256.end(), e.sha256.begin(),
                   [](char c) { return c >= 'A' && c <= 'F' ? static_cast<char>(c - 'A' + 'a') : c; });
    e.path = std::string(path);
    e.line = line_no;
    entries.push_back(std::move(e));
  }
  return entries;
}

std::string FormatLockFile(std::vector<LockEntry> entries) {
  std::sort(entries.begin(), entries.end(), [](const LockEntry& a, const LockEntry& b) { return a.path < b.path; });
  std::string out;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i > 0 && entries[i].path == entries[i - 1].path) continue;  // a file read twice is listed once
    out += entries[i].sha256 + "  " + entries[i].path + "\n";
  }
  return out;
}

void CheckLock(const std::vector<LockEntry>& lock, const std::vector<LockEntry>& read,
               const std::string& shown_dir, const std::string& lock_file, std::vector<Issue>* issues) {
  std::map<std::string_view, const LockEntry*> locked;
  for (const LockEntry& e : lock) locked.emplace(e.path, &e);
  std::map<std::string_view, bool> reported;  // files already named, by path
  for (const LockEntry& r : read) {
    if (reported.count(r.path) > 0) continue;
    auto it = locked.find(r.path);
    const std::string shown = Join(shown_dir, r.path);
    if (it == locked.end()) {
      reported.emplace(r.path, true);
      issues->push_back(LockIssue("the policy reads this file but its lock " + lock_file +
                                      " does not list it (added after the lock was written? "
                                      "run `aftersales lock` once the policy is complete)",
                                  SourceLocation{shown, 0, 0}));
    } else if (it->second->sha256 != r.sha256) {
      reported.emplace(r.path, true);
      issues->push_back(LockIssue("the file's SHA-256 is " + r.sha256 + " but its lock " + lock_file + " (line " +
                                      std::to_string(it->second->line) + ") says " + it->second->sha256 +
                                      " (changed, or copied in part, since the lock was written)",
                                  SourceLocation{shown, 0, 0}));
    }
  }
  std::map<std::string_view, bool> was_read;
  for (const LockEntry& r : read) was_read.emplace(r.path, true);
  for (const LockEntry& e : lock) {
    if (was_read.count(e.path) > 0) continue;
    issues->push_back(LockIssue("'" + Shown(Join(shown_dir, e.path)) +
                                    "' is in the lock but the policy did not read it (missing from the "
                                    "deploy, or no longer part of the policy)",
                                SourceLocation{lock_file, e.line, 67}));
  }
}

}  // namespace aftersales::internal
