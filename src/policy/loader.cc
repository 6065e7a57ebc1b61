// LoadPolicy and LoadPolicyFromStrings: files from disk (or memory) ->
// BuildPolicy -> an immutable Policy. Nothing here throws: file system
// errors become issues naming the path.
#include "aftersales/loader.h"

#include <algorithm>
#include <cctype>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <new>
#include <optional>
#include <system_error>
#include <utility>

#include "aftersales/policy.h"
#include "decision/policy_impl.h"
#include "decision/policy_internal.h"
#include "policy/digest.h"
#include "policy/lock_file.h"
#include "policy/policy_builder.h"
#include "policy/schema_compare.h"
#include "policy/yaml_reader.h"

namespace aftersales {

namespace {

namespace fs = std::filesystem;
using internal::PolicySource;

Issue ReadIssue(const std::string& path, std::string message) {
  return Issue{Severity::kError, "io.read", std::move(message), SourceLocation{path, 0, 0}};
}

std::string Reason(const std::error_code& ec) {
  std::string m = ec.message();
  if (!m.empty()) m[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(m[0])));
  return m;
}

bool IsPolicyFileName(const fs::path& p) {
  std::string ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml";
}

// Reads one file, counting it against the policy's byte budget.
bool ReadOne(const fs::path& path, const std::string& shown, const Limits& limits,
             std::size_t* total, std::vector<PolicySource>* out, std::vector<Issue>* issues) {
  std::error_code ec;
  std::uintmax_t size = fs::file_size(path, ec);
  if (ec) {
    issues->push_back(ReadIssue(shown, "cannot read the policy file: " + Reason(ec)));
    return false;
  }
  if (size > limits.max_policy_bytes || *total + size > limits.max_policy_bytes) {
    issues->push_back(ReadIssue(shown, "the policy is larger than " +
                                           std::to_string(limits.max_policy_bytes) +
                                           " bytes (limit max_policy_bytes)"));
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    issues->push_back(ReadIssue(shown, "cannot open the policy file"));
    return false;
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) {
    issues->push_back(ReadIssue(shown, "error while reading the policy file"));
    return false;
  }
  if (text.size() > limits.max_policy_bytes - *total) {
    issues->push_back(ReadIssue(shown, "the policy is larger than " +
                                           std::to_string(limits.max_policy_bytes) +
                                           " bytes (limit max_policy_bytes)"));
    return false;
  }
  *total += text.size();
  out->push_back(PolicySource{shown, std::move(text)});
  return true;
}

LoadResult Build(const std::vector<PolicySource>& sources, const LoadOptions& options) {
  LoadResult result;
  internal::BuildResult built = internal::BuildPolicy(sources, options, internal::PlatformsUse::kNoPath);
  result.issues = std::move(built.issues);
  if (built.model) {
    result.policy = internal::PolicyInternal::Wrap(std::make_shared<internal::PolicyImpl>(std::move(*built.model)));
  }
  return result;
}

// Where another policy names the path being read, and what it calls it
// there: a missing path is an error at that place.
struct NamedAt {
  SourceLocation location;
  const char* code;  // "policy.extends"
  const char* what;  // "the base policy"
};

// Reads the files of one policy path (a file, or the *.yaml/*.yml files
// directly inside a folder, in name order) into `out`.
bool ReadPath(const std::string& path, const LoadOptions& options, std::size_t* total,
              std::vector<PolicySource>* out, std::vector<Issue>* issues, const NamedAt* named_at) {
  const fs::path root(path);
  std::error_code ec;
  fs::file_status status = fs::status(root, ec);
  if (ec || !fs::exists(status)) {
    std::string reason = ec ? Reason(ec) : std::string("no such file or directory");
    if (named_at != nullptr) {
      issues->push_back(Issue{Severity::kError, named_at->code,
                              "cannot read " + std::string(named_at->what) + " '" + path + "': " + reason,
                              named_at->location});
    } else {
      issues->push_back(ReadIssue(path, "cannot read the policy: " + reason));
    }
    return false;
  }
  if (fs::is_directory(status)) {
    std::vector<fs::path> names;
    fs::directory_iterator it(root, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      std::error_code file_ec;
      if (IsPolicyFileName(it->path()) && it->is_regular_file(file_ec)) {
        names.push_back(it->path().filename());
      }
    }
    if (ec) {
      issues->push_back(ReadIssue(path, "cannot list the policy folder: " + Reason(ec)));
      return false;
    }
    if (names.empty()) {
      issues->push_back(ReadIssue(path, "the policy folder has no .yaml or .yml files"));
      return false;
    }
    std::sort(names.begin(), names.end());
    bool ok = true;
    for (const fs::path& name : names) {
      fs::path full = root / name;
      ok = ReadOne(full, full.generic_string(), options.limits, total, out, issues) && ok;
      if (!ok && *total >= options.limits.max_policy_bytes) break;
    }
    return ok;
  }
  return ReadOne(root, path, options.limits, total, out, issues);
}

// How a path is shown when another policy names it: relative to the
// folder of the file that names it, with "." and ".." folded away.
std::string BasePath(const std::string& from_file, const std::string& extends) {
  fs::path p = (fs::path(from_file).parent_path() / fs::path(extends)).lexically_normal();
  std::string shown = p.generic_string();
  while (shown.size() > 1 && shown.back() == '/') shown.pop_back();
  return shown.empty() ? std::string(".") : shown;
}

// The 'extends' of the files just read (the first one found), if any. Files
// that are not valid YAML are skipped here; the builder reports them.
struct Extends {
  std::string value;
  std::string file;
  SourceLocation location;
};
std::optional<Extends> FindExtends(const std::vector<PolicySource>& sources, std::size_t from,
                                   const LoadOptions& options) {
  internal::YamlReadOptions read_options;
  read_options.max_depth = options.limits.max_yaml_depth;
  read_options.max_nodes = options.limits.max_yaml_nodes;
  for (std::size_t i = from; i < sources.size(); ++i) {
    internal::YamlDocument doc =
        internal::ReadYaml(sources[i].text, sources[i].file_name, read_options);
    if (!doc.root || !doc.root->IsMap()) continue;
    const internal::YamlNode* policy = doc.root->Find("policy");
    if (policy == nullptr || !policy->IsMap()) continue;
    const internal::YamlNode* e = policy->Find("extends");
    if (e == nullptr || !e->IsScalar() || e->value.empty()) continue;
    return Extends{e->value, sources[i].file_name, e->location};
  }
  return std::nullopt;
}

// Reads `path` and, first, every base it extends (deepest base = layer 0).
// `chain` holds the canonical paths being read, to find cycles.
bool ReadLayers(const std::string& path, const LoadOptions& options, const NamedAt* named_at,
                std::vector<std::string>* chain, std::vector<std::string>* shown_chain, std::size_t* total,
                std::vector<PolicySource>* out, std::vector<Issue>* issues, int* layer) {
  std::vector<PolicySource> mine;
  if (!ReadPath(path, options, total, &mine, issues, named_at)) return false;
  std::optional<Extends> extends = FindExtends(mine, 0, options);
  if (extends) {
    std::string base = BasePath(extends->file, extends->value);
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(fs::path(base), ec);
    std::string key = ec ? base : canonical.generic_string();
    auto seen = std::find(chain->begin(), chain->end(), key);
    if (seen != chain->end()) {
      std::string cycle;
      for (auto it = shown_chain->begin() + (seen - chain->begin()); it != shown_chain->end();
           ++it) {
        cycle += *it + " -> ";
      }
      issues->push_back(Issue{Severity::kError, "policy.extends",
                              "the policy extends itself: " + cycle + base,
                              extends->location});
      return false;
    }
    if (static_cast<int>(chain->size()) >= 16) {
      issues->push_back(Issue{Severity::kError, "policy.extends",
                              "more than 16 policies extend each other", extends->location});
      return false;
    }
    chain->push_back(key);
    shown_chain->push_back(base);
    const NamedAt base_at{extends->location, "policy.extends", "the base policy"};
    if (!ReadLayers(base, options, &base_at, chain, shown_chain, total, out, issues, layer)) {
      return false;
    }
    ++*layer;
  }
  for (PolicySource& source : mine) {
    source.layer = *layer;
    out->push_back(std::move(source));
  }
  return true;
}

std::string CanonicalKey(const std::string& path) {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(fs::path(path), ec);
  return ec ? path : canonical.generic_string();
}

// Reads the policy at `path` with every base it extends, and builds it.
// nullopt when its files cannot be read (the issues say why).
// The files a load read, for its lock: each file's path as shown and the
// SHA-256 of the bytes read (what was built is what is checked).
struct ReadFiles {
  bool wanted = false;
  std::vector<std::pair<std::string, std::string>> files;  // (shown path, sha256 hex)
};

std::optional<internal::BuildResult> ReadAndBuild(const std::string& path, const LoadOptions& options,
                                                  const NamedAt* named_at, internal::PlatformsUse platforms,
                                                  std::size_t* total, std::vector<Issue>* issues,
                                                  ReadFiles* read) {
  std::vector<PolicySource> sources;
  std::vector<std::string> chain{CanonicalKey(path)}, shown_chain{path};
  int layer = 0;
  const bool all_read = ReadLayers(path, options, named_at, &chain, &shown_chain, total, &sources, issues, &layer);
  if (read->wanted) {
    for (const PolicySource& source : sources) read->files.emplace_back(source.file_name, internal::Sha256Hex(source.text));
  }
  if (!all_read) return std::nullopt;
  return internal::BuildPolicy(sources, options, platforms);
}

// Issues found twice (an overlay that extends the policy naming it reads
// the same files again) are reported once, where first found.
void AppendNew(std::vector<Issue> more, std::vector<Issue>* issues) {
  for (Issue& issue : more) {
    bool seen = false;
    for (const Issue& have : *issues) {
      seen = seen || (have.severity == issue.severity && have.code == issue.code && have.message == issue.message &&
                      have.location.file == issue.location.file && have.location.line == issue.location.line &&
                      have.location.column == issue.location.column);
    }
    if (!seen) issues->push_back(std::move(issue));
  }
}

// The platform overlays a policy's `platforms` names, each loaded like a
// policy of its own (its bases, its checks, the same limits and byte
// budget) and checked to read cases as `root` does. One that fails is left
// out, with issues, and `ok` set to false.
std::vector<PlatformOverlay> LoadOverlays(const internal::PlatformsDecl& decl, const internal::PolicyModel* root,
                                          const LoadOptions& options, std::size_t* total,
                                          std::vector<Issue>* issues, bool* ok, ReadFiles* read) {
  std::vector<PlatformOverlay> overlays;
  std::vector<std::pair<std::string, std::shared_ptr<const Policy>>> loaded;  // by canonical path
  for (const internal::PlatformEntry& entry : decl.overlays) {
    const std::string key = CanonicalKey(entry.path);
    std::shared_ptr<const Policy> policy;
    auto cached = std::find_if(loaded.begin(), loaded.end(), [&](const auto& p) { return p.first == key; });
    if (cached != loaded.end()) {
      policy = cached->second;
    } else {
      const NamedAt at{entry.location, "policy.platforms", "the platform overlay"};
      std::optional<internal::BuildResult> built =
          ReadAndBuild(entry.path, options, &at, internal::PlatformsUse::kOverlay, total, issues, read);
      if (built) {
        AppendNew(std::move(built->issues), issues);
        if (built->model) {
          policy = internal::PolicyInternal::Wrap(std::make_shared<internal::PolicyImpl>(std::move(*built->model)));
        }
      }
      loaded.emplace_back(key, policy);
    }
    if (policy == nullptr) {
      *ok = false;
      continue;
    }
    if (root != nullptr) {
      std::string difference = internal::FactSchemaDifference(*root, internal::PolicyInternal::Impl(*policy).model());
      if (!difference.empty()) {
        issues->push_back(Issue{Severity::kError, "policy.platforms",
                                "the platform overlay '" + entry.path + "' for " + entry.platform +
                                    " must read cases as this policy does (one case is read once, then decided "
                                    "by it), but " + difference,
                                entry.location});
        *ok = false;
        continue;
      }
    }
    overlays.push_back(PlatformOverlay{entry.platform, entry.path, std::move(policy)});
  }
  return overlays;
}

// The folder a policy's lock lives in: the policy's folder, or the folder
// of its one file.
fs::path LockFolder(const std::string& path) {
  std::error_code ec;
  fs::path p(path);
  if (fs::is_directory(p, ec)) return p;
  fs::path parent = p.parent_path();
  return parent.empty() ? fs::path(".") : parent;
}

// `shown` (a path as the loader shows it) relative to `folder`, '/'-separated.
std::string RelativeTo(const std::string& shown, const fs::path& folder) {
  std::error_code ec;
  fs::path abs_file = fs::absolute(fs::path(shown), ec).lexically_normal();
  fs::path abs_dir = fs::absolute(folder, ec).lexically_normal();
  fs::path rel = abs_file.lexically_relative(abs_dir);
  return rel.empty() ? abs_file.generic_string() : rel.generic_string();
}

// How a lock is used: checked when present (LoadPolicy), or not read at all
// while a new one is written (WritePolicyLock).
enum class LockUse { kCheck, kIgnore };

// Checks the files `read` against the lock in `folder`, when there is one.
// False when there is one and they differ, or it cannot be read.
bool CheckAgainstLock(const fs::path& folder, const ReadFiles& read, const LoadOptions& options,
                      std::vector<Issue>* issues) {
  const fs::path lock_path = folder / internal::kLockFileName;
  const std::string shown_lock = lock_path.generic_string();
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(lock_path, ec))) return true;
  std::size_t total = 0;
  std::vector<PolicySource> text;
  if (!ReadOne(lock_path, shown_lock, options.limits, &total, &text, issues)) return false;
  const std::size_t before = issues->size();
  std::vector<internal::LockEntry> lock = internal::ParseLockFile(text[0].text, shown_lock, issues);
  std::vector<internal::LockEntry> files;
  for (const auto& [shown, sha] : read.files) {
    internal::LockEntry e;
    e.path = RelativeTo(shown, folder);
    e.sha256 = sha;
    files.push_back(std::move(e));
  }
  std::string shown_dir = folder.generic_string();
  internal::CheckLock(lock, files, shown_dir, shown_lock, issues);
  return issues->size() == before;
}

