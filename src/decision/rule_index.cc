#include "decision/rule_index.h"

#include <algorithm>

namespace aftersales::internal {

namespace {

using TK = Type::Kind;

// Below this many rules a stage is scanned: the lookups would cost more
// than the guards they spare.
constexpr std::size_t kMinRules = 16;

// Whether every constant of `guard` is a value the fact of `kind` can
// equal exactly as the guard compares (ValuesEqual): the same kind.
bool SameKind(const Guard& guard, TK kind) {
  for (const Value& c : guard.allowed) {
    switch (kind) {
      case TK::kString:
      case TK::kEnum:
        if (c.kind() != Value::Kind::kString) return false;
        break;
      case TK::kInt:
        if (c.kind() != Value::Kind::kInt) return false;
        break;
      case TK::kBool:
        if (c.kind() != Value::Kind::kBool) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

// How many cases a guard on a fact of this kind tells apart, roughly: a
// string or an int has many values, an enum a few, a bool two.
int Spread(TK kind) {
  switch (kind) {
    case TK::kString: return 3;
    case TK::kInt: return 2;
    case TK::kEnum: return 1;
    default: return 0;
  }
}

// Whether guard `a` (on fact `fa`) is a better index key than `b` (on `fb`).
bool Better(const Guard& a, const FieldDecl& fa, const Guard& b, const FieldDecl& fb) {
  int sa = Spread(fa.type->kind()), sb = Spread(fb.type->kind());
  if (sa != sb) return sa > sb;
  return a.allowed.size() < b.allowed.size();
}

}  // namespace

std::unique_ptr<const RuleIndex> RuleIndex::Build(const Stage& stage, const Schema& schema) {
  if (stage.rules.size() < kMinRules) return nullptr;
  auto index = std::unique_ptr<RuleIndex>(new RuleIndex());
  index->num_rules_ = stage.rules.size();
  std::unordered_map<std::uint32_t, std::size_t> key_of_slot;
  std::size_t indexed = 0;
  for (std::uint32_t r = 0; r < stage.rules.size(); ++r) {
    const Rule& rule = stage.rules[r];
    // Of the rule's guards on facts, the one that tells most cases apart.
    const Guard* guard = nullptr;
    const FieldDecl* fact = nullptr;
    if (rule.when) {
      for (const Guard& g : rule.when->guards()) {
        if (g.ref.space != kFactSpace || g.ref.slot >= schema.facts.size()) continue;
        const FieldDecl& f = schema.facts[g.ref.slot];
        if (!f.type || !SameKind(g, f.type->kind())) continue;
        if (!guard || Better(g, f, *guard, *fact)) {
          guard = &g;
          fact = &f;
        }
      }
    }
    if (!guard) {
      index->always_.push_back(r);
      continue;
    }
    auto [it, added] = key_of_slot.emplace(guard->ref.slot, index->keys_.size());
    if (added) {
      Key key;
      key.slot = guard->ref.slot;
      key.kind = fact->type->kind();
      if (key.kind == TK::kEnum) {
        key.enum_type = fact->type->enum_type().get();
        key.by_word.resize(key.enum_type->values.size());
      }
      index->keys_.push_back(std::move(key));
    }
    Key& key = index->keys_[it->second];
    ++indexed;
    for (const Value& c : guard->allowed) {
      std::vector<std::uint32_t>* list = nullptr;
      switch (key.kind) {
        case TK::kEnum: {
          int w = key.enum_type->IndexOf(c.string_value());
          if (w >= 0) list = &key.by_word[static_cast<std::size_t>(w)];
          break;  // a word the enum lacks: no case has it
        }
        case TK::kString:
          // The view points into the policy's own constant, which lives as
          // long as the policy (and so as this index).
          list = &key.by_string[std::string_view(c.string_value())];
          break;
        case TK::kInt:
          list = &key.by_int[c.int_value()];
          break;
        case TK::kBool:
          list = &key.by_bool[c.bool_value() ? 1 : 0];
          break;
        default:
          break;
      }
      // A constant listed twice adds the rule once.
      if (list && (list->empty() || list->back() != r)) list->push_back(r);
    }
  }
  // Worth it only when most rules are spared a look.
  if (indexed * 2 < stage.rules.size()) return nullptr;
  return index;
}

const std::vector<std::uint32_t>* RuleIndex::Lookup(const Key& key, const Value& v) const {
  switch (key.kind) {
    case TK::kEnum: {
      if (v.kind() != Value::Kind::kString) return nullptr;
      int w = key.enum_type->IndexOfStored(v.string_value());
      return w >= 0 ? &key.by_word[static_cast<std::size_t>(w)] : nullptr;
    }
    case TK::kString: {
      if (v.kind() != Value::Kind::kString) return nullptr;
      auto it = key.by_string.find(std::string_view(v.string_value()));
      return it == key.by_string.end() ? nullptr : &it->second;
    }
    case TK::kInt: {
      if (v.kind() != Value::Kind::kInt) return nullptr;
      auto it = key.by_int.find(v.int_value());
      return it == key.by_int.end() ? nullptr : &it->second;
    }
    case TK::kBool:
      if (v.kind() != Value::Kind::kBool) return nullptr;
      return &key.by_bool[v.bool_value() ? 1 : 0];
    default:
      return nullptr;
  }
}

void RuleIndex::Candidates(const Value* facts, std::vector<std::uint32_t>* out) const {
  out->assign(always_.begin(), always_.end());
  std::size_t lists = always_.empty() ? 0 : 1;
  for (const Key& key : keys_) {
    // An absent fact equals nothing: no rule guarded on it can match.
    const std::vector<std::uint32_t>* hit = Lookup(key, facts[key.slot]);
    if (hit == nullptr || hit->empty()) continue;
    std::size_t mid = out->size();
    out->insert(out->end(), hit->begin(), hit->end());
    if (lists++ > 0) std::inplace_merge(out->begin(), out->begin() + static_cast<std::ptrdiff_t>(mid), out->end());
  }
}

}  // namespace aftersales::internal
