// LoadPolicy, LoadPolicyFromStrings, LoadPolicyAtRevision and
// WritePolicyLock: a source (disk, memory, git) -> LoadPolicyTree (the
// policy layer: read, build, overlays, lock) -> the Policy objects, here:
// each model owned by a PolicyImpl, the overlays wired into the policy
// that names them, and its digest made to cover theirs. Nothing here
// throws: file system errors are issues naming the path.
#include <algorithm>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>
#include <memory>
#include <new>
#include <optional>
#include <utility>

#include "aftersales/loader.h"
#include "aftersales/policy.h"
#include "decision/policy_impl.h"
#include "decision/policy_internal.h"
#include "decision/snapshot_loading.h"
#include "policy/digest.h"
#include "policy/git_source.h"
#include "policy/loader.h"
#include "policy/policy_source.h"
#include "policy/schema_compare.h"
#include "policy/snapshot.h"
#include "expr/regex_pool.h"

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

// ---- Snapshots ---------------------------------------------------------------

LoadResult SnapshotError(const std::string& name, std::string message) {
  LoadResult result;
  result.issues.push_back(ReadIssue(name, std::move(message)));
  return result;
}

LoadResult FromPayload(std::string_view payload, const std::string& name, const LoadOptions& options) {
  internal::ByteReader in(payload);
  // Constant patterns are compiled again within the policy's limits, as
  // loading its YAML would.
  internal::RegexPool regexes(options.limits.max_regex_memory, options.limits.max_policy_regex_memory,
                              internal::RegexPool::WhenFull::kRefuse);
  internal::ExprReader r(in, &regexes);
  r.set_max_depth(2 * std::max(options.limits.max_expression_depth, 1) + 8);
  std::optional<internal::PolicyModel> root = internal::ReadModel(r, options);
  std::vector<std::pair<std::string, std::string>> where;  // platform, path
  std::vector<internal::PolicyModel> overlay_models;
  const std::size_t n = in.Count(3);
  for (std::size_t i = 0; i < n && !in.failed(); ++i) {
    std::string platform = in.Str();
    std::string path = in.Str();
    std::optional<internal::PolicyModel> m = internal::ReadModel(r, options);
    if (!m) break;
    if (root) {
      if (std::string diff = internal::FactSchemaDifference(*root, *m); !diff.empty()) {
        in.Fail("platform overlay '" + platform + "' reads cases otherwise: " + diff);
        break;
      }
    }
    where.emplace_back(std::move(platform), std::move(path));
    overlay_models.push_back(std::move(*m));
  }
  if (!in.failed() && root && !overlay_models.empty()) {
    if (!root->platforms) {
      in.Fail("platform overlays without the platform fact");
    } else {
      for (const auto& [platform, path] : where) {
        if (root->platforms->platforms->IndexOf(platform) < 0) in.Fail("an overlay for platform '" + platform + "', which is not a word of the platform fact");
      }
    }
  }
  if (!in.failed() && !in.at_end()) in.Fail("bytes after the policy");
  if (in.failed() || !root) {
    return SnapshotError(name, "a policy snapshot that does not decode: " + in.message() + " (at byte " +
                                   std::to_string(in.fail_offset()) + " of its contents)");
  }
  LoadResult result;
  for (const Issue& w : root->warnings) result.issues.push_back(w);
  std::vector<PlatformOverlay> overlays;
  for (std::size_t i = 0; i < overlay_models.size(); ++i) {
    for (const Issue& w : overlay_models[i].warnings) result.issues.push_back(w);
    overlays.push_back(PlatformOverlay{
        where[i].first, where[i].second,
        internal::PolicyInternal::Wrap(std::make_shared<internal::PolicyImpl>(std::move(overlay_models[i])))});
  }
  std::optional<internal::PlatformsDecl> platforms = root->platforms;
  auto impl = std::make_shared<internal::PolicyImpl>(std::move(*root));
  if (platforms && !overlays.empty()) {
    impl->SetPlatformOverlays(platforms->fact_slot, platforms->platforms, std::move(overlays));
  }
  result.policy = internal::PolicyInternal::Wrap(std::move(impl));
  return result;
}

