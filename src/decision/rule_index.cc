#include "decision/rule_index.h"

#include <algorithm>
#include <climits>
#include <cstdint>

namespace aftersales::internal {

namespace {

using TK = Type::Kind;

// hi - lo, without overflow.
template <typename Span>
std::uint64_t Length(const Span& s) {
  return static_cast<std::uint64_t>(s.hi) - static_cast<std::uint64_t>(s.lo);
}

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
    // Of the rule's equality guards on facts, the one that tells most
    // cases apart.
    const Guard* guard = nullptr;
    const FieldDecl* fact = nullptr;
    if (rule.when) {
      for (const Guard& g : rule.when->guards()) {
        if (g.range || g.ref.space != kFactSpace || g.ref.slot >= schema.facts.size()) continue;
        const FieldDecl& f = schema.facts[g.ref.slot];
        if (!f.type || !SameKind(g, f.type->kind())) continue;
        if (!guard || Better(g, f, *guard, *fact)) {
          guard = &g;
          fact = &f;
        }
      }
    }
    if (!guard) {
      index->always_.rules.push_back(r);
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
          if (w >= 0) list = &key.by_word[static_cast<std::size_t>(w)].rules;
          break;  // a word the enum lacks: no case has it
        }
        case TK::kString:
          // The view points into the policy's own constant, which lives as
          // long as the policy (and so as this index).
          list = &key.by_string[std::string_view(c.string_value())].rules;
          break;
        case TK::kInt:
          list = &key.by_int[c.int_value()].rules;
          break;
        case TK::kBool:
          list = &key.by_bool[c.bool_value() ? 1 : 0].rules;
          break;
        default:
          break;
      }
      // A constant listed twice adds the rule once.
      if (list && (list->empty() || list->back() != r)) list->push_back(r);
    }
  }
  Filter(&index->always_, stage, schema);
  for (Key& key : index->keys_) {
    for (Bucket& b : key.by_word) Filter(&b, stage, schema);
    for (auto& [_, b] : key.by_string) Filter(&b, stage, schema);
    for (auto& [_, b] : key.by_int) Filter(&b, stage, schema);
    for (Bucket& b : key.by_bool) Filter(&b, stage, schema);
  }
  // Worth it only when most rules are spared a look.
  if (indexed * 2 < stage.rules.size() && !index->always_.filtered) return nullptr;
  return index;
}

void RuleIndex::Filter(Bucket* bucket, const Stage& stage, const Schema& schema) {
  if (bucket->rules.size() < kMinRules) return;
  // The int fact most of the bucket's rules have a range guard on, and of
  // those the one whose ranges differ most (the one that tells most cases
  // apart: `qty > 0` on every rule tells none).
  std::unordered_map<std::uint32_t, std::size_t> count;
  std::unordered_map<std::uint32_t, std::vector<std::pair<std::int64_t, std::int64_t>>> ranges;
  auto range_on = [&](std::uint32_t r, std::uint32_t slot) -> const Guard* {
    const Rule& rule = stage.rules[r];
    if (!rule.when) return nullptr;
    for (const Guard& g : rule.when->guards()) {
      if (g.range && g.ref.space == kFactSpace && g.ref.slot == slot) return &g;
    }
    return nullptr;
  };
  for (std::uint32_t r : bucket->rules) {
    const Rule& rule = stage.rules[r];
    if (!rule.when) continue;
    for (const Guard& g : rule.when->guards()) {
      if (!g.range || g.ref.space != kFactSpace || g.ref.slot >= schema.facts.size()) continue;
      const FieldDecl& f = schema.facts[g.ref.slot];
      if (f.type && f.type->kind() == TK::kInt) {
        ++count[g.ref.slot];
        ranges[g.ref.slot].push_back({g.lo, g.hi});
      }
    }
  }
  std::uint32_t best = 0;
  std::size_t best_count = 0, best_distinct = 0;
  for (auto& [slot, n] : count) {
    if (n * 2 < bucket->rules.size()) continue;
    auto& spans = ranges[slot];
    std::sort(spans.begin(), spans.end());
    std::size_t distinct = static_cast<std::size_t>(std::unique(spans.begin(), spans.end()) - spans.begin());
    if (distinct > best_distinct || (distinct == best_distinct && (n > best_count || (n == best_count && slot < best)))) {
      best = slot;
      best_count = n;
      best_distinct = distinct;
    }
  }
  if (best_count == 0 || best_distinct < 2) return;
  std::vector<std::uint32_t> rest;
  for (std::uint32_t r : bucket->rules) {
    if (const Guard* g = range_on(r, best)) {
      if (g->lo <= g->hi) bucket->spans.push_back({g->lo, g->hi, r});  // an empty range: never tried
    } else {
      rest.push_back(r);
    }
  }
  // A span reaching x starts at x - max_len or later: with the few widest
  // spans (a catch-all price band) set apart, that start is near x.
  if (!bucket->spans.empty()) {
    std::vector<std::uint64_t> lengths;
    lengths.reserve(bucket->spans.size());
    for (const Bucket::Span& sp : bucket->spans) lengths.push_back(Length(sp));
    std::sort(lengths.begin(), lengths.end());
    const std::uint64_t cutoff = lengths[lengths.size() * 9 / 10];
    std::vector<Bucket::Span> narrow;
    for (const Bucket::Span& sp : bucket->spans) (Length(sp) > cutoff ? bucket->wide : narrow).push_back(sp);
    bucket->spans = std::move(narrow);
    bucket->max_len = cutoff;
  }
  std::sort(bucket->spans.begin(), bucket->spans.end(),
            [](const Bucket::Span& a, const Bucket::Span& b) { return a.lo < b.lo; });
  bucket->rules = std::move(rest);
  bucket->filtered = true;
  bucket->range_slot = best;
}

