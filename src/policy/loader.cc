// LoadPolicyTree: a policy's path in a source -> its files and every base
// they extend (ReadLayers, deepest base = layer 0), each file read once
// and parsed once for the whole load (TreeReader::ReadOne), built; then the
// platform overlays its header names, loaded the same way; then, on disk,
// the lock. Policy objects are made from the result in
// src/decision/policy_loading.cc.
#include "policy/loader.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <memory>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "policy/digest.h"
#include "policy/lock_file.h"
#include "policy/policy_builder.h"
#include "policy/schema_compare.h"
#include "policy/yaml_reader.h"

namespace aftersales::internal {

namespace {

namespace fs = std::filesystem;

std::string Reason(const std::error_code& ec) {
  std::string m = ec.message();
  if (!m.empty()) m[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(m[0])));
  return m;
}

std::string TooLarge(const Limits& limits) {
  return "the policy is larger than " + std::to_string(limits.max_policy_bytes) +
         " bytes (limit max_policy_bytes)";
}

// Where another policy names the path being read, and what it calls it
// there: a missing path is an error at that place.
struct NamedAt {
  SourceLocation location;
  const char* code;  // "policy.extends"
  const char* what;  // "the base policy"
};

// The 'extends' of the files just read (the first one found), if any. Files
// that are not valid YAML are skipped here; the builder reports them.
struct Extends {
  std::string value;
  std::string file;
  SourceLocation location;
};
std::optional<Extends> FindExtends(const std::vector<LayeredFile>& files) {
  for (const LayeredFile& f : files) {
    const std::optional<YamlNode>& root = f.file->doc.root;
    if (!root || !root->IsMap()) continue;
    const YamlNode* policy = root->Find("policy");
    if (policy == nullptr || !policy->IsMap()) continue;
    const YamlNode* e = policy->Find("extends");
    if (e == nullptr || !e->IsScalar() || e->value.empty()) continue;
    return Extends{e->value, f.file->file_name, e->location};
  }
  return std::nullopt;
}

// Issues found twice (an overlay that extends the policy naming it reads
// the same files again) are reported once, where first found.
void AppendNew(std::vector<Issue> more, std::vector<Issue>* issues) {
  for (Issue& issue : more) {
    bool seen = false;
    for (const Issue& have : *issues) {
      seen = seen || (have.severity == issue.severity && have.code == issue.code &&
                      have.message == issue.message && have.location.file == issue.location.file &&
                      have.location.line == issue.location.line &&
                      have.location.column == issue.location.column);
    }
    if (!seen) issues->push_back(std::move(issue));
  }
}

// Reads and builds policies from one source, within one byte budget. A
// file is read from the source and parsed the first time it is needed;
// a policy that needs it again (the base an overlay extends) uses the same
// parsed document, and its bytes count against the budget again.
class TreeReader {
 public:
  TreeReader(const PolicyFileSource& source, const LoadOptions& options, bool want_files)
      : source_(source), options_(options), want_files_(want_files) {}

  // Reads the policy at `root` with every base it extends, and builds it.
  // nullopt when its files cannot be read (`issues` says why). The files
  // read go to `files` (with want_files).
  std::optional<BuildResult> ReadAndBuild(const PolicyRoot& root, const NamedAt* named_at,
                                          PlatformsUse platforms, std::vector<Issue>* issues,
                                          std::vector<FileRead>* files) {
    std::vector<LayeredFile> layered;
    std::vector<std::string> chain{source_.Key(root.path)}, shown_chain{root.path};
    int layer = 0;
    const bool all_read = ReadLayers(root.path, root.files ? &*root.files : nullptr, named_at,
                                     &chain, &shown_chain, &layered, issues, &layer);
    if (want_files_) {
      for (const LayeredFile& f : layered) {
        files->push_back(FileRead{f.file->file_name, Sha256Of(*f.file)});
      }
    }
    if (!all_read) return std::nullopt;
    return BuildPolicy(layered, options_, platforms);
  }

