#include "policy/build_context.h"

#include <algorithm>
#include <utility>

#include "expr/compiler.h"

namespace aftersales::internal {

void BuildContext::AddSource(const std::string& file, std::string_view text) {
  sources_[file] = text;
  source_order_.emplace(file, source_order_.size());
}

void BuildContext::Error(std::string code, std::string message, SourceLocation location) {
  ++errors_;
  issues_.push_back(
      Issue{Severity::kError, std::move(code), std::move(message), std::move(location)});
}

void BuildContext::Warning(std::string code, std::string message, SourceLocation location) {
  issues_.push_back(
      Issue{Severity::kWarning, std::move(code), std::move(message), std::move(location)});
}

std::vector<Issue> BuildContext::TakeIssues() {
  auto order = [this](const Issue& issue) {
    auto it = source_order_.find(issue.location.file);
    return it == source_order_.end() ? source_order_.size() : it->second;
  };
  std::stable_sort(issues_.begin(), issues_.end(), [&](const Issue& a, const Issue& b) {
    std::size_t fa = order(a), fb = order(b);
    if (fa != fb) return fa < fb;
    if (a.location.line != b.location.line) return a.location.line < b.location.line;
    return a.location.column < b.location.column;
  });
  errors_ = 0;
  return std::move(issues_);
}

std::string_view KindName(const YamlNode& node) {
  switch (node.kind) {
    case YamlNode::Kind::kNull: return "empty";
    case YamlNode::Kind::kScalar: return "a single value";
    case YamlNode::Kind::kSequence: return "a list";
    case YamlNode::Kind::kMap: return "a map";
  }
  return "empty";
}

std::string Quote(std::string_view text) {
  constexpr std::size_t kMax = 40;
  std::string out;
  std::size_t cut = std::min(text.size(), kMax);
  while (cut < text.size() && cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  for (char c : text.substr(0, cut)) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out.push_back(c);
    }
  }
  if (cut < text.size()) out += "...";
  return out;
}

namespace {

// Optimal string alignment distance (Levenshtein plus adjacent swaps), on
// bytes; stops early once past `limit`.
std::size_t EditDistance(std::string_view a, std::string_view b, std::size_t limit) {
  if (a.size() > b.size() + limit || b.size() > a.size() + limit) return limit + 1;
  std::vector<std::size_t> prev2(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    std::size_t row_min = cur[0];
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      }
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > limit) return limit + 1;
    prev2.swap(prev);
    prev.swap(cur);
  }
  return prev[b.size()];
}

}  // namespace

std::string SuggestionSuffix(std::string_view word, const std::vector<std::string>& candidates) {
  // Close means: at most a third of the word's letters off (at least one),
  // and never the whole word.
  std::size_t limit = std::max<std::size_t>(1, word.size() / 3);
  const std::string* best = nullptr;
  std::size_t best_distance = limit + 1;
  for (const std::string& c : candidates) {
    if (c == word) continue;
    std::size_t d = EditDistance(word, c, limit);
    if (d < best_distance && d < std::max(word.size(), c.size())) {
      best_distance = d;
      best = &c;
    }
  }
  if (best == nullptr) return "";
  return " (did you mean '" + *best + "'?)";
}

bool BuildContext::ExpectMap(const YamlNode& node, std::string_view what) {
  if (node.IsMap()) return true;
  Error("schema.kind",
        std::string(what) + " must be a map (key: value lines), not " +
            std::string(KindName(node)),
        node.location);
  return false;
}

bool BuildContext::ExpectSequence(const YamlNode& node, std::string_view what) {
  if (node.IsSequence()) return true;
  Error("schema.kind",
        std::string(what) + " must be a list, not " + std::string(KindName(node)),
        node.location);
  return false;
}