const RuleIndex::Bucket* RuleIndex::Lookup(const Key& key, const Value& v) const {
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

void RuleIndex::Add(const Bucket& bucket, const Value* facts, std::vector<std::uint32_t>* out) {
  out->insert(out->end(), bucket.rules.begin(), bucket.rules.end());
  if (!bucket.filtered) return;
  const Value& v = facts[bucket.range_slot];
  if (v.kind() == Value::Kind::kInt) {
    const std::int64_t x = v.int_value();
    // Spans starting in [x - max_len, x], of which those reaching x.
    auto by_lo = [](const Bucket::Span& s, std::int64_t value) { return s.lo < value; };
    auto begin = bucket.spans.begin();
    const std::uint64_t room = static_cast<std::uint64_t>(x) - static_cast<std::uint64_t>(INT64_MIN);
    if (bucket.max_len < room) {
      const std::int64_t from = static_cast<std::int64_t>(static_cast<std::uint64_t>(x) - bucket.max_len);
      begin = std::lower_bound(bucket.spans.begin(), bucket.spans.end(), from, by_lo);
    }
    for (auto it = begin; it != bucket.spans.end() && it->lo <= x; ++it) {
      if (it->hi >= x) out->push_back(it->rule);
    }
    for (const Bucket::Span& w : bucket.wide) {
      if (w.lo <= x && x <= w.hi) out->push_back(w.rule);
    }
  } else if (!v.is_absent()) {
    // Not an int: the range guards let it through (GuardAllows).
    for (const Bucket::Span& s : bucket.spans) out->push_back(s.rule);
    for (const Bucket::Span& s : bucket.wide) out->push_back(s.rule);
  }
}

void RuleIndex::Candidates(const Value* facts, std::vector<std::uint32_t>* out) const {
  out->clear();
  Add(always_, facts, out);
  // Each bucket's plain rules are in rule order, its spans by range: the
  // result needs a sort only when two lists, or spans, went in.
  std::size_t lists = out->empty() ? 0 : 1;
  bool spans = always_.filtered;
  for (const Key& key : keys_) {
    // An absent fact equals nothing: no rule guarded on it can match.
    const Bucket* hit = Lookup(key, facts[key.slot]);
    if (hit == nullptr) continue;
    std::size_t before = out->size();
    Add(*hit, facts, out);
    if (out->size() > before) ++lists;
    spans |= hit->filtered;
  }
  if (lists > 1 || spans) InRuleOrder(out);
}

void RuleIndex::InRuleOrder(std::vector<std::uint32_t>* rules) const {
  constexpr std::size_t kSortBelow = 48;
  if (rules->size() < kSortBelow) {
    std::sort(rules->begin(), rules->end());
    return;
  }
  // A bit per rule of the stage, all clear between calls.
  thread_local std::vector<std::uint64_t> bits;
  const std::size_t words = (num_rules_ + 63) / 64;
  if (bits.size() < words) bits.resize(words, 0);
  std::uint32_t lo = UINT32_MAX, hi = 0;
  for (std::uint32_t r : *rules) {
    bits[r >> 6] |= std::uint64_t{1} << (r & 63);
    lo = std::min(lo, r);
    hi = std::max(hi, r);
  }
  rules->clear();
  for (std::size_t w = lo >> 6; w <= (hi >> 6); ++w) {
    for (std::uint64_t word = bits[w]; word != 0; word &= word - 1) {
      rules->push_back(static_cast<std::uint32_t>(w * 64 + static_cast<std::size_t>(__builtin_ctzll(word))));
    }
    bits[w] = 0;
  }
}

}  // namespace aftersales::internal
