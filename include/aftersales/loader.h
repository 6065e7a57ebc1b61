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

namespace aftersales {

struct LoadResult {
  std::shared_ptr<const Policy> policy;  // null when any error was found
  std::vector<Issue> issues;             // errors and warnings, in file order
  bool ok() const { return policy != nullptr; }
};

// `path` is a .yaml/.yml file, or a folder whose *.yaml and *.yml files
// (not subfolders) together make one policy. Unreadable paths are issues too.
AFTERSALES_EXPORT LoadResult LoadPolicy(const std::string& path, const LoadOptions& options = {});

// The same from memory: (file name, YAML text) pairs. The names appear in
// issue locations.
AFTERSALES_EXPORT LoadResult LoadPolicyFromStrings(
    const std::vector<std::pair<std::string, std::string>>& files,
    const LoadOptions& options = {});

}  // namespace aftersales

#endif  // AFTERSALES_LOADER_H_
