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
#include <system_error>
#include <utility>

#include "aftersales/policy.h"
#include "decision/policy_impl.h"
#include "policy/policy_builder.h"

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

LoadResult LoadFromDisk(const std::string& path, const LoadOptions& options) {
  LoadResult result;
  const fs::path root(path);
  std::error_code ec;
  fs::file_status status = fs::status(root, ec);
  if (ec || !fs::exists(status)) {
    result.issues.push_back(ReadIssue(
        path, "cannot read the policy: " +
                  (ec ? Reason(ec) : std::string("no such file or directory"))));
    return result;
  }
  std::vector<PolicySource> sources;
  std::size_t total = 0;
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
      result.issues.push_back(ReadIssue(path, "cannot list the policy folder: " + Reason(ec)));
      return result;
    }
    if (names.empty()) {
      result.issues.push_back(ReadIssue(path, "the policy folder has no .yaml or .yml files"));
      return result;
    }
    std::sort(names.begin(), names.end());
    bool ok = true;
    for (const fs::path& name : names) {
      fs::path full = root / name;
      ok = ReadOne(full, full.generic_string(), options.limits, &total, &sources,
                   &result.issues) && ok;
      if (!ok && total >= options.limits.max_policy_bytes) break;
    }
    if (!ok) return result;
  } else {
    if (!ReadOne(root, path, options.limits, &total, &sources, &result.issues)) return result;
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
