// GitSource: a policy's files as they are at one git revision, read with
// `git ls-tree` and `git cat-file` (no working tree, no temporary copy), for
// `aftersales diff --baseline git:REV` (LoadPolicyAtRevision). Paths are
// shown as "git:REV:<path in the repository>" ("git:HEAD~1:rules/policy.yaml"),
// so issues name the revision and the file.
//
// git runs as a child process without a shell (posix_spawnp, arguments
// passed as they are, standard input and error on /dev/null): nothing in
// the revision or a path is interpreted by anything but git, and a
// revision that starts with '-' is refused, so it cannot be an option.
// Not thread-safe (it keeps what git said); one per load.
#ifndef AFTERSALES_POLICY_GIT_SOURCE_H_
#define AFTERSALES_POLICY_GIT_SOURCE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "policy/policy_source.h"

namespace aftersales::internal {

class GitSource final : public PolicyFileSource {
 public:
  struct Opened {
    std::unique_ptr<GitSource> source;  // null when the revision cannot be read
    std::string path;                   // the policy's path in it: "git:REV:rules"
    std::string error;                  // why not, when null
  };
  // The revision `rev` of the repository that holds `path` (a path on disk
  // as given to LoadPolicy; it need not exist in the working tree any more,
  // as long as a folder above it does).
  static Opened Open(const std::string& path, const std::string& rev);

  PathInfo Stat(const std::string& path) const override;
  FolderListing List(const std::string& path) const override;
  FileText Read(const std::string& path, std::size_t max_bytes) const override;
  std::string Resolve(const std::string& from, const std::string& name) const override;
  std::string Key(const std::string& path) const override;

 private:
  GitSource(std::string top, std::string commit, std::string prefix)
      : top_(std::move(top)), commit_(std::move(commit)), prefix_(std::move(prefix)) {}

  // The path in the repository ("rules/policy.yaml", "." for the top) of a
  // path of this source; nullopt for one that is not ("git:OTHER:x", or
  // "../x" above the top).
  std::optional<std::string> InRepository(const std::string& path) const;

  struct Entry {
    PathInfo::Kind kind = PathInfo::Kind::kMissing;
    std::uint64_t size = 0;  // of a file
  };
  // What git's tree at the revision has at `rel` (asked once).
  const Entry& Lookup(const std::string& rel) const;

  std::string top_;     // the repository's top folder on disk
  std::string commit_;  // the revision, resolved to its commit id
  std::string prefix_;  // "git:REV:"
  mutable std::map<std::string, Entry> entries_;
  mutable std::map<std::string, FolderListing> listings_;
};

}  // namespace aftersales::internal

#endif  // AFTERSALES_POLICY_GIT_SOURCE_H_
