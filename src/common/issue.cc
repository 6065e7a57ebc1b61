#include "aftersales/issue.h"

#include "common/format.h"

namespace aftersales {

std::string Issue::ToString() const {
  std::string out;
  if (!location.file.empty()) out += internal::FormatLocation(location) + ": ";
  if (severity == Severity::kWarning) out += "warning: ";
  out += message;
  return out;
}

std::string FormatIssues(const std::vector<Issue>& issues) {
  std::string out;
  for (const Issue& i : issues) out += i.ToString() + "\n";
  return out;
}

bool HasErrors(const std::vector<Issue>& issues) {
  for (const Issue& i : issues) {
    if (i.severity == Severity::kError) return true;
  }
  return false;
}

}  // namespace aftersales
