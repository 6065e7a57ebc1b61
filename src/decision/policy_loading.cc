// LoadPolicy, LoadPolicyFromStrings, LoadPolicyAtRevision and
// WritePolicyLock: a source (disk, memory, git) -> LoadPolicyTree (the
// policy layer: read, build, overlays, lock) -> the Policy objects, here:
// each model owned by a PolicyImpl, the overlays wired into the policy
// that names them, and its digest made to cover theirs. Nothing here
// throws: file system errors are issues naming the path.
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <utility>

#include "aftersales/loader.h"
#include "aftersales/policy.h"
#include "decision/policy_impl.h"
#include "decision/policy_internal.h"
#include "policy/digest.h"
#include "policy/git_source.h"
#include "policy/loader.h"
#include "policy/policy_source.h"

namespace aftersales {

namespace {

using internal::ReadIssue;

// The Policy of a tree that loaded (`path`: the policy's, for an issue of
// its own).
LoadResult ToPolicy(internal::PolicyTree tree, const std::string& path) {
  LoadResult result;
  result.issues = std::move(tree.issues);
  if (!tree.model) return result;
  std::vector<std::shared_ptr<const Policy>> built;
  for (internal::PolicyModel& model : tree.overlay_models) {
    built.push_back(internal::PolicyInternal::Wrap(std::make_shared<internal::PolicyImpl>(std::move(model))));
  }
  std::vector<PlatformOverlay> overlays;
  for (const internal::OverlayRef& ref : tree.overlays) {
    overlays.push_back(PlatformOverlay{ref.platform, ref.path, built[ref.model]});
  }
  internal::PolicyModel model = std::move(*tree.model);
  if (!overlays.empty()) {
    std::vector<std::pair<std::string, std::string>> digests;
    for (const PlatformOverlay& o : overlays) digests.emplace_back(o.platform, o.policy->digest());
    model.digest = internal::PlatformsDigest(model.digest, digests);
    if (model.digest.empty()) {
      result.issues.push_back(
          ReadIssue(path, "could not compute the policy digest (OpenSSL failed)"));
      return result;
    }
  }
  auto impl = std::make_shared<internal::PolicyImpl>(std::move(model));
  if (tree.platforms) {
    impl->SetPlatformOverlays(tree.platforms->fact_slot, tree.platforms->platforms,
                              std::move(overlays));
  }
  result.policy = internal::PolicyInternal::Wrap(std::move(impl));
  return result;
}

// `load()`, with an exception turned into an issue at `where`.
template <typename F>
LoadResult Guarded(const std::string& where, F&& load) {
  try {
    return load();
  } catch (const std::bad_alloc&) {
    LoadResult result;
    result.issues.push_back(ReadIssue(where, "out of memory while loading the policy"));
    return result;
  } catch (const std::exception& e) {
    LoadResult result;
    result.issues.push_back(ReadIssue(where, std::string("cannot load the policy: ") + e.what()));
    return result;
  }
}

}  // namespace

LoadResult LoadPolicy(const std::string& path, const LoadOptions& options) {
  return Guarded(path, [&] {
    internal::DiskSource disk;
    internal::TreeOptions tree_options;
    tree_options.check_lock = true;
    return ToPolicy(internal::LoadPolicyTree(disk, internal::PolicyRoot{path, std::nullopt},
                                             options, tree_options),
                    path);
  });
}

LoadResult LoadPolicyFromStrings(const std::vector<std::pair<std::string, std::string>>& files,
                                 const LoadOptions& options) {
  return Guarded("", [&] {
    internal::MemorySource memory(files);
    // The policy is the files in the folder of the first; the others are
    // read when an `extends` or `platforms` names them.
    internal::PolicyRoot root;
    root.files.emplace();
    std::string folder;
    for (const auto& [name, text] : files) {
      std::string in = internal::MemorySource::FolderOf(name);
      if (root.files->empty()) folder = in;
      if (in == folder) root.files->push_back(name);
    }
    root.path = root.files->size() == 1 ? root.files->front() : folder;
    return ToPolicy(internal::LoadPolicyTree(memory, root, options), root.path);
  });
}

LoadResult LoadPolicyAtRevision(const std::string& path, const std::string& rev,
                                const LoadOptions& options) {
  return Guarded(path, [&] {
    internal::GitSource::Opened git = internal::GitSource::Open(path, rev);
    if (git.source == nullptr) {
      LoadResult result;
      result.issues.push_back(ReadIssue("git:" + rev, std::move(git.error)));
      return result;
    }
    return ToPolicy(internal::LoadPolicyTree(*git.source,
                                             internal::PolicyRoot{git.path, std::nullopt}, options),
                    git.path);
  });
}

LockResult WritePolicyLock(const std::string& path, const LoadOptions& options) {
  LockResult result;
  try {
    internal::DiskSource disk;
    internal::TreeOptions tree_options;
    tree_options.want_files = true;
    internal::PolicyTree tree = internal::LoadPolicyTree(
        disk, internal::PolicyRoot{path, std::nullopt}, options, tree_options);
    std::vector<internal::FileRead> files = std::move(tree.files);
    LoadResult loaded = ToPolicy(std::move(tree), path);
    result.issues = std::move(loaded.issues);
    if (!loaded.ok()) return result;
    result.lock_path = internal::WriteLockFile(path, files, &result.files, &result.issues);
    return result;
  } catch (const std::exception& e) {
    result.lock_path.clear();
    result.issues.push_back(
        ReadIssue(path, std::string("cannot write the lock file: ") + e.what()));
    return result;
  }
}

}  // namespace aftersales
