#include "policy/digest.h"

#include <openssl/evp.h>

#include <algorithm>
#include <memory>
#include <utility>

namespace aftersales::internal {

namespace {

void AppendBytes(char tag, std::string_view bytes, std::string* out) {
  out->push_back(tag);
  out->append(std::to_string(bytes.size()));
  out->push_back(':');
  out->append(bytes);
}

// Explicit stack instead of recursion: a YAML tree is as deep as its file
// allowed, and the reader's depth limit is an option, not a constant.
void AppendTree(const YamlNode& root, std::string* out) {
  struct Task {
    const YamlNode* node;
    std::string* sink;
  };
  std::vector<Task> stack{{&root, out}};
  // Map entries are serialised on their own first, then sorted; the pieces
  // live here until their map is complete.
  std::vector<std::unique_ptr<std::string>> pieces;
  struct PendingMap {
    std::string* sink;
    std::vector<std::pair<std::string*, std::string*>> entries;
  };
  std::vector<std::pair<std::size_t, PendingMap>> maps;  // (stack size at start, map)

  auto flush_maps = [&]() {
    while (!maps.empty() && maps.back().first == stack.size()) {
      PendingMap map = std::move(maps.back().second);
      maps.pop_back();
      std::vector<std::pair<std::string, std::string>> entries;
      entries.reserve(map.entries.size());
      for (auto& [k, v] : map.entries) entries.emplace_back(std::move(*k), std::move(*v));
      std::sort(entries.begin(), entries.end());
      map.sink->push_back('M');
      map.sink->append(std::to_string(entries.size()));
      map.sink->push_back(':');
      for (auto& [k, v] : entries) {
        map.sink->append(k);
        map.sink->append(v);
      }
    }
  };

  while (!stack.empty()) {
    Task task = stack.back();
    stack.pop_back();
    const YamlNode& node = *task.node;
    switch (node.kind) {
      case YamlNode::Kind::kNull:
        task.sink->push_back('N');
        break;
      case YamlNode::Kind::kScalar:
        AppendBytes('S', node.value, task.sink);
        if (!node.tag.empty()) AppendBytes('T', node.tag, task.sink);
        break;
      case YamlNode::Kind::kSequence:
        // Items go straight into the sink, in order: push them reversed.
        task.sink->push_back('L');
        task.sink->append(std::to_string(node.items.size()));
        task.sink->push_back(':');
        for (auto it = node.items.rbegin(); it != node.items.rend(); ++it) {
          stack.push_back({&*it, task.sink});
        }
        break;
      case YamlNode::Kind::kMap: {
        PendingMap map{task.sink, {}};
        std::size_t base = stack.size();
        for (const auto& [k, v] : node.entries) {
          pieces.push_back(std::make_unique<std::string>());
          std::string* ks = pieces.back().get();
          pieces.push_back(std::make_unique<std::string>());
          std::string* vs = pieces.back().get();
          map.entries.emplace_back(ks, vs);
          stack.push_back({&v, vs});
          stack.push_back({&k, ks});
        }
        maps.emplace_back(base, std::move(map));
        break;
      }
    }
    flush_maps();
  }
}

}  // namespace

void AppendCanonical(const YamlNode& node, std::string* out) { AppendTree(node, out); }

namespace {

// "sha256:<hex>" of `canonical`, with OpenSSL; empty when it fails.
std::string Sha256(std::string_view canonical) {
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), canonical.data(), canonical.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), hash, &length) != 1) {
    return "";
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256:";
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[hash[i] >> 4]);
    out.push_back(kHex[hash[i] & 0xF]);
  }
  return out;
}

}  // namespace

std::string Sha256Hex(std::string_view bytes) {
  std::string prefixed = Sha256(bytes);
  return prefixed.empty() ? "" : prefixed.substr(7);
}

std::string PolicyDigest(const std::vector<const YamlNode*>& documents) {
  std::string canonical = "aftersales-policy-1\n";
  for (const YamlNode* doc : documents) {
    canonical.push_back('D');
    AppendCanonical(*doc, &canonical);
  }
  return Sha256(canonical);
}

std::string PlatformsDigest(const std::string& own,
                            const std::vector<std::pair<std::string, std::string>>& overlays) {
  std::string canonical = "aftersales-platforms-1\n";
  AppendBytes('S', own, &canonical);
  for (const auto& [platform, digest] : overlays) {
    AppendBytes('P', platform, &canonical);
    AppendBytes('S', digest, &canonical);
  }
  return Sha256(canonical);
}

}  // namespace aftersales::internal