  // The platform overlays a policy's `platforms` names, each loaded like a
  // policy of its own (its bases, its checks, the same limits and byte
  // budget) and checked to read cases as `root` does. One that fails is
  // left out, with issues, and `ok` set to false.
  void LoadOverlays(const PlatformsDecl& decl, const PolicyModel* root, PolicyTree* tree,
                    bool* ok) {
    std::vector<std::pair<std::string, std::optional<std::size_t>>> loaded;  // by Key
    for (const PlatformEntry& entry : decl.overlays) {
      const std::string path = source_.Resolve(entry.location.file, entry.path);
      const std::string key = source_.Key(path);
      std::optional<std::size_t> model;
      auto cached =
          std::find_if(loaded.begin(), loaded.end(), [&](const auto& p) { return p.first == key; });
      if (cached != loaded.end()) {
        model = cached->second;
      } else {
        const NamedAt at{entry.location, "policy.platforms", "the platform overlay"};
        std::optional<BuildResult> built =
            ReadAndBuild(PolicyRoot{path, std::nullopt}, &at, PlatformsUse::kOverlay, &tree->issues,
                         &tree->files);
        if (built) {
          AppendNew(std::move(built->issues), &tree->issues);
          if (built->model) {
            model = tree->overlay_models.size();
            tree->overlay_models.push_back(std::move(*built->model));
          }
        }
        loaded.emplace_back(key, model);
      }
      if (!model) {
        *ok = false;
        continue;
      }
      if (root != nullptr) {
        std::string difference = FactSchemaDifference(*root, tree->overlay_models[*model]);
        if (!difference.empty()) {
          tree->issues.push_back(
              Issue{Severity::kError, "policy.platforms",
                    "the platform overlay '" + path + "' for " + entry.platform +
                        " must read cases as this policy does (one case is read once, then "
                        "decided by it), but " +
                        difference,
                    entry.location});
          *ok = false;
          continue;
        }
      }
      tree->overlays.push_back(OverlayRef{entry.platform, path, *model});
    }
  }

 private:
  struct Cached {
    std::shared_ptr<const ParsedFile> parsed;
    std::string sha256;  // of its bytes, once asked for
  };

  std::string Sha256Of(const ParsedFile& file) {
    Cached& cached = cache_[source_.Key(file.file_name)];
    if (cached.sha256.empty()) cached.sha256 = Sha256Hex(file.text);
    return cached.sha256;
  }

  // One file, counted against the byte budget; null with an issue when it
  // cannot be read or does not fit.
  std::shared_ptr<const ParsedFile> ReadOne(const std::string& path, std::vector<Issue>* issues) {
    const std::size_t left = options_.limits.max_policy_bytes - total_;
    const std::string key = source_.Key(path);
    auto it = cache_.find(key);
    if (it != cache_.end() && it->second.parsed != nullptr) {
      const std::size_t size = it->second.parsed->text.size();
      if (size > left) {
        issues->push_back(ReadIssue(path, TooLarge(options_.limits)));
        return nullptr;
      }
      total_ += size;
      return it->second.parsed;
    }
    FileText read = source_.Read(path, left);
    if (read.status == FileText::Status::kTooLarge) {
      issues->push_back(ReadIssue(path, TooLarge(options_.limits)));
      return nullptr;
    }
    if (read.status != FileText::Status::kOk) {
      issues->push_back(ReadIssue(path, std::move(read.message)));
      return nullptr;
    }
    total_ += read.text.size();
    auto parsed =
        std::make_shared<const ParsedFile>(ParsePolicyFile(path, std::move(read.text), options_));
    cache_[key].parsed = parsed;
    return parsed;
  }

  // Reads `files` in order into `out`. False when any could not be read.
  bool ReadFiles(const std::vector<std::string>& files, std::vector<LayeredFile>* out,
                 std::vector<Issue>* issues) {
    bool ok = true;
    for (const std::string& file : files) {
      std::shared_ptr<const ParsedFile> parsed = ReadOne(file, issues);
      if (parsed != nullptr) {
        out->push_back(LayeredFile{std::move(parsed), 0});
      } else {
        ok = false;
      }
      if (!ok && total_ >= options_.limits.max_policy_bytes) break;
    }
    return ok;
  }

