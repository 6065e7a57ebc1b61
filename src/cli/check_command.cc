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
  WriteStdout(fmt::format("ok: {} {} {}\n", p.name(), p.version(), p.digest()));
  return kExitOk;
}

}  // namespace aftersales::cli