LoadResult FromSnapshot(std::string_view bytes, const std::string& name, const LoadOptions& options) {
  std::string error;
  std::optional<std::string_view> payload = internal::UnframeSnapshot(bytes, &error);
  if (!payload) return SnapshotError(name, std::move(error));
  return FromPayload(*payload, name, options);
}

// True when `path` is a file that starts as a snapshot does.
bool IsSnapshotFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  std::ifstream in(path, std::ios::binary);
  char head[internal::kSnapshotMagic.size()] = {};
  in.read(head, sizeof head);
  return in.gcount() == static_cast<std::streamsize>(sizeof head) &&
         internal::LooksLikeSnapshot(std::string_view(head, sizeof head));
}

LoadResult LoadSnapshotFile(const std::string& path, const LoadOptions& options) {
  // A snapshot is bigger than its YAML (its expressions compiled): allowed
  // up to eight times the policy bytes the limits allow.
  const std::size_t max_bytes = options.limits.max_policy_bytes * 8;
  internal::FileText text = internal::DiskSource().Read(path, max_bytes);
  if (text.status == internal::FileText::Status::kTooLarge) {
    return SnapshotError(path, "the policy snapshot is larger than " + std::to_string(max_bytes) +
                                   " bytes (eight times the limit max_policy_bytes)");
  }
  if (text.status != internal::FileText::Status::kOk) return SnapshotError(path, std::move(text.message));
  return FromSnapshot(text.text, path, options);
}

}  // namespace

namespace internal {

std::string SnapshotPayload(const Policy& policy) {
  const PolicyImpl& impl = PolicyInternal::Impl(policy);
  ByteWriter out;
  ExprWriter w(out);
  WriteModel(impl.model(), w);
  out.U64(impl.platform_overlays().size());
  for (const PlatformOverlay& o : impl.platform_overlays()) {
    out.Str(o.platform);
    out.Str(o.path);
    WriteModel(PolicyInternal::Impl(*o.policy).model(), w);
  }
  return std::move(out.data());
}

LoadResult LoadSnapshotPayload(std::string_view payload, const std::string& name, const LoadOptions& options) {
  return Guarded(name, [&] { return FromPayload(payload, name, options); });
}

}  // namespace internal

std::string PolicySnapshot(const Policy& policy) {
  return internal::FrameSnapshot(internal::SnapshotPayload(policy));
}

Status WritePolicySnapshot(const Policy& policy, const std::string& path) {
  try {
    const std::string bytes = PolicySnapshot(policy);
    if (bytes.empty()) return Status::Internal("could not compute the snapshot's SHA-256 (OpenSSL failed)");
    const std::string temp = path + ".tmp";
    {
      std::ofstream out(temp, std::ios::binary | std::ios::trunc);
      out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      out.close();
      if (out.fail()) {
        std::error_code ignored;
        std::filesystem::remove(temp, ignored);
        return Status::IoError("cannot write '" + temp + "'");
      }
    }
    std::error_code ec;
    std::filesystem::rename(temp, path, ec);
    if (ec) {
      std::filesystem::remove(temp, ec);
      return Status::IoError("cannot write '" + path + "': " + ec.message());
    }
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status::Internal(std::string("cannot write the snapshot: ") + e.what());
  }
}

LoadResult LoadPolicySnapshot(std::string_view bytes, const std::string& name, const LoadOptions& options) {
  return Guarded(name, [&] { return FromSnapshot(bytes, name, options); });
}

LoadResult LoadPolicy(const std::string& path, const LoadOptions& options) {
  return Guarded(path, [&] {
    if (IsSnapshotFile(path)) return LoadSnapshotFile(path, options);
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
