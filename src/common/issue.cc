#include "aftersales/issue.h"

namespace aftersales {

std::string Issue::ToString() const {
  std::string out;
  if (!location.file.empty()) {
    out += location.file;
    if (location.line > 0) {
      out += ":" + std::to_string(location.line);
      if (location.column > 0) out += ":" + std::to_string(location.column);
    }
    out += ": ";
  }
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
