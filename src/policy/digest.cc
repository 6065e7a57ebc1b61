#include "policy/digest.h"

#include <openssl/evp.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace aftersales::internal {

namespace {

// Where the canonical bytes go: a string, or OpenSSL's digest fed in
// 64 KB slices (a 30,000-rule policy is never held twice in memory).
class Sink {
 public:
  explicit Sink(std::string* out) : out_(out) {}
  explicit Sink(EVP_MD_CTX* ctx) : out_(&buffer_), ctx_(ctx) {}

  void Append(std::string_view bytes) {
    out_->append(bytes);
    if (ctx_ != nullptr && buffer_.size() >= (1u << 16)) Flush();
  }
  void Push(char c) { out_->push_back(c); }
  // False when OpenSSL failed (the digest is then empty).
  bool Flush() {
    if (ctx_ != nullptr && !buffer_.empty()) {
      ok_ = ok_ && EVP_DigestUpdate(ctx_, buffer_.data(), buffer_.size()) == 1;
      buffer_.clear();
    }
    return ok_;
  }

 private:
  std::string buffer_;
  std::string* out_;
  EVP_MD_CTX* ctx_ = nullptr;
  bool ok_ = true;
};

void AppendBytes(char tag, std::string_view bytes, Sink* out) {
  out->Push(tag);
  out->Append(std::to_string(bytes.size()));
  out->Push(':');
  out->Append(bytes);
}

// The canonical form of a scalar key (or nothing, for any other key).
std::optional<std::string> ScalarKeyForm(const YamlNode& key) {
  if (key.kind != YamlNode::Kind::kScalar) return std::nullopt;
  std::string form;
  Sink sink(&form);
  AppendBytes('S', key.value, &sink);
  if (!key.tag.empty()) AppendBytes('T', key.tag, &sink);
  return form;
}

void AppendTree(const YamlNode& root, Sink* out);

// A map is written as 'M', its size, then its (key, value) pairs sorted by
// their canonical forms. Keys are usually distinct scalars, and then the
// pairs sort as their keys do: each value is streamed in that order. A map
// with other keys (or equal ones) has its pairs written out first.
struct MapOrder {
  std::vector<std::pair<std::string, std::size_t>> keys;  // (key form, entry index), sorted
  bool by_key = true;
};

MapOrder OrderMap(const YamlNode& map) {
  MapOrder order;
  order.keys.reserve(map.entries.size());
  for (std::size_t i = 0; i < map.entries.size(); ++i) {
    std::optional<std::string> form = ScalarKeyForm(map.entries[i].first);
    if (!form) {
      order.by_key = false;
      return order;
    }
    order.keys.emplace_back(std::move(*form), i);
  }
  std::sort(order.keys.begin(), order.keys.end());
  for (std::size_t i = 1; i < order.keys.size(); ++i) {
    if (order.keys[i].first == order.keys[i - 1].first) order.by_key = false;
  }
  return order;
}

// Explicit stack instead of recursion: a YAML tree is as deep as its file
// allowed, and the reader's depth limit is an option, not a constant.
void AppendTree(const YamlNode& root, Sink* out) {
  struct Task {
    const YamlNode* node;  // or null: write `text`
    std::string text;
  };
  std::vector<Task> stack;
  stack.push_back({&root, {}});
  while (!stack.empty()) {
    Task task = std::move(stack.back());
    stack.pop_back();
    if (task.node == nullptr) {
      out->Append(task.text);
      continue;
    }
    const YamlNode& node = *task.node;
    switch (node.kind) {
      case YamlNode::Kind::kNull:
        out->Push('N');
        break;
      case YamlNode::Kind::kScalar:
        AppendBytes('S', node.value, out);
        if (!node.tag.empty()) AppendBytes('T', node.tag, out);
        break;
      case YamlNode::Kind::kSequence:
        // Items go straight out, in order: push them reversed.
        out->Push('L');
        out->Append(std::to_string(node.items.size()));
        out->Push(':');
        for (auto it = node.items.rbegin(); it != node.items.rend(); ++it) stack.push_back({&*it, {}});
        break;
      case YamlNode::Kind::kMap: {
        out->Push('M');
        out->Append(std::to_string(node.entries.size()));
        out->Push(':');
        MapOrder order = OrderMap(node);
        if (order.by_key) {
          for (auto it = order.keys.rbegin(); it != order.keys.rend(); ++it) {
            stack.push_back({&node.entries[it->second].second, {}});
            stack.push_back({nullptr, std::move(it->first)});
          }
          break;
        }
        std::vector<std::pair<std::string, std::string>> pairs;
        pairs.reserve(node.entries.size());
        for (const auto& [k, v] : node.entries) {
          std::string ks, vs;
          Sink key_sink(&ks), value_sink(&vs);
          AppendTree(k, &key_sink);
          AppendTree(v, &value_sink);
          pairs.emplace_back(std::move(ks), std::move(vs));
        }
        std::sort(pairs.begin(), pairs.end());
        for (auto& [k, v] : pairs) {
          out->Append(k);
          out->Append(v);
        }
        break;
      }
    }
  }
}

std::string Hex(const unsigned char* hash, unsigned int length) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256:";
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[hash[i] >> 4]);
    out.push_back(kHex[hash[i] & 0xF]);
  }
  return out;
}

using DigestContext = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

DigestContext NewSha256() {
  DigestContext ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (ctx && EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) ctx.reset();
  return ctx;
}

std::string Finish(EVP_MD_CTX* ctx) {
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(ctx, hash, &length) != 1) return "";
  return Hex(hash, length);
}

// "sha256:<hex>" of `canonical`, with OpenSSL; empty when it fails.
std::string Sha256(std::string_view canonical) {
  DigestContext ctx = NewSha256();
  if (!ctx || EVP_DigestUpdate(ctx.get(), canonical.data(), canonical.size()) != 1) return "";
  return Finish(ctx.get());
}

void AppendBytes(char tag, std::string_view bytes, std::string* out) {
  Sink sink(out);
  AppendBytes(tag, bytes, &sink);
}

}  // namespace

void AppendCanonical(const YamlNode& node, std::string* out) {
  Sink sink(out);
  AppendTree(node, &sink);
}

std::string Sha256Hex(std::string_view bytes) {
  std::string prefixed = Sha256(bytes);
  return prefixed.empty() ? "" : prefixed.substr(7);
}

std::string PolicyDigest(const std::vector<const YamlNode*>& documents) {
  DigestContext ctx = NewSha256();
  if (!ctx) return "";
  Sink sink(ctx.get());
  sink.Append("aftersales-policy-1\n");
  for (const YamlNode* doc : documents) {
    sink.Push('D');
    AppendTree(*doc, &sink);
  }
  if (!sink.Flush()) return "";
  return Finish(ctx.get());
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