LoadResult LoadFromDisk(const std::string& path, const LoadOptions& options, LockUse lock_use,
                        ReadFiles* read) {
  LoadResult result;
  std::size_t total = 0;
  const fs::path lock_folder = LockFolder(path);
  std::error_code lock_ec;
  const bool has_lock =
      lock_use == LockUse::kCheck && fs::exists(fs::symlink_status(lock_folder / internal::kLockFileName, lock_ec));
  read->wanted = read->wanted || has_lock;
  std::optional<internal::BuildResult> built =
      ReadAndBuild(path, options, nullptr, internal::PlatformsUse::kRead, &total, &result.issues, read);
  bool ok = built.has_value();
  if (built) AppendNew(std::move(built->issues), &result.issues);
  ok = ok && built->model.has_value();
  std::vector<PlatformOverlay> overlays;
  if (built && built->platforms) {
    // Also when this policy has errors, so that every problem shows at once.
    overlays = LoadOverlays(*built->platforms, built->model ? &*built->model : nullptr, options, &total,
                            &result.issues, &ok, read);
  }
  // A policy that does not match its lock is refused, whatever else is
  // wrong with it: a partial deploy never goes live.
  if (has_lock && !CheckAgainstLock(lock_folder, *read, options, &result.issues)) ok = false;
  if (!ok) return result;
  internal::PolicyModel model = std::move(*built->model);
  if (!overlays.empty()) {
    std::vector<std::pair<std::string, std::string>> digests;
    for (const PlatformOverlay& o : overlays) digests.emplace_back(o.platform, o.policy->digest());
    model.digest = internal::PlatformsDigest(model.digest, digests);
    if (model.digest.empty()) {
      result.issues.push_back(ReadIssue(path, "could not compute the policy digest (OpenSSL failed)"));
      return result;
    }
  }
  auto impl = std::make_shared<internal::PolicyImpl>(std::move(model));
  if (built->platforms) {
    impl->SetPlatformOverlays(built->platforms->fact_slot, built->platforms->platforms, std::move(overlays));
  }
  result.policy = internal::PolicyInternal::Wrap(std::move(impl));
  return result;
}

}  // namespace

