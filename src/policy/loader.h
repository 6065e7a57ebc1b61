// The loader's policy half: a policy's path in a PolicyFileSource -> its
// files and every base they `extends` (each file read once and parsed
// once), built (BuildPolicy), with the platform overlays its `platforms`
// names loaded the same way and checked to read cases as it does, and,
// from disk, its lock checked. The result is models, not Policy objects:
// src/decision/policy_loading.cc turns a PolicyTree into the Policy that
// LoadPolicy, LoadPolicyFromStrings and LoadPolicyAtRevision return.
// Nothing here throws but bad_alloc: a file that cannot be read is an
// issue naming it.
#ifndef AFTERSALES_POLICY_LOADER_H_
#define AFTERSALES_POLICY_LOADER_H_

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "aftersales/issue.h"
#include "aftersales/options.h"
#include "policy/policy_model.h"
#include "policy/policy_source.h"

namespace aftersales::internal {

// Which policy to load from a source.
struct PolicyRoot {
  // The policy's path: a file, or a folder whose *.yaml/*.yml files (not
  // subfolders) make the policy. Relative `extends` and `platforms` paths
  // resolve against the folder of the file that names them.
  std::string path;
  // When set, these files of the source, in this order, are the policy
  // instead of what `path` names (LoadPolicyFromStrings: the files given);
  // `path` then only names them (in a cycle of `extends`).
  std::optional<std::vector<std::string>> files;
};

struct TreeOptions {
  // Check the files read against `aftersales.lock` in the policy's folder
  // on disk, when there is one (LoadPolicy). Only for a DiskSource.
  bool check_lock = false;
  // Record every file read in PolicyTree::files (for a lock).
  bool want_files = false;
};

// A file a load read: its path as shown, and the SHA-256 (hex) of its bytes.
struct FileRead {
  std::string path;
  std::string sha256;
};

// One entry of the policy's `platforms: {overlays: ...}`, loaded.
struct OverlayRef {
  std::string platform;  // the word of the platform fact: "jd"
  std::string path;      // the overlay's path as resolved: "rules/platforms/jd"
  std::size_t model;     // index in PolicyTree::overlay_models (two entries may share one)
};

// What loading a policy built.
struct PolicyTree {
  // The policy, when it and everything it reads have no error (no model
  // without the overlays it names); nullopt otherwise, and `issues` says why.
  std::optional<PolicyModel> model;
  // Its `platforms`, when its header has them (fact slot and enum).
  std::optional<PlatformsDecl> platforms;
  // Each overlay built once, and each entry of `overlays` in header order.
  std::vector<PolicyModel> overlay_models;
  std::vector<OverlayRef> overlays;
  // Every file read, in reading order (a file read twice appears twice);
  // only with TreeOptions::want_files or a lock to check.
  std::vector<FileRead> files;
  // Errors and warnings: the policy's, then each overlay's (each issue once).
  std::vector<Issue> issues;
};

PolicyTree LoadPolicyTree(const PolicyFileSource& source, const PolicyRoot& root,
                          const LoadOptions& options, const TreeOptions& tree_options = {});

// An io.read error issue at `path` (no line).
Issue ReadIssue(const std::string& path, std::string message);

// Writes `aftersales.lock` in the folder of the policy at `path` (on disk)
// listing `files` (what LoadPolicyTree read, with want_files), as
// WritePolicyLock documents. Returns the lock's path, and in `listed` the
// paths it lists (relative to its folder, sorted, each once); or "" with
// an issue saying why it could not.
std::string WriteLockFile(const std::string& path, const std::vector<FileRead>& files,
                          std::vector<std::string>* listed, std::vector<Issue>* issues);

}  // namespace aftersales::internal

#endif  // AFTERSALES_POLICY_LOADER_H_
