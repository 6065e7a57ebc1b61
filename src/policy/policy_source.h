// PolicyFileSource: where the loader reads a policy's files from. The
// loader (src/policy/loader.cc) only ever asks a source what a path is, what
// policy files a folder holds, the bytes of a file, and how a name written
// in one file resolves; so `extends` and `platforms` work the same from
// disk (DiskSource: LoadPolicy), from memory (MemorySource:
// LoadPolicyFromStrings) and from a git revision (GitSource, in
// policy/git_source.h: `aftersales diff --baseline git:REV`).
//
// Paths are the source's own and are shown as they are: they name files in
// issue locations ("rules/policy.yaml", "git:HEAD~1:rules/policy.yaml").
// A source never reports issues itself; it says what went wrong in words
// and the loader places the issue.
#ifndef AFTERSALES_POLICY_POLICY_SOURCE_H_
#define AFTERSALES_POLICY_POLICY_SOURCE_H_

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aftersales::internal {

// What a path names.
struct PathInfo {
  enum class Kind { kMissing, kFile, kFolder };
  Kind kind = Kind::kMissing;
  std::string reason;  // kMissing: why, in words ("no such file or directory")
};

// A folder's policy files.
struct FolderListing {
  bool ok = false;
  std::vector<std::string> files;  // paths of the *.yaml/*.yml files directly inside, in name order
  std::string message;             // !ok: the whole message ("cannot list the policy folder: ...")
};

// A file's bytes.
struct FileText {
  enum class Status { kOk, kTooLarge, kFailed };
  Status status = Status::kFailed;
  std::string text;  // kOk: every byte of the file
  std::string
      message;  // kFailed: the whole message ("cannot read the policy file: permission denied")
};

class PolicyFileSource {
 public:
  virtual ~PolicyFileSource() = default;

  // Whether `path` is a file, a folder, or nothing that can be read.
  virtual PathInfo Stat(const std::string& path) const = 0;
  // The policy files directly in folder `path` (*.yaml and *.yml; not
  // subfolders), sorted by name. An empty list is not an error here.
  virtual FolderListing List(const std::string& path) const = 0;
  // The bytes of file `path`; kTooLarge when it has more than `max_bytes`
  // (the part of Limits::max_policy_bytes left), read no further than
  // needed to tell.
  virtual FileText Read(const std::string& path, std::size_t max_bytes) const = 0;
  // The path that `name`, written in file `from` (a path of this source),
  // names: relative to the folder of `from`, with "." and ".." folded away
  // and no trailing '/' ("." for the top folder itself).
  virtual std::string Resolve(const std::string& from, const std::string& name) const;
  // One string for every path that names the same file or folder: how the
  // loader finds a chain of `extends` that comes back, and loads an overlay
  // named twice once.
  virtual std::string Key(const std::string& path) const = 0;

 protected:
  // `name` relative to the folder of `from`, folded ("a/b/../c" is "a/c").
  static std::string ResolvePlain(const std::string& from, const std::string& name);
};

// Files on disk (std::filesystem). A folder's files are shown as
// "<folder>/<name>", the folder as given.
class DiskSource final : public PolicyFileSource {
 public:
  PathInfo Stat(const std::string& path) const override;
  FolderListing List(const std::string& path) const override;
  FileText Read(const std::string& path, std::size_t max_bytes) const override;
  std::string Key(const std::string& path) const override;  // weakly_canonical
};

// Files in memory: (path, text) pairs. A path is a file when it is one of
// the names given, and a folder when names are inside it ("platforms/jd"
// for "platforms/jd/policy.yaml"); the top folder is ".". Names are folded
// ("./a/../b.yaml" is "b.yaml"). When a name is given twice the first
// text counts. The texts are the caller's: they must outlive the source.
class MemorySource final : public PolicyFileSource {
 public:
  explicit MemorySource(const std::vector<std::pair<std::string, std::string>>& files);

  PathInfo Stat(const std::string& path) const override;
  FolderListing List(const std::string& path) const override;
  FileText Read(const std::string& path, std::size_t max_bytes) const override;
  std::string Key(const std::string& path) const override;  // the folded path

  // `path` folded as names are: "." for the top folder, no trailing '/'.
  static std::string Fold(std::string_view path);
  // The folder of file `name`, folded: "." for "policy.yaml", "jd" for
  // "./jd/policy.yaml".
  static std::string FolderOf(std::string_view name);

 private:
  std::map<std::string, std::string_view, std::less<>>
      files_;  // folded name -> text (the caller's)
};

// Whether `name` ends in .yaml or .yml (what a folder's listing holds).
bool IsPolicyFileName(std::string_view name);

}  // namespace aftersales::internal

#endif  // AFTERSALES_POLICY_POLICY_SOURCE_H_
