// The policy-level half of snapshots (policy/snapshot.h has the model's):
// a loaded policy and its platform overlays as a snapshot's payload, and
// back. Internal: the public entry points are in aftersales/loader.h; the
// fuzz target reads payloads here, past the SHA-256 that would stop it.
#ifndef AFTERSALES_DECISION_SNAPSHOT_LOADING_H_
#define AFTERSALES_DECISION_SNAPSHOT_LOADING_H_

#include <string>
#include <string_view>

#include "aftersales/loader.h"

namespace aftersales::internal {

// The payload: the policy's model, then its overlays (platform, path, model).
std::string SnapshotPayload(const Policy& policy);
// A policy from a payload, checked as LoadPolicySnapshot checks it (all but
// the SHA-256). Never throws.
LoadResult LoadSnapshotPayload(std::string_view payload, const std::string& name, const LoadOptions& options);

}  // namespace aftersales::internal

#endif  // AFTERSALES_DECISION_SNAPSHOT_LOADING_H_