LoadResult LoadPolicy(const std::string& path, const LoadOptions& options) {
  try {
    ReadFiles read;
    return LoadFromDisk(path, options, LockUse::kCheck, &read);
  } catch (const std::bad_alloc&) {
    LoadResult result;
    result.issues.push_back(ReadIssue(path, "out of memory while loading the policy"));
    return result;
  } catch (const std::exception& e) {
    LoadResult result;
    result.issues.push_back(ReadIssue(path, std::string("cannot load the policy: ") + e.what()));
    return result;
  }
}

LoadResult LoadPolicyFromStrings(const std::vector<std::pair<std::string, std::string>>& files,
                                 const LoadOptions& options) {
  try {
    std::vector<PolicySource> sources;
    std::size_t total = 0;
    for (const auto& [name, text] : files) {
      total += text.size();
      if (total > options.limits.max_policy_bytes) {
        LoadResult result;
        result.issues.push_back(ReadIssue(name, "the policy is larger than " +
                                                    std::to_string(options.limits.max_policy_bytes) +
                                                    " bytes (limit max_policy_bytes)"));
        return result;
      }
      sources.push_back(PolicySource{name, text});
    }
    return Build(sources, options);
  } catch (const std::bad_alloc&) {
    LoadResult result;
    result.issues.push_back(ReadIssue("", "out of memory while loading the policy"));
    return result;
  } catch (const std::exception& e) {
    LoadResult result;
    result.issues.push_back(ReadIssue("", std::string("cannot load the policy: ") + e.what()));
    return result;
  }
}