  // Reads the files of one policy path (a file, or the *.yaml/*.yml files
  // directly inside a folder, in name order) into `out`.
  bool ReadPath(const std::string& path, const NamedAt* named_at, std::vector<LayeredFile>* out,
                std::vector<Issue>* issues) {
    PathInfo info = source_.Stat(path);
    if (info.kind == PathInfo::Kind::kMissing) {
      if (named_at != nullptr) {
        issues->push_back(
            Issue{Severity::kError, named_at->code,
                  "cannot read " + std::string(named_at->what) + " '" + path + "': " + info.reason,
                  named_at->location});
      } else {
        issues->push_back(ReadIssue(path, "cannot read the policy: " + info.reason));
      }
      return false;
    }
    if (info.kind == PathInfo::Kind::kFolder) {
      FolderListing listing = source_.List(path);
      if (!listing.ok) {
        issues->push_back(ReadIssue(path, std::move(listing.message)));
        return false;
      }
      if (listing.files.empty()) {
        if (named_at != nullptr) {  // told where it is named, as a missing one is
          issues->push_back(Issue{Severity::kError, named_at->code,
                                  std::string(named_at->what) + " '" + path +
                                      "' is a folder with no .yaml or .yml files",
                                  named_at->location});
        } else {
          issues->push_back(ReadIssue(path, "the policy folder has no .yaml or .yml files"));
        }
        return false;
      }
      return ReadFiles(listing.files, out, issues);
    }
    return ReadFiles({path}, out, issues);
  }

  // Reads `path` (or `files`, when given) and, first, every base it extends
  // (deepest base = layer 0). `chain` holds the keys of the paths being
  // read, to find cycles.
  bool ReadLayers(const std::string& path, const std::vector<std::string>* files,
                  const NamedAt* named_at, std::vector<std::string>* chain,
                  std::vector<std::string>* shown_chain, std::vector<LayeredFile>* out,
                  std::vector<Issue>* issues, int* layer) {
    std::vector<LayeredFile> mine;
    const bool read = files != nullptr ? ReadFiles(*files, &mine, issues)
                                       : ReadPath(path, named_at, &mine, issues);
    if (!read) return false;
    std::optional<Extends> extends = FindExtends(mine);
    if (extends) {
      std::string base = source_.Resolve(extends->file, extends->value);
      std::string key = source_.Key(base);
      auto seen = std::find(chain->begin(), chain->end(), key);
      if (seen != chain->end()) {
        std::string cycle;
        for (auto it = shown_chain->begin() + (seen - chain->begin()); it != shown_chain->end();
             ++it) {
          cycle += *it + " -> ";
        }
        issues->push_back(Issue{Severity::kError, "policy.extends",
                                "the policy extends itself: " + cycle + base, extends->location});
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
      if (!ReadLayers(base, nullptr, &base_at, chain, shown_chain, out, issues, layer))
        return false;
      ++*layer;
    }
    for (LayeredFile& f : mine) {
      f.layer = *layer;
      out->push_back(std::move(f));
    }
    return true;
  }

  const PolicyFileSource& source_;
  const LoadOptions& options_;
  const bool want_files_;
  std::size_t total_ = 0;                          // bytes counted so far
  // By the source's Key, so that one file reached by two spellings
  // (`./set/` for the policy, `..` from its overlay) is parsed once and
  // its problems are told once, under the first spelling.
  std::unordered_map<std::string, Cached> cache_;
};

// ---- The lock (on disk) -----------------------------------------------------

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

// Checks the files `read` against the lock in `folder`, when there is one.
// False when there is one and they differ, or it cannot be read.
bool CheckAgainstLock(const fs::path& folder, const std::vector<FileRead>& read,
                      const LoadOptions& options, std::vector<Issue>* issues) {
  const fs::path lock_path = folder / kLockFileName;
  const std::string shown_lock = lock_path.generic_string();
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(lock_path, ec))) return true;
  FileText text = DiskSource().Read(shown_lock, options.limits.max_policy_bytes);
  if (text.status == FileText::Status::kTooLarge) {
    issues->push_back(ReadIssue(shown_lock, TooLarge(options.limits)));
    return false;
  }
  if (text.status != FileText::Status::kOk) {
    issues->push_back(ReadIssue(shown_lock, std::move(text.message)));
    return false;
  }
  const std::size_t before = issues->size();
  std::vector<LockEntry> lock = ParseLockFile(text.text, shown_lock, issues);
  std::vector<LockEntry> files;
  for (const FileRead& f : read) {
    LockEntry e;
    e.path = RelativeTo(f.path, folder);
    e.sha256 = f.sha256;
    files.push_back(std::move(e));
  }
  std::string shown_dir = folder.generic_string();
  CheckLock(lock, files, shown_dir, shown_lock, issues);
  return issues->size() == before;
}

}  // namespace

