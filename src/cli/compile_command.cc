#include <fmt/format.h>

#include <filesystem>
#include <system_error>

#include "aftersales/aftersales.h"
#include "commands.h"
#include "output.h"

namespace aftersales::cli {

int RunCompile(const CompileArgs& args) {
  LoadResult loaded = LoadPolicy(args.policy);
  for (const Issue& issue : loaded.issues) PrintError(issue.ToString());
  if (!loaded.ok()) return kExitBadInput;
  if (Status written = WritePolicySnapshot(*loaded.policy, args.out); !written.ok()) {
    PrintError("compile: " + written.message());
    return kExitBadInput;
  }
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(args.out, ec);
  const Policy& p = *loaded.policy;
  if (!WriteStdout(fmt::format("wrote {}: {} {} ({}), {} rules, {} bytes\n", args.out, p.name(), p.version(),
                               p.digest(), p.rule_ids().size(), ec ? 0 : bytes))) {
    return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace aftersales::cli