const std::string* BuildContext::ExpectScalar(const YamlNode& node, std::string_view what) {
  if (node.IsScalar() && !node.value.empty()) return &node.value;
  if (node.IsScalar() || node.kind == YamlNode::Kind::kNull) {
    Error("schema.empty", std::string(what) + " must not be empty", node.location);
  } else {
    Error("schema.kind",
          std::string(what) + " must be a single value, not " + std::string(KindName(node)),
          node.location);
  }
  return nullptr;
}

void BuildContext::CheckKeys(const YamlNode& map, std::initializer_list<std::string_view> known,
                             std::string_view what) {
  if (!map.IsMap()) return;
  for (const auto& [key, value] : map.entries) {
    if (!key.IsScalar()) {
      Error("schema.kind", "the keys of " + std::string(what) + " must be words", key.location);
      continue;
    }
    if (std::find(known.begin(), known.end(), key.value) != known.end()) continue;
    std::vector<std::string> candidates(known.begin(), known.end());
    std::string message = "unknown key '" + Quote(key.value) + "' in " + std::string(what) +
                          SuggestionSuffix(key.value, candidates);
    Error("schema.unknown_key", std::move(message), key.location);
  }
}

const YamlNode* BuildContext::Require(const YamlNode& map, std::string_view key,
                                      std::string_view what) {
  if (const YamlNode* v = map.Find(key)) return v;
  Error("schema.missing_key",
        std::string(what) + " has no '" + std::string(key) + "'", map.location);
  return nullptr;
}

std::optional<bool> BuildContext::ExpectBool(const YamlNode& node, std::string_view what) {
  if (node.IsScalar()) {
    const std::string& v = node.value;
    if (v == "true" || v == "True" || v == "TRUE") return true;
    if (v == "false" || v == "False" || v == "FALSE") return false;
  }
  Error("schema.value",
        std::string(what) + " must be true or false" +
            (node.IsScalar() ? ", not '" + Quote(node.value) + "'" : ""),
        node.location);
  return std::nullopt;
}

SourceLocation BuildContext::InScalar(const YamlNode& scalar, std::size_t offset) const {
  auto it = sources_.find(scalar.location.file());
  if (it == sources_.end()) return scalar.location;
  return LocateInScalar(scalar, offset, it->second);
}

std::unique_ptr<const Program> BuildContext::CompileExpr(const YamlNode& scalar,
                                                         const Declarations& decls,
                                                         const TypePtr& expected,
                                                         std::string_view what) {
  const std::string* text = ExpectScalar(scalar, what);
  if (text == nullptr) return nullptr;
  return CompileText(
      *text, decls, expected, what,
      [&](std::size_t offset) { return InScalar(scalar, offset); }, scalar.location);
}

std::unique_ptr<const Program> BuildContext::CompileText(
    std::string_view text, const Declarations& decls, const TypePtr& expected,
    std::string_view what, const std::function<SourceLocation(std::size_t)>& locate,
    const SourceLocation& whole, bool name_what) {
  CompileOptions compile_options;
  compile_options.max_length = options_.limits.max_expression_length;
  compile_options.max_depth = options_.limits.max_expression_depth;
  compile_options.regex_pool = &regexes_;
  if (expected && expected->kind() == Type::Kind::kEnum) compile_options.result_enum = expected;
  CompileResult compiled = CompileExpression(text, decls, compile_options);
  for (ExprIssue& issue : compiled.issues) {
    if (name_what) issue.message += " (in " + std::string(what) + ")";
    Error(issue.code.empty() ? "expr.syntax" : issue.code, std::move(issue.message),
          locate(issue.offset));
  }
  if (!compiled.issues.empty() || !compiled.program) return nullptr;
  if (expected && compiled.program->type() &&
      !IsAssignable(*expected, *compiled.program->type())) {
    Error("expr.type",
          std::string(what) + " must be " + expected->ToString() + ", but this expression is " +
              compiled.program->type()->ToString(),
          whole);
    return nullptr;
  }
  return std::move(compiled.program);
}

}  // namespace aftersales::internal
