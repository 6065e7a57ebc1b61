// Digest: the identity of a policy's content. SHA-256 over a canonical
// serialisation of the parsed YAML of every file, in file-name order: map
// keys sorted, scalars by value (not quoting style), no comments, no
// layout. Reformatting a file keeps the digest; any change to a value, a
// key, or the order of a list (stages, rules) changes it.
#ifndef AFTERSALES_POLICY_DIGEST_H_
#define AFTERSALES_POLICY_DIGEST_H_

#include <string>
#include <vector>

#include "policy/yaml_reader.h"

namespace aftersales::internal {

// Appends the canonical form of `node` to `out`. Length-prefixed, so that
// no two different trees serialise alike.
void AppendCanonical(const YamlNode& node, std::string* out);

// "sha256:<64 lowercase hex>" of the documents, in the given order (the
// caller passes them in file-name order). Empty when hashing fails.
std::string PolicyDigest(const std::vector<const YamlNode*>& documents);

}  // namespace aftersales::internal

#endif  // AFTERSALES_POLICY_DIGEST_H_
