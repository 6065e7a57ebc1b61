// Digest: the identity of a policy's content. SHA-256 over a canonical
// serialisation of the parsed YAML of every file, in file-name order: map
// keys sorted, scalars by value (not quoting style), no comments, no
// layout. Reformatting a file keeps the digest; any change to a value, a
// key, or the order of a list (stages, rules) changes it.
#ifndef AFTERSALES_POLICY_DIGEST_H_
#define AFTERSALES_POLICY_DIGEST_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "policy/yaml_reader.h"

namespace aftersales::internal {

// Appends the canonical form of `node` to `out`. Length-prefixed, so that
// no two different trees serialise alike.
void AppendCanonical(const YamlNode& node, std::string* out);

// The SHA-256 of `bytes` as 64 lowercase hex digits (OpenSSL); empty when
// hashing fails.
std::string Sha256Hex(std::string_view bytes);

// "sha256:<64 lowercase hex>" of the documents, in the given order (the
// caller passes them in file-name order). Empty when hashing fails.
std::string PolicyDigest(const std::vector<const YamlNode*>& documents);

// The digest of a policy with platform overlays: SHA-256 over its own
// digest and each (platform, overlay digest) pair, in the given order, so
// that a change to any overlay changes it. Same form; empty on failure.
std::string PlatformsDigest(const std::string& own,
                            const std::vector<std::pair<std::string, std::string>>& overlays);

}  // namespace aftersales::internal

#endif  // AFTERSALES_POLICY_DIGEST_H_
