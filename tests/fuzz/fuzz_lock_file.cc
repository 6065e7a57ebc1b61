// Fuzz target: the policy lock file's reader (src/policy/lock_file.h), on
// any bytes. Whatever the input, reading never crashes; every entry it keeps
// is well-formed (a 64-digit lowercase digest, a path the writer could
// write); what the writer makes of the entries reads back to the same
// entries with no issue; and checking them against a policy's files names
// each difference once at most per file.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_common.h"
#include "policy/lock_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using aftersales::internal::LockEntry;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<aftersales::Issue> issues;
  std::vector<LockEntry> entries = aftersales::internal::ParseLockFile(text, "aftersales.lock", &issues);
  for (const LockEntry& e : entries) {
    FUZZ_CHECK(e.sha256.size() == 64 && e.sha256.find_first_not_of("0123456789abcdef") == std::string::npos,
               e.sha256);
    FUZZ_CHECK(aftersales::internal::LockPathProblem(e.path).empty(), e.path);
    FUZZ_CHECK(e.line >= 1, e.path);
  }
  for (const aftersales::Issue& i : issues) {
    FUZZ_CHECK(i.severity == aftersales::Severity::kError && i.code == "policy.lock" && i.location.line >= 1,
               i.ToString());
  }
  const std::string written = aftersales::internal::FormatLockFile(entries);
  std::vector<aftersales::Issue> again;
  std::vector<LockEntry> back = aftersales::internal::ParseLockFile(written, "aftersales.lock", &again);
  FUZZ_CHECK(again.empty(), again.front().ToString());
  FUZZ_CHECK(back.size() == entries.size(), written);
  FUZZ_CHECK(aftersales::internal::FormatLockFile(back) == written, written);

  const std::vector<LockEntry> read{{std::string(64, '0'), "policy.yaml", 0},
                                    {std::string(64, '1'), "schema.yaml", 0},
                                    {std::string(64, '2'), "platforms/jd/policy.yaml", 0},
                                    {std::string(64, '0'), "policy.yaml", 0}};
  std::vector<aftersales::Issue> diff;
  aftersales::internal::CheckLock(entries, read, "rules", "rules/aftersales.lock", &diff);
  FUZZ_CHECK(diff.size() <= entries.size() + 3, std::to_string(diff.size()));
  return 0;
}
