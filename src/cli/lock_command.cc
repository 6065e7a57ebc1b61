#include <fmt/format.h>

#include "aftersales/aftersales.h"
#include "commands.h"
#include "output.h"

namespace aftersales::cli {

int RunLock(const LockArgs& args) {
  LockResult lock = WritePolicyLock(args.policy);
  for (const Issue& issue : lock.issues) PrintError(issue.ToString());
  if (!lock.ok()) return kExitBadInput;
  if (!WriteStdout(fmt::format("wrote {}: {} files\n", lock.lock_path, lock.files.size()))) return kExitBadInput;
  return kExitOk;
}

}  // namespace aftersales::cli
