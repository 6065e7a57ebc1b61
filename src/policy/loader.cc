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
#include "policy/policy_builder.h"
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
  internal::BuildResult built = internal::BuildPolicy(sources, options);
  result.issues = std::move(built.issues);
  if (built.model) {
    result.policy = std::make_shared<const Policy>(
        std::make_unique<internal::PolicyImpl>(std::move(*built.model)));
  }
  return result;
}

// Reads the files of one policy path (a file, or the *.yaml/*.yml files
// directly inside a folder, in name order) into `out`.
bool ReadPath(const std::string& path, const LoadOptions& options, std::size_t* total,
              std::vector<PolicySource>* out, std::vector<Issue>* issues,
              const SourceLocation* referenced_at) {
  const fs::path root(path);
  std::error_code ec;
  fs::file_status status = fs::status(root, ec);
  if (ec || !fs::exists(status)) {
    std::string reason = ec ? Reason(ec) : std::string("no such file or directory");
    if (referenced_at != nullptr) {
      issues->push_back(Issue{Severity::kError, "policy.extends",
                              "cannot read the base policy '" + path + "': " + reason,
                              *referenced_at});
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
bool ReadLayers(const std::string& path, const LoadOptions& options,
                const SourceLocation* referenced_at, std::vector<std::string>* chain,
                std::vector<std::string>* shown_chain, std::size_t* total,
                std::vector<PolicySource>* out, std::vector<Issue>* issues, int* layer) {
  std::vector<PolicySource> mine;
  if (!ReadPath(path, options, total, &mine, issues, referenced_at)) return false;
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
    if (!ReadLayers(base, options, &extends->location, chain, shown_chain, total, out, issues,
                    layer)) {
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

LoadResult LoadFromDisk(const std::string& path, const LoadOptions& options) {
  LoadResult result;
  std::vector<PolicySource> sources;
  std::size_t total = 0;
  std::vector<std::string> chain, shown_chain;
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(fs::path(path), ec);
  chain.push_back(ec ? path : canonical.generic_string());
  shown_chain.push_back(path);
  int layer = 0;
  if (!ReadLayers(path, options, nullptr, &chain, &shown_chain, &total, &sources,
                  &result.issues, &layer)) {
    return result;
  }
  return Build(sources, options);
}

}  // namespace

LoadResult LoadPolicy(const std::string& path, const LoadOptions& options) {
  try {
    return LoadFromDisk(path, options);
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

}  // namespace aftersales
