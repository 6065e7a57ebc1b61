// LockFile: the list of a policy's files with the SHA-256 of each, kept as
// `aftersales.lock` in the policy's folder, so that a policy copied in part
// (a file missing, one added, one cut short at a line end, which can still
// be valid YAML) is refused instead of going live. Part of loading
// (src/policy/loader.cc reads and checks it; `aftersales lock` writes it);
// depends on common and OpenSSL (through policy/digest.h) only.
//
// The format is what `sha256sum` prints, so `sha256sum -c aftersales.lock`
// in the folder checks it too: one line per file,
//
//   <64 lowercase hex digits><two spaces><path>
//
// sorted by path, the path relative to the lock's folder with '/' between
// its parts ("platforms/jd/policy.yaml", "../base/schema.yaml" for a base
// outside the folder). Nothing else: no comments; blank lines are skipped.
#ifndef AFTERSALES_POLICY_LOCK_FILE_H_
#define AFTERSALES_POLICY_LOCK_FILE_H_

#include <string>
#include <string_view>
#include <vector>

#include "aftersales/issue.h"

namespace aftersales::internal {

inline constexpr const char* kLockFileName = "aftersales.lock";

struct LockEntry {
  std::string sha256;  // 64 lowercase hex digits
  std::string path;    // relative to the lock's folder, '/'-separated, normal form
  int line = 0;        // 1-based, in the lock file; 0 for an entry not read from one
};

// Parses a lock file's text. Every malformed line is an error Issue (code
// "policy.lock") at `file_name`:line:column and is left out; a path given
// twice is an error at its second line. Never throws except bad_alloc.
std::vector<LockEntry> ParseLockFile(std::string_view text, const std::string& file_name,
                                     std::vector<Issue>* issues);

// The lock file's text for `entries` (any order; sorted by path here).
// REQUIRES: each path is one ParseLockFile accepts (LockPathProblem).
std::string FormatLockFile(std::vector<LockEntry> entries);

// "" when `path` may stand in a lock file, else why not: empty, absolute,
// not in normal form ("a/./b", "a//b", "a/../b", a trailing '/'), holding
// a backslash, a control character or invalid UTF-8, or over 4096 bytes.
std::string LockPathProblem(std::string_view path);

// Compares the files a load read (`read`: path relative to the lock's
// folder, SHA-256 of the bytes read; a file read twice may appear twice)
// with the lock. Each file the lock names that was not read, each file
// read that it does not name, and each file whose bytes differ is an
// error Issue (code "policy.lock") naming it. `shown_dir` is the lock's
// folder as issues show paths ("rules"), `lock_file` the lock's path.
void CheckLock(const std::vector<LockEntry>& lock, const std::vector<LockEntry>& read,
               const std::string& shown_dir, const std::string& lock_file, std::vector<Issue>* issues);

}  // namespace aftersales::internal

#endif  // AFTERSALES_POLICY_LOCK_FILE_H_