LockResult WritePolicyLock(const std::string& path, const LoadOptions& options) {
  LockResult result;
  try {
    ReadFiles read;
    read.wanted = true;
    LoadResult loaded = LoadFromDisk(path, options, LockUse::kIgnore, &read);
    result.issues = std::move(loaded.issues);
    if (!loaded.ok()) return result;
    const fs::path folder = LockFolder(path);
    std::vector<internal::LockEntry> entries;
    for (const auto& [shown, sha] : read.files) {
      internal::LockEntry e;
      e.path = RelativeTo(shown, folder);
      e.sha256 = sha;
      if (sha.empty()) {
        result.issues.push_back(ReadIssue(shown, "could not compute the file's SHA-256 (OpenSSL failed)"));
        return result;
      }
      if (std::string why = internal::LockPathProblem(e.path); !why.empty()) {
        result.issues.push_back(ReadIssue(shown, "cannot be named in a lock file: " + why));
        return result;
      }
      entries.push_back(std::move(e));
    }
    const std::string text = internal::FormatLockFile(entries);
    const fs::path lock_path = folder / internal::kLockFileName;
    const fs::path temp = folder / (std::string(internal::kLockFileName) + ".tmp");
    {
      std::ofstream out(temp, std::ios::binary | std::ios::trunc);
      out << text;
      out.close();
      if (out.fail()) {
        std::error_code ignored;
        fs::remove(temp, ignored);
        result.issues.push_back(ReadIssue(temp.generic_string(), "cannot write the lock file"));
        return result;
      }
    }
    std::error_code ec;
    fs::rename(temp, lock_path, ec);
    if (ec) {
      fs::remove(temp, ec);
      result.issues.push_back(ReadIssue(lock_path.generic_string(), "cannot write the lock file: " + Reason(ec)));
      return result;
    }
    for (const internal::LockEntry& e : entries) result.files.push_back(e.path);
    std::sort(result.files.begin(), result.files.end());
    result.files.erase(std::unique(result.files.begin(), result.files.end()), result.files.end());
    result.lock_path = lock_path.generic_string();
    return result;
  } catch (const std::exception& e) {
    result.lock_path.clear();
    result.issues.push_back(ReadIssue(path, std::string("cannot write the lock file: ") + e.what()));
    return result;
  }
}

}  // namespace aftersales
