#include "common/locale_match.h"

#include <algorithm>
#include <charconv>
#include <utility>

namespace aftersales::internal {
namespace {

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool AllLetters(std::string_view s) { return std::all_of(s.begin(), s.end(), IsAsciiLetter); }
bool AllDigits(std::string_view s) { return std::all_of(s.begin(), s.end(), IsAsciiDigit); }

std::string_view Trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// Lower case, '-' for '_', without a POSIX suffix (".UTF-8", "@euro").
std::string Normalize(std::string_view tag) {
  std::size_t cut = tag.find_first_of(".@");
  if (cut != std::string_view::npos) tag = tag.substr(0, cut);
  std::string out(tag);
  for (char& c : out) c = c == '_' ? '-' : Lower(c);
  return out;
}

// An Accept-Language q-value: "q=0.8" (any case, spaces around '=').
// nullopt when it cannot be read.
std::optional<double> ParseQ(std::string_view param) {
  param = Trim(param);
  if (param.size() < 2 || Lower(param[0]) != 'q') return std::nullopt;
  param = Trim(param.substr(1));
  if (param.empty() || param[0] != '=') return std::nullopt;
  param = Trim(param.substr(1));
  double q = 0;
  auto [end, ec] = std::from_chars(param.data(), param.data() + param.size(), q);
  if (ec != std::errc() || end != param.data() + param.size() || !(q >= 0)) return std::nullopt;
  return std::min(q, 1.0);
}

}  // namespace

LocaleMatcher::LocaleMatcher(std::vector<std::string> supported) : supported_(std::move(supported)) {
  for (const std::string& s : supported_) {
    normalized_.push_back(Normalize(s));
    tags_.push_back(Parse(s));
  }
}

LocaleMatcher::Tag LocaleMatcher::Parse(std::string_view text) {
  Tag tag;
  const std::string s = Normalize(text);
  std::size_t start = 0;
  for (int n = 0; start <= s.size(); ++n) {
    std::size_t dash = s.find('-', start);
    if (dash == std::string::npos) dash = s.size();
    std::string_view part = std::string_view(s).substr(start, dash - start);
    start = dash + 1;
    if (n == 0) {
      if (part.size() < 2 || part.size() > 3 || !AllLetters(part)) return Tag{};
      tag.language = std::string(part);
      continue;
    }
    if (part.size() == 1) break;  // an extension or private use: the rest says nothing we use
    if (part.size() == 4 && AllLetters(part) && tag.script.empty() && tag.region.empty()) {
      tag.script = std::string(part);
    } else if ((part.size() == 2 && AllLetters(part)) || (part.size() == 3 && AllDigits(part))) {
      if (tag.region.empty()) tag.region = std::string(part);
    }
    // Anything else (an extended language, a variant) does not change the match.
  }
  if (tag.language == "zh" && tag.script.empty()) {
    const std::string& r = tag.region;
    tag.script = r == "tw" || r == "hk" || r == "mo" ? "hant" : "hans";
  }
  tag.ok = true;
  return tag;
}

std::optional<std::size_t> LocaleMatcher::MatchOne(std::string_view text) const {
  if (text.empty() || text.size() > kMaxTagLength || text == "*") return std::nullopt;
  const std::string normalized = Normalize(text);
  for (std::size_t i = 0; i < normalized_.size(); ++i) {
    if (!normalized.empty() && normalized_[i] == normalized) return i;
  }
  const Tag want = Parse(text);
  if (!want.ok) return std::nullopt;
  // 3: the same language, script and region (zh-Hans-CN for zh-CN); 2: the
  // same language and script, and the supported locale names no region (en
  // for en-US); 1: the same language and script, another region (zh-TW for
  // zh-HK). A script only one side names does not stand in the way, except
  // for Chinese, where it is always known.
  int best_score = 0;
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < tags_.size(); ++i) {
    const Tag& have = tags_[i];
    if (!have.ok || have.language != want.language) continue;
    if (have.script != want.script && !have.script.empty() && !want.script.empty()) continue;
    int score = have.region == want.region ? 3 : have.region.empty() ? 2 : 1;
    if (score > best_score) {
      best_score = score;
      best = i;
    }
  }
  return best;
}

std::optional<std::size_t> LocaleMatcher::Match(std::string_view requested) const {
  // Most cases name a supported locale exactly.
  for (std::size_t i = 0; i < supported_.size(); ++i) {
    if (supported_[i] == requested) return i;
  }
  struct Entry {
    double q;
    std::string_view tag;
  };
  std::vector<Entry> entries;
  std::size_t start = 0;
  while (start <= requested.size() && entries.size() < kMaxEntries) {
    std::size_t comma = requested.find(',', start);
    if (comma == std::string_view::npos) comma = requested.size();
    std::string_view entry = requested.substr(start, comma - start);
    start = comma + 1;
    std::size_t semi = entry.find(';');
    std::string_view tag = Trim(entry.substr(0, semi));
    double q = 1.0;
    bool readable = true;
    while (semi != std::string_view::npos) {
      std::size_t next = entry.find(';', semi + 1);
      std::string_view param = entry.substr(semi + 1, next == std::string_view::npos ? next : next - semi - 1);
      if (!Trim(param).empty() && (Lower(Trim(param)[0]) == 'q')) {
        std::optional<double> parsed = ParseQ(param);
        readable = readable && parsed.has_value();
        if (parsed) q = *parsed;
      }
      semi = next;
    }
    if (tag.empty() || !readable || q <= 0) continue;
    entries.push_back({q, tag});
  }
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.q > b.q; });
  for (const Entry& e : entries) {
    if (std::optional<std::size_t> i = MatchOne(e.tag)) return i;
  }
  return std::nullopt;
}

}  // namespace aftersales::internal
