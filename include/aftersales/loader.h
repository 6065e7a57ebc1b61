// Loading: reads a policy (one YAML file, or a folder of them), validates
// all of it, and compiles it. Every problem is reported at once as an Issue
// with its file:line:column. A policy with any error is not returned: there
// are no half-loaded policies.
#ifndef AFTERSALES_LOADER_H_
#define AFTERSALES_LOADER_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aftersales/export.h"
#include "aftersales/issue.h"
#include "aftersales/options.h"
#include "aftersales/policy.h"
#include "aftersales/status.h"

namespace aftersales {

struct LoadResult {
  std::shared_ptr<const Policy> policy;  // null when any error was found
  std::vector<Issue> issues;             // errors and warnings, in file order
  bool ok() const { return policy != nullptr; }
};

// `path` is a .yaml/.yml file, or a folder whose *.yaml and *.yml files
// (not subfolders) together make one policy. Unreadable paths are issues too.
//
// When the policy's folder (`path`, or the folder of the file `path` names)
// holds a lock file, `aftersales.lock` (WritePolicyLock), every file the
// policy reads (its bases and platform overlays included) must be listed
// there with the SHA-256 of its bytes, and every file listed must be read:
// otherwise each file missing, added or changed is an error issue (code
// "policy.lock") naming it, and no policy is returned. So a deploy that
// copied the policy in part never goes live. Without a lock nothing is
// checked.
AFTERSALES_EXPORT LoadResult LoadPolicy(const std::string& path, const LoadOptions& options = {});

// Compiled snapshots (`aftersales compile`). A snapshot holds a loaded
// policy as the loader left it (its platform overlays included, its digest
// the policy's digest) and loads without reading YAML or compiling any
// expression. LoadPolicy reads one when `path` is a snapshot file (it
// starts with the snapshot's magic bytes), so every `--policy` accepts it.
// A snapshot is read only by the library version that wrote it; one of
// another version, a damaged one (its SHA-256 does not match) or one that
// does not decode to a sound policy is refused whole: an io.read issue
// saying which, and no policy.

// `policy` as a snapshot's bytes; "" when OpenSSL could not hash them.
AFTERSALES_EXPORT std::string PolicySnapshot(const Policy& policy);
// Writes PolicySnapshot(policy) to `path`, whole (a temporary file renamed
// into place). Never throws.
AFTERSALES_EXPORT Status WritePolicySnapshot(const Policy& policy, const std::string& path);
// A policy from a snapshot's bytes; `name` is the place issues name.
AFTERSALES_EXPORT LoadResult LoadPolicySnapshot(std::string_view bytes, const std::string& name,
                                                const LoadOptions& options = {});

struct LockResult {
  std::string lock_path;           // the lock written ("rules/aftersales.lock"); empty when none was
  std::vector<std::string> files;  // the files it lists, relative to its folder, sorted
  std::vector<Issue> issues;       // the policy's errors and warnings, or why the lock could not be written
  bool ok() const { return !lock_path.empty(); }
};

// Loads the policy at `path` as LoadPolicy does, but without checking any
// lock, and when it has no error writes its lock file: `aftersales.lock`
// in the policy's folder, one `<sha256 hex>  <path>` line per file read
// (its bases and platform overlays included), sorted by path, the path
// relative to that folder (the format `sha256sum` prints and `sha256sum -c`
// checks). The bytes hashed are the bytes loaded and checked. The file is
// written whole and renamed into place: a reader never sees half of it.
// Returns without writing when the policy has errors. Never throws.
AFTERSALES_EXPORT LockResult WritePolicyLock(const std::string& path, const LoadOptions& options = {});

// The same from memory: (file name, YAML text) pairs, the names as paths
// ("policy.yaml", "platforms/jd/policy.yaml"). The policy is the files
// given in the folder of the first one, in the order given; the others are
// read only when an `extends` or a `platforms` overlay names them (a file,
// or a folder: the *.yaml/*.yml files directly inside), resolved against
// the folder of the file that names them, as on disk. A name that is not
// given is an error at the place that names it. No lock is checked. The
// names appear in issue locations.
AFTERSALES_EXPORT LoadResult LoadPolicyFromStrings(
    const std::vector<std::pair<std::string, std::string>>& files,
    const LoadOptions& options = {});

// The policy at `path` as it is at git revision `rev` (a commit, branch,
// tag, "HEAD~1"...) of the repository that holds `path`: its files, its
// bases and its platform overlays are read from that revision with `git`
// (run from PATH, without a shell), never from the working tree, and named
// `git:REV:<path in the repository>` in issue locations. `path` need not
// exist in the working tree as long as a folder above it does. No lock is
// checked. A `path` outside a repository, a revision git does not know (or
// one starting with '-'), or no git to run are io.read issues at
// `git:REV`. Never throws.
AFTERSALES_EXPORT LoadResult LoadPolicyAtRevision(const std::string& path, const std::string& rev,
                                                  const LoadOptions& options = {});

}  // namespace aftersales

#endif  // AFTERSALES_LOADER_H_
