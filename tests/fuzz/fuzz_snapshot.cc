// Fuzz target: policy snapshots (`aftersales compile`, src/policy/snapshot.h)
// read back from damaged or hostile bytes. The SHA-256 of a snapshot stops
// any accidental damage; this target goes past it, to the decoder that must
// also survive a snapshot made on purpose: whatever the bytes, reading them
// never crashes, and a policy that does load decides a case, explains it
// and writes it as JSON without crashing, and writes itself as a snapshot
// that loads again with the same digest.
//
// The first byte picks how the rest is read:
//   0      the rest is a payload, read as it is;
//   1..3   the rest edits the payload of a real policy (1: the shipped
//          rules/ with its platform overlays, 2: examples/tables, 3:
//          tests/policies/platforms_base): groups of 4 bytes, each an
//          offset (2 bytes, scaled to the payload), an operation (set,
//          insert, delete a byte, or add to a varint's byte) and a byte;
//   other  the whole input is a snapshot file (magic, header, SHA-256).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aftersales/aftersales.h"
#include "decision/snapshot_loading.h"
#include "fuzz_common.h"

namespace {

struct Base {
  std::string payload;
  std::string case_json;  // a case the policy reads
};

const std::vector<Base>& Bases() {
  static const std::vector<Base>* bases = [] {
    auto* out = new std::vector<Base>;
    const std::string root = aftersales_fuzz::SourceDir();
    const std::string quality = aftersales_fuzz::ReadFileOrDie(root + "/examples/cases/quality_defect_day3.json");
    for (const char* path : {"/rules", "/examples/tables/policy.yaml", "/tests/policies/platforms_base"}) {
      aftersales::LoadResult r = aftersales::LoadPolicy(root + path);
      if (!r.ok()) aftersales_fuzz::Fail("a base policy does not load", root + path);
      out->push_back(Base{aftersales::internal::SnapshotPayload(*r.policy), quality});
    }
    return out;
  }();
  return *bases;
}

void Edit(std::string* payload, const std::uint8_t* ops, std::size_t n) {
  for (std::size_t i = 0; i + 4 <= n && !payload->empty(); i += 4) {
    const std::size_t at = ((static_cast<std::size_t>(ops[i]) << 8 | ops[i + 1]) * payload->size()) >> 16;
    const auto byte = static_cast<char>(ops[i + 3]);
    switch (ops[i + 2] % 4) {
      case 0: (*payload)[at] = byte; break;
      case 1: payload->insert(payload->begin() + static_cast<std::ptrdiff_t>(at), byte); break;
      case 2: payload->erase(at, 1 + static_cast<std::size_t>(ops[i + 3] % 8)); break;
      case 3: (*payload)[at] = static_cast<char>((*payload)[at] + byte); break;
    }
  }
}

void Check(const aftersales::LoadResult& r, const std::string& case_json) {
  if (!r.ok()) {
    FUZZ_CHECK(!r.issues.empty() && !r.issues.front().message.empty(), "a refused snapshot says nothing");
    return;
  }
  const aftersales::Policy& policy = *r.policy;
  aftersales::Result<aftersales::Facts> facts = policy.ReadFactsJson(case_json, "case.json");
  if (facts.ok()) aftersales_fuzz::DecideAndCheck(policy, facts.value());
  // A loaded policy writes itself back: the same policy, the same digest.
  const std::string again = aftersales::internal::SnapshotPayload(policy);
  aftersales::LoadResult back = aftersales::internal::LoadSnapshotPayload(again, "again", {});
  FUZZ_CHECK(back.ok(), back.issues.empty() ? std::string("no issue") : back.issues.front().ToString());
  FUZZ_CHECK(back.policy->digest() == policy.digest(), policy.digest());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t mode = data[0];
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::string quality_case = Bases().front().case_json;
  if (mode == 0) {
    Check(aftersales::internal::LoadSnapshotPayload(rest, "fuzz", {}), quality_case);
  } else if (mode <= 3) {
    const Base& base = Bases()[mode - 1];
    std::string payload = base.payload;
    Edit(&payload, data + 1, size - 1);
    Check(aftersales::internal::LoadSnapshotPayload(payload, "fuzz", {}), base.case_json);
  } else {
    Check(aftersales::LoadPolicySnapshot(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz"),
          quality_case);
  }
  return 0;
}
