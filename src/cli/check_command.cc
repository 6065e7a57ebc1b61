#include <fmt/format.h>

#include "aftersales/aftersales.h"
#include "commands.h"
#include "output.h"

namespace aftersales::cli {

int RunCheck(const CheckArgs& args) {
  LoadResult loaded = LoadPolicy(args.policy);
  for (const Issue& issue : loaded.issues) PrintError(issue.ToString());
  if (!loaded.ok()) return kExitBadInput;
  const Policy& p = *loaded.policy;
  if (args.strict) {
    LintReport report = LintPolicy(p);
    if (!report.findings.empty()) {
      std::string text = FormatLintText(report);
      if (!text.empty() && text.back() == '\n') text.pop_back();
      PrintError(text);
      PrintError(fmt::format("check --strict: {} lint finding{}", report.findings.size(),
                             report.findings.size() == 1 ? "" : "s"));
      return kExitEvalFailed;
    }
  }
  std::string out = fmt::format("ok: {} {} {}\n", p.name(), p.version(), p.digest());
  if (!p.platform_overlays().empty()) {
    std::string list;
    for (const PlatformOverlay& o : p.platform_overlays()) {
      list += fmt::format("{}{}: {} {} ({})", list.empty() ? "" : ", ", o.platform, o.policy->name(),
                          o.policy->version(), o.path);
    }
    out += "platform overlays: " + list + "\n";
  }
  if (!WriteStdout(out)) return kExitBadInput;
  return kExitOk;
}

}  // namespace aftersales::cli
