// Snapshot: a checked, compiled policy as bytes (`aftersales compile`), so
// that a large policy loads without reading YAML or compiling anything.
//
// A snapshot is
//   "AFTSNAP\n"  8 bytes of magic
//   format       varint: kSnapshotFormat
//   library      text: the aftersales version that wrote it
//   sha256       32 bytes: the SHA-256 of the payload
//   payload      the rest: the policy, its platform overlays after it
// and is read only by the same library version and format: anything else,
// a payload whose SHA-256 differs, or one that does not decode to a sound
// policy (slots, enums, builtins and counts all checked) is refused whole.
#ifndef AFTERSALES_POLICY_SNAPSHOT_H_
#define AFTERSALES_POLICY_SNAPSHOT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "aftersales/options.h"
#include "expr/codec.h"
#include "policy/policy_model.h"

namespace aftersales::internal {

inline constexpr std::string_view kSnapshotMagic = "AFTSNAP\n";
// Bumped with any change to what a snapshot holds or how (node tags
// included): a snapshot of another format is refused.
inline constexpr std::uint64_t kSnapshotFormat = 1;

// True when `bytes` start as a snapshot does.
inline bool LooksLikeSnapshot(std::string_view bytes) { return bytes.substr(0, kSnapshotMagic.size()) == kSnapshotMagic; }

// The snapshot around `payload`; "" when OpenSSL could not hash it.
std::string FrameSnapshot(std::string_view payload);
// The payload of a snapshot; nullopt with *error set (a sentence) when it
// is not one, is of another library version or format, or is damaged.
std::optional<std::string_view> UnframeSnapshot(std::string_view bytes, std::string* error);

// One model (a policy or one of its platform overlays). `w` carries the
// enums already written, so models written through one writer share them.
void WriteModel(const PolicyModel& model, ExprWriter& w);
// The model `r` reads next; nullopt when r.in failed (it says why).
// The model's limits are `options.limits`, as after loading YAML; constant
// patterns are compiled again within them.
std::optional<PolicyModel> ReadModel(ExprReader& r, const LoadOptions& options);

}  // namespace aftersales::internal

#endif  // AFTERSALES_POLICY_SNAPSHOT_H_