Issue ReadIssue(const std::string& path, std::string message) {
  return Issue{Severity::kError, "io.read", std::move(message), SourceLocation{path, 0, 0}};
}

PolicyTree LoadPolicyTree(const PolicyFileSource& source, const PolicyRoot& root,
                          const LoadOptions& options, const TreeOptions& tree_options) {
  PolicyTree tree;
  fs::path lock_folder;
  bool has_lock = false;
  if (tree_options.check_lock) {
    lock_folder = LockFolder(root.path);
    std::error_code ec;
    has_lock = fs::exists(fs::symlink_status(lock_folder / kLockFileName, ec));
  }
  TreeReader reader(source, options, tree_options.want_files || has_lock);
  std::optional<BuildResult> built =
      reader.ReadAndBuild(root, nullptr, PlatformsUse::kRead, &tree.issues, &tree.files);
  bool ok = built.has_value();
  if (built) AppendNew(std::move(built->issues), &tree.issues);
  ok = ok && built->model.has_value();
  if (built && built->platforms) {
    // Also when this policy has errors, so that every problem shows at once.
    reader.LoadOverlays(*built->platforms, built->model ? &*built->model : nullptr, &tree, &ok);
  }
  // A policy that does not match its lock is refused, whatever else is
  // wrong with it: a partial deploy never goes live.
  if (has_lock && !CheckAgainstLock(lock_folder, tree.files, options, &tree.issues)) ok = false;
  if (!ok) {
    tree.overlay_models.clear();
    tree.overlays.clear();
    return tree;
  }
  tree.model = std::move(*built->model);
  tree.platforms = std::move(built->platforms);
  return tree;
}

std::string WriteLockFile(const std::string& path, const std::vector<FileRead>& files,
                          std::vector<std::string>* listed, std::vector<Issue>* issues) {
  const fs::path folder = LockFolder(path);
  std::vector<LockEntry> entries;
  for (const FileRead& f : files) {
    LockEntry e;
    e.path = RelativeTo(f.path, folder);
    e.sha256 = f.sha256;
    if (f.sha256.empty()) {
      issues->push_back(ReadIssue(f.path, "could not compute the file's SHA-256 (OpenSSL failed)"));
      return {};
    }
    if (std::string why = LockPathProblem(e.path); !why.empty()) {
      issues->push_back(ReadIssue(f.path, "cannot be named in a lock file: " + why));
      return {};
    }
    entries.push_back(std::move(e));
  }
  const std::string text = FormatLockFile(entries);
  const fs::path lock_path = folder / kLockFileName;
  const fs::path temp = folder / (std::string(kLockFileName) + ".tmp");
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (out.fail()) {
      std::error_code ignored;
      fs::remove(temp, ignored);
      issues->push_back(ReadIssue(temp.generic_string(), "cannot write the lock file"));
      return {};
    }
  }
  std::error_code ec;
  fs::rename(temp, lock_path, ec);
  if (ec) {
    fs::remove(temp, ec);
    issues->push_back(
        ReadIssue(lock_path.generic_string(), "cannot write the lock file: " + Reason(ec)));
    return {};
  }
  for (const LockEntry& e : entries) listed->push_back(e.path);
  std::sort(listed->begin(), listed->end());
  listed->erase(std::unique(listed->begin(), listed->end()), listed->end());
  return lock_path.generic_string();
}

}  // namespace aftersales::internal
