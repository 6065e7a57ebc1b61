#include "policy/rule_builder.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <unordered_map>
#include <utility>

#include "policy/schema_builder.h"
#include "policy/script_template.h"
#include "policy/variable_builder.h"

namespace aftersales::internal {

namespace {

using SeenIds = std::unordered_map<std::string, SharedLocation>;

// Reads an `id`: a bare word, unique among `seen`. Empty when missing/bad.
std::string ReadId(const YamlNode& map, std::string_view kind, std::string_view what,
                   SeenIds* seen, BuildContext& ctx, SharedLocation* location) {
  *location = map.location;
  const YamlNode* node = ctx.Require(map, "id", what);
  if (node == nullptr) return "";
  *location = node->location;
  const std::string* id = ctx.ExpectScalar(*node, "the id of " + std::string(what));
  if (id == nullptr) return "";
  if (!IsBareWord(*id)) {
    ctx.Error("schema.name",
              std::string(kind) + " id '" + Quote(*id) +
                  "' must be letters, digits, '_' or '-'",
              node->location);
    return "";
  }
  auto [first, inserted] = seen->emplace(*id, node->location);
  if (!inserted) {
    ctx.Error("schema.duplicate",
              std::string(kind) + " id '" + *id + "' is used twice (first at " +
                  FormatLocation(first->second) + ")",
              node->location);
  }
  return *id;
}

void CheckDescription(const YamlNode& map, std::string_view what, BuildContext& ctx,
                      std::string* out) {
  const YamlNode* d = map.Find("description");
  if (d == nullptr || d->kind == YamlNode::Kind::kNull) return;
  if (!d->IsScalar()) {
    ctx.Error("schema.kind", "the description of " + std::string(what) + " must be text",
              d->location);
    return;
  }
  *out = d->value;
}

const FieldDecl* FindDecision(const Schema& schema, const std::string& name) {
  auto it = schema.decision_index.find(name);
  return it == schema.decision_index.end() ? nullptr : &schema.decisions[it->second];
}

// One `then` entry: a decision field and its value.
std::optional<Assignment> BuildAssignment(const YamlNode& key, const YamlNode& value,
                                          std::string_view rule_what, BuildContext& ctx,
                                          const Schema& schema, const Declarations& decls) {
  if (!key.IsScalar() || key.value.empty()) {
    ctx.Error("schema.kind", "the keys of 'then' must be decision field names", key.location);
    return std::nullopt;
  }
  const std::string& name = key.value;
  const FieldDecl* field = FindDecision(schema, name);
  if (field == nullptr) {
    std::string hint;
    if (name.rfind("decision.", 0) == 0 && FindDecision(schema, name.substr(9))) {
      hint = " ('then' names fields without the 'decision.' prefix: write '" +
             name.substr(9) + "')";
    } else {
      auto group = std::find_if(schema.groups.begin(), schema.groups.end(),
                                [&](const GroupDecl& g) { return g.name == name; });
      if (group != schema.groups.end()) {
        std::string parts;
        for (const FieldDecl& f : schema.decisions) {
          if (f.name.rfind(name + ".", 0) == 0) parts += (parts.empty() ? "" : ", ") + f.name;
        }
        ctx.Error("policy.undeclared_field",
                  "'" + name + "' is an object; set its fields instead (" + parts + ")",
                  key.location);
        return std::nullopt;
      }
      std::vector<std::string> names;
      for (const FieldDecl& f : schema.decisions) names.push_back(f.name);
      hint = SuggestionSuffix(name, names);
    }
    ctx.Error("policy.undeclared_field",
              "'" + Quote(name) + "' in the 'then' of " + std::string(rule_what) +
                  " is not a declared decision field" + hint,
              key.location);
    return std::nullopt;
  }

  Assignment assignment;
  assignment.slot = field->slot;
  assignment.location = value.location;
  std::string what = "the value of '" + name + "'";
  const Type::Kind kind = field->type->kind();
  ParsedType parsed{field->type, field->money, false};
  if (value.kind == YamlNode::Kind::kNull) {
    ctx.Error("schema.empty", what + " in the 'then' of " + std::string(rule_what) +
                                  " must not be empty",
              value.location);
    return std::nullopt;
  }
  if (value.IsSequence() && kind == Type::Kind::kList) {
    std::optional<Value> constant = ConstantFromYaml(value, parsed, what, ctx);
    if (!constant) return std::nullopt;
    assignment.constant = std::move(*constant);
    return assignment;
  }
  if (value.IsScalar() && kind == Type::Kind::kEnum && IsBareWord(value.value)) {
    std::optional<Value> constant = ConstantFromYaml(value, parsed, what, ctx);
    if (!constant) return std::nullopt;
    assignment.constant = std::move(*constant);
    return assignment;
  }
  if (!value.IsScalar()) {
    ctx.Error("schema.kind",
              what + " must be " +
                  (kind == Type::Kind::kList ? "a list or an expression"
                                             : std::string("an expression")) +
                  ", not " + std::string(KindName(value)),
              value.location);
    return std::nullopt;
  }
  assignment.program = ctx.CompileExpr(value, decls, field->type, what);
  if (!assignment.program) return std::nullopt;
  return assignment;
}

// `script: {locale: text}` -> one optional Template per policy locale.
void BuildScripts(const YamlNode& script, std::string_view rule_what, BuildContext& ctx,
                  const PolicyModel& model, const Declarations& decls, Rule* rule) {
  rule->scripts.assign(model.locales.size(), std::nullopt);
  std::string what = "the script of " + std::string(rule_what);
  if (!ctx.ExpectMap(script, what)) return;
  for (const auto& [key, text] : script.entries) {
    if (!key.IsScalar()) {
      ctx.Error("schema.kind", "the keys of " + what + " must be locales", key.location);
      continue;
    }
    auto it = std::find(model.locales.begin(), model.locales.end(), key.value);
    if (it == model.locales.end()) {
      std::string list;
      for (const std::string& l : model.locales) list += (list.empty() ? "" : ", ") + l;
      ctx.Error("policy.locale",
                "unknown locale '" + Quote(key.value) + "' in " + what +
                    SuggestionSuffix(key.value, model.locales) + "; the policy's locales are " +
                    list,
                key.location);
      continue;
    }
    const std::string* body = ctx.ExpectScalar(text, "the " + key.value + " text of " + what);
    if (body == nullptr) continue;
    std::vector<TemplateIssue> issues;
    Template tmpl = CompileTemplate(*body, model.schema, &issues, &decls);
    for (TemplateIssue& issue : issues) {
      ctx.Error(issue.code, std::move(issue.message), ctx.InScalar(text, issue.offset));
    }
    if (!issues.empty()) continue;
    tmpl.location = text.location;
    rule->scripts[static_cast<std::size_t>(it - model.locales.begin())] = std::move(tmpl);
  }
}

bool AlwaysTrue(const YamlNode* when) {
  return when == nullptr || (when->IsScalar() && when->value == "true");
}

// `decls`: what the rule's expressions and scripts read (the schema's names
// and the named values in scope).
void BuildRule(const YamlNode& node, SeenIds* rule_ids, BuildContext& ctx, PolicyModel* model,
               const Declarations& decls, Rule* rule) {
  SharedLocation where;
  rule->id = ReadId(node, "rule", "a rule", rule_ids, ctx, &where);
  rule->location = where;
  std::string what = rule->id.empty() ? "a rule" : "rule '" + rule->id + "'";
  ctx.CheckKeys(node, {"id", "description", "when", "then", "script"}, what);
  CheckDescription(node, what, ctx, &rule->description);

  if (const YamlNode* when = node.Find("when")) {
    rule->when_location = when->location;
    rule->when = ctx.CompileExpr(*when, decls, Type::Bool(),
                                 "the 'when' of " + what);
  }
  if (const YamlNode* then = node.Find("then")) {
    if (ctx.ExpectMap(*then, "the 'then' of " + what)) {
      rule->then.reserve(then->entries.size());
      for (const auto& [key, value] : then->entries) {
        if (std::optional<Assignment> a = BuildAssignment(key, value, what, ctx, model->schema, decls)) {
          rule->then.push_back(std::move(*a));
        }
      }
    }
  }
  if (const YamlNode* script = node.Find("script")) {
    BuildScripts(*script, what, ctx, *model, decls, rule);
  }
}

// ---- Decision tables -------------------------------------------------------
//
// A table's row becomes a Rule: its `when` cells, each a condition over its
// input, joined by &&; its `then` cells, one Assignment per output. Each
// cell is turned into CEL text made of pieces copied from the cell (so a
// problem the compiler finds points into the cell) and pieces inserted
// around them (pointing at the cell), and compiled on its own first.

// One input column: what the cells of the column compare.
struct TableInput {
  std::string name;    // a fact, a named value or a decision field, as an expression
  TypePtr type;        // null: the input is broken (its cells are not checked)
  SourceLocation location;
};

// CEL text generated from a cell, with where each byte came from.
class CellText {
 public:
  void Copy(const YamlNode& node, std::size_t offset, std::string_view text) {
    pieces_.push_back({std::string(text), &node, offset, true});
  }
  void Insert(std::string text, const YamlNode& node, std::size_t offset) {
    pieces_.push_back({std::move(text), &node, offset, false});
  }
  bool empty() const { return pieces_.empty(); }
  std::string Render() const {
    std::string out;
    for (const Piece& p : pieces_) out += p.text;
    return out;
  }
  SourceLocation Locate(std::size_t at, const BuildContext& ctx) const {
    std::size_t start = 0;
    const Piece* last = nullptr;
    for (const Piece& p : pieces_) {
      last = &p;
      if (at < start + p.text.size()) {
        return Place(p, p.copied ? at - start : 0, ctx);
      }
      start += p.text.size();
    }
    return last ? Place(*last, last->copied ? last->text.size() : 0, ctx) : SourceLocation{};
  }

 private:
  struct Piece {
    std::string text;
    const YamlNode* node;
    std::size_t offset;
    bool copied;
  };
  static SourceLocation Place(const Piece& p, std::size_t delta, const BuildContext& ctx) {
    if (!p.node->IsScalar()) return p.node->location;
    return ctx.InScalar(*p.node, p.offset + delta);
  }
  std::vector<Piece> pieces_;
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

bool IsNumberLiteral(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  if (s.size() > i + 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
    i += 2;
    std::size_t digits = 0;
    while (i < s.size() && std::isxdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
    if (i < s.size() && (s[i] == 'u' || s[i] == 'U')) ++i;
    return digits > 0 && i == s.size();
  }
  std::size_t digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  if (digits == 0) return false;
  bool is_double = false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    is_double = true;
    std::size_t frac = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++frac;
    if (frac == 0) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    is_double = true;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    std::size_t exp = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exp;
    if (exp == 0) return false;
  }
  if (!is_double && i < s.size() && (s[i] == 'u' || s[i] == 'U')) ++i;
  return i == s.size();
}

bool IsQuoted(std::string_view s) {
  return s.size() >= 2 && (s.front() == '\'' || s.front() == '"') && s.back() == s.front();
}

// Index of the end of the quoted string starting at s[i] (past its quote).
std::size_t SkipQuoted(std::string_view s, std::size_t i) {
  char q = s[i++];
  while (i < s.size() && s[i] != q) {
    if (s[i] == '\\') ++i;
    ++i;
  }
  return std::min(i + 1, s.size());
}

// Where `?` stands for the input in `s` (a `?` where an operand belongs:
// first, or after an operator, `(`, `[`, `,` or `in`); other `?` are the
// conditional operator's. Quoted text is skipped.
std::vector<std::size_t> Placeholders(std::string_view s) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < s.size();) {
    char c = s[i];
    if (c == '\'' || c == '"') {
      i = SkipQuoted(s, i);
      continue;
    }
    if (c == '?') {
      std::size_t j = i;
      while (j > 0 && (s[j - 1] == ' ' || s[j - 1] == '\t' || s[j - 1] == '\n')) --j;
      bool operand = j == 0;
      if (!operand) {
        char p = s[j - 1];
        if (std::string_view("([{,!&|=<>+-*/%:?").find(p) != std::string_view::npos) {
          operand = true;
        } else if (j >= 2 && s.substr(j - 2, 2) == "in" &&
                   (j == 2 || !(std::isalnum(static_cast<unsigned char>(s[j - 3])) || s[j - 3] == '_' || s[j - 3] == '.'))) {
          operand = true;
        }
      }
      if (operand) out.push_back(i);
    }
    ++i;
  }
  return out;
}

// The first top-level ".." in `s` (outside quotes), or npos.
std::size_t FindDots(std::string_view s) {
  for (std::size_t i = 0; i + 1 < s.size();) {
    if (s[i] == '\'' || s[i] == '"') {
      i = SkipQuoted(s, i);
      continue;
    }
    if (s[i] == '.' && s[i + 1] == '.') return i;
    ++i;
  }
  return std::string_view::npos;
}

// `s` split at its top-level commas (outside quotes).
std::vector<std::string_view> SplitCommas(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t from = 0;
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] == '\'' || s[i] == '"') {
      i = SkipQuoted(s, i);
      continue;
    }
    if (s[i] == ',') {
      out.push_back(s.substr(from, i - from));
      from = i + 1;
    }
    ++i;
  }
  out.push_back(s.substr(from));
  return out;
}

std::string EnumWords(const EnumType& e) {
  std::string words;
  for (const std::string& w : e.values) words += (words.empty() ? "" : ", ") + w;
  return words;
}

enum class LiteralResult { kLiteral, kNotLiteral, kError };

// Translates one cell for one input.
class CellTranslator {
 public:
  CellTranslator(BuildContext& ctx, const TableInput& input, std::string what)
      : ctx_(ctx), input_(input), what_(std::move(what)) {}

  // False when the cell is malformed (reported). `*any` when it is `-`.
  bool Translate(const YamlNode& cell, CellText* out, bool* any) {
    *any = false;
    out_ = out;
    if (cell.kind == YamlNode::Kind::kNull || (cell.IsScalar() && Trim(cell.value).empty())) {
      ctx_.Error("schema.empty", what_ + " is empty; write '-' to match any value", cell.location);
      return false;
    }
    if (cell.IsMap()) {
      ctx_.Error("schema.kind", what_ + " must be a single value or a list, not a map", cell.location);
      return false;
    }
    if (cell.IsSequence()) {
      // `- [1..5]` in YAML is a list holding "1..5": the range it looks like.
      if (cell.items.size() == 1 && cell.items[0].IsScalar() &&
          FindDots(cell.items[0].value) != std::string_view::npos) {
        const YamlNode& item = cell.items[0];
        return Range(item, 0, item.value, false, false);
      }
      if (cell.items.empty()) {
        ctx_.Error("schema.value", what_ + " is an empty list, which no value is in", cell.location);
        return false;
      }
      Input(cell, 0);
      out_->Insert(" in [", cell, 0);
      bool ok = true;
      for (std::size_t i = 0; i < cell.items.size(); ++i) {
        const YamlNode& item = cell.items[i];
        if (i > 0) out_->Insert(", ", item, 0);
        if (!item.IsScalar()) {
          ctx_.Error("schema.kind", "the items of " + what_ + " must be single values, not " +
                                        std::string(KindName(item)), item.location);
          ok = false;
          continue;
        }
        ok = ListItem(item, 0, item.value) && ok;
      }
      out_->Insert("]", cell, 0);
      return ok;
    }
    const std::string& raw = cell.value;
    std::string_view v = Trim(raw);
    std::size_t at = static_cast<std::size_t>(v.data() - raw.data());
    if (v == "-") {
      *any = true;
      return true;
    }
    std::vector<std::size_t> holes = Placeholders(v);
    if (!holes.empty()) {
      out_->Insert("(", cell, at);
      std::size_t from = 0;
      for (std::size_t h : holes) {
        if (h > from) out_->Copy(cell, at + from, v.substr(from, h - from));
        Input(cell, at + h);
        from = h + 1;
      }
      if (from < v.size()) out_->Copy(cell, at + from, v.substr(from));
      out_->Insert(")", cell, at + v.size());
      return true;
    }
    char first = v.front(), last = v.back();
    if ((first == '[' || first == '(') && (last == ']' || last == ')')) {
      std::string_view inner = v.substr(1, v.size() - 2);
      if (FindDots(inner) != std::string_view::npos) {
        return Range(cell, at + 1, inner, first == '(', last == ')');
      }
      if (first == '[' && last == ']') {
        if (Trim(inner).empty()) {
          ctx_.Error("schema.value", what_ + " is an empty list, which no value is in", cell.location);
          return false;
        }
        Input(cell, at);
        out_->Insert(" in [", cell, at);
        bool ok = true;
        std::size_t pos = 0;
        std::vector<std::string_view> items = SplitCommas(inner);
        for (std::size_t i = 0; i < items.size(); ++i) {
          std::string_view item = Trim(items[i]);
          std::size_t item_at = at + 1 + static_cast<std::size_t>(item.data() - inner.data());
          if (i > 0) out_->Insert(", ", cell, item_at);
          if (item.empty()) {
            ctx_.Error("schema.value", "an item of " + what_ + " is empty",
                       ctx_.InScalar(cell, at + 1 + static_cast<std::size_t>(items[i].data() - inner.data())));
            ok = false;
            continue;
          }
          ok = ListItem(cell, item_at, item) && ok;
        }
        (void)pos;
        out_->Insert("]", cell, at + v.size() - 1);
        return ok;
      }
      ctx_.Error("schema.value",
                 what_ + " '" + Quote(v) +
                     "' is not a range: write [a..b], (a..b), [a..b) or (a..b] (a bracket includes its bound)",
                 ctx_.InScalar(cell, at));
      return false;
    }
    std::size_t op_len = 0;
    while (op_len < v.size() && std::string_view("<>=!").find(v[op_len]) != std::string_view::npos) ++op_len;
    if (op_len > 0) {
      std::string_view op = v.substr(0, op_len);
      static const std::vector<std::string> kOps = {"<", "<=", ">", ">=", "==", "!="};
      if (std::find(kOps.begin(), kOps.end(), op) == kOps.end()) {
        std::string hint;
        if (op == "=<") hint = " (did you mean '<='?)";
        else if (op == "=>") hint = " (did you mean '>='?)";
        else if (op == "=") hint = " (did you mean '=='?)";
        else if (op == "<>" || op == "!") hint = " (did you mean '!='?)";
        ctx_.Error("schema.value",
                   "'" + std::string(op) + "' in " + what_ + " is not a comparison" + hint +
                       "; a cell compares with <, <=, >, >=, == or !=",
                   ctx_.InScalar(cell, at));
        return false;
      }
      std::string_view rest = Trim(v.substr(op_len));
      if (rest.empty()) {
        ctx_.Error("schema.value", what_ + " has nothing to compare with after '" + std::string(op) + "'",
                   ctx_.InScalar(cell, at));
        return false;
      }
      std::size_t rest_at = at + static_cast<std::size_t>(rest.data() - v.data());
      Input(cell, at);
      out_->Insert(" " + std::string(op) + " ", cell, at);
      CellText saved = *out_;
      LiteralResult r = Literal(cell, rest_at, rest, /*report=*/true);
      if (r == LiteralResult::kError) return false;
      if (r == LiteralResult::kNotLiteral) {
        *out_ = std::move(saved);
        out_->Insert("(", cell, rest_at);
        out_->Copy(cell, rest_at, rest);
        out_->Insert(")", cell, rest_at + rest.size());
      }
      return true;
    }
    Input(cell, at);
    out_->Insert(" == ", cell, at);
    LiteralResult r = Literal(cell, at, v, /*report=*/true);
    if (r == LiteralResult::kLiteral) return true;
    if (r == LiteralResult::kNotLiteral) {
      ctx_.Error("schema.value",
                 what_ + " '" + Quote(v) +
                     "' is not '-', a literal, a list, a comparison ('<= 7'), a range ('[1..5]') or an "
                     "expression with '?' for the input",
                 ctx_.InScalar(cell, at));
    }
    return false;
  }

 private:
  void Input(const YamlNode& node, std::size_t at) { out_->Insert(input_.name, node, at); }

  Type::Kind kind() const { return input_.type ? input_.type->kind() : Type::Kind::kDyn; }

  bool ListItem(const YamlNode& node, std::size_t at, std::string_view item) {
    LiteralResult r = Literal(node, at, item, true);
    if (r == LiteralResult::kNotLiteral) {
      ctx_.Error("schema.value", "'" + Quote(item) + "' in " + what_ + " is not a literal",
                 node.IsScalar() ? ctx_.InScalar(node, at) : SourceLocation(node.location));
    }
    return r == LiteralResult::kLiteral;
  }

  // A literal for the input's type: a number, true/false/null, a quoted
  // string, a bare word (an enum's word, or text for a string input), a
  // timestamp or duration written plainly for such an input.
  LiteralResult Literal(const YamlNode& node, std::size_t at, std::string_view tok, bool report) {
    const Type::Kind k = kind();
    const bool time = k == Type::Kind::kTimestamp || k == Type::Kind::kDuration;
    const std::string conv = k == Type::Kind::kTimestamp ? "timestamp" : "duration";
    if (IsQuoted(tok)) {
      if (time) out_->Insert(conv + "(", node, at);
      out_->Copy(node, at, tok);
      if (time) out_->Insert(")", node, at + tok.size());
      return LiteralResult::kLiteral;
    }
    if (tok == "true" || tok == "false" || tok == "null" || IsNumberLiteral(tok)) {
      out_->Copy(node, at, tok);
      return LiteralResult::kLiteral;
    }
    if (time) {
      if (tok.find_first_of("'\"\\ ()") != std::string_view::npos) return LiteralResult::kNotLiteral;
      out_->Insert(conv + "('", node, at);
      out_->Copy(node, at, tok);
      out_->Insert("')", node, at + tok.size());
      return LiteralResult::kLiteral;
    }
    if (!IsBareWord(tok)) return LiteralResult::kNotLiteral;
    if (k == Type::Kind::kEnum) {
      const EnumType& e = *input_.type->enum_type();
      if (!e.Contains(tok)) {
        if (report) {
          ctx_.Error("expr.enum",
                     "'" + Quote(tok) + "' in " + what_ + " is not a word of enum '" + e.name + "'" +
                         SuggestionSuffix(tok, e.values) + "; its words are " + EnumWords(e),
                     node.IsScalar() ? ctx_.InScalar(node, at) : SourceLocation(node.location));
        }
        return LiteralResult::kError;
      }
    } else if (k != Type::Kind::kString && k != Type::Kind::kDyn) {
      return LiteralResult::kNotLiteral;
    }
    out_->Insert("'", node, at);
    out_->Copy(node, at, tok);
    out_->Insert("'", node, at + tok.size());
    return LiteralResult::kLiteral;
  }

  bool Range(const YamlNode& node, std::size_t at, std::string_view inner, bool lo_open, bool hi_open) {
    const Type::Kind k = kind();
    if (k == Type::Kind::kEnum || k == Type::Kind::kBool || k == Type::Kind::kList ||
        k == Type::Kind::kMap || k == Type::Kind::kString) {
      ctx_.Error("schema.value",
                 what_ + " is a range, but input '" + input_.name + "' is " + input_.type->ToString() +
                     " (a range needs a number, a timestamp or a duration)",
                 node.IsScalar() ? ctx_.InScalar(node, at) : SourceLocation(node.location));
      return false;
    }
    std::size_t dots = FindDots(inner);
    std::string_view lo = Trim(inner.substr(0, dots));
    std::string_view hi = Trim(inner.substr(dots + 2));
    auto where = [&](std::string_view part) {
      return node.IsScalar() ? ctx_.InScalar(node, at + static_cast<std::size_t>(part.data() - inner.data()))
                             : SourceLocation(node.location);
    };
    if (lo.empty() || hi.empty() || FindDots(hi) != std::string_view::npos) {
      ctx_.Error("schema.value",
                 what_ + " is a malformed range '" + Quote(inner) +
                     "': write a lower and an upper bound, [a..b], (a..b), [a..b) or (a..b]",
                 node.IsScalar() ? ctx_.InScalar(node, at) : SourceLocation(node.location));
      return false;
    }
    if (IsNumberLiteral(lo) && IsNumberLiteral(hi)) {
      double a = std::strtod(std::string(lo).c_str(), nullptr);
      double b = std::strtod(std::string(hi).c_str(), nullptr);
      if (a > b || (a == b && (lo_open || hi_open))) {
        ctx_.Error("schema.value",
                   what_ + " is an empty range: no value is " + (lo_open ? "above " : "at least ") +
                       std::string(lo) + " and " + (hi_open ? "below " : "at most ") + std::string(hi),
                   where(lo));
        return false;
      }
    }
    std::size_t lo_at = at + static_cast<std::size_t>(lo.data() - inner.data());
    std::size_t hi_at = at + static_cast<std::size_t>(hi.data() - inner.data());
    out_->Insert("(", node, lo_at);
    Input(node, lo_at);
    out_->Insert(lo_open ? " > " : " >= ", node, lo_at);
    LiteralResult r = Literal(node, lo_at, lo, true);
    if (r == LiteralResult::kNotLiteral) {
      ctx_.Error("schema.value", "the bound '" + Quote(lo) + "' of " + what_ + " is not a literal", where(lo));
    }
    if (r != LiteralResult::kLiteral) return false;
    out_->Insert(" && ", node, hi_at);
    Input(node, hi_at);
    out_->Insert(hi_open ? " < " : " <= ", node, hi_at);
    r = Literal(node, hi_at, hi, true);
    if (r == LiteralResult::kNotLiteral) {
      ctx_.Error("schema.value", "the bound '" + Quote(hi) + "' of " + what_ + " is not a literal", where(hi));
    }
    if (r != LiteralResult::kLiteral) return false;
    out_->Insert(")", node, hi_at + hi.size());
    return true;
  }

  BuildContext& ctx_;
  const TableInput& input_;
  std::string what_;
  CellText* out_ = nullptr;
};

// A row of a table -> a Rule.
void BuildRow(const YamlNode& node, SeenIds* rule_ids, BuildContext& ctx, PolicyModel* model,
              const Declarations& decls, const std::vector<TableInput>& inputs,
              const std::vector<const YamlNode*>& outputs, const std::string& stage_what, Rule* rule,
              bool* always) {
  SharedLocation where;
  rule->id = ReadId(node, "row", "a row", rule_ids, ctx, &where);
  rule->location = where;
  *always = false;
  std::string what = rule->id.empty() ? "a row" : "row '" + rule->id + "'";
  ctx.CheckKeys(node, {"id", "description", "when", "then", "script"}, what);
  CheckDescription(node, what, ctx, &rule->description);

  if (const YamlNode* when = ctx.Require(node, "when", what)) {
    rule->when_location = when->location;
    if (ctx.ExpectSequence(*when, "the 'when' of " + what)) {
      if (when->items.size() != inputs.size()) {
        ctx.Error("schema.value",
                  "the 'when' of " + what + " has " + std::to_string(when->items.size()) +
                      (when->items.size() == 1 ? " cell" : " cells") + ", but the table has " + std::to_string(inputs.size()) + " inputs",
                  when->location);
      } else {
        std::string composed;
        bool ok = true;
        *always = true;
        for (std::size_t i = 0; i < inputs.size(); ++i) {
          const YamlNode& cell = when->items[i];
          std::string cell_what = "the cell of " + what + " for input '" + inputs[i].name + "'";
          CellText text;
          bool any = false;
          CellTranslator translator(ctx, inputs[i], cell_what);
          if (!translator.Translate(cell, &text, &any)) {
            ok = false;
            *always = false;
            continue;
          }
          if (any) continue;
          *always = false;
          if (!inputs[i].type) {
            ok = false;
            continue;
          }
          std::string source = text.Render();
          auto program = ctx.CompileText(
              source, decls, Type::Bool(), cell_what,
              [&](std::size_t at) { return text.Locate(at, ctx); }, cell.location, /*name_what=*/true);
          if (!program) {
            ok = false;
            continue;
          }
          composed += (composed.empty() ? "" : " && ") + source;
        }
        if (ok && !composed.empty()) {
          rule->when = ctx.CompileText(
              composed, decls, Type::Bool(), "the 'when' of " + what,
              [&](std::size_t) { return when->location; }, when->location);
        }
      }
    }
  }
  if (const YamlNode* then = ctx.Require(node, "then", what)) {
    if (ctx.ExpectSequence(*then, "the 'then' of " + what)) {
      if (then->items.size() != outputs.size()) {
        ctx.Error("schema.value",
                  "the 'then' of " + what + " has " + std::to_string(then->items.size()) +
                      (then->items.size() == 1 ? " cell" : " cells") + ", but the table has " + std::to_string(outputs.size()) + " outputs",
                  then->location);
      } else {
        for (std::size_t i = 0; i < outputs.size(); ++i) {
          if (outputs[i] == nullptr) continue;
          if (std::optional<Assignment> a =
                  BuildAssignment(*outputs[i], then->items[i], what, ctx, model->schema, decls)) {
            rule->then.push_back(std::move(*a));
          }
        }
      }
    }
  }
  if (const YamlNode* script = node.Find("script")) {
    BuildScripts(*script, what, ctx, *model, decls, rule);
  }
  (void)stage_what;
}

// `table: {inputs, outputs, rows}` -> the stage's rules. `named_inputs`
// gets a map of the inputs written `name: expression`, built as the
// stage's named values before the rows (see BuildStage).
void CollectNamedInputs(const YamlNode& table, YamlNode* named_inputs) {
  named_inputs->kind = YamlNode::Kind::kMap;
  named_inputs->location = table.location;
  const YamlNode* inputs = table.IsMap() ? table.Find("inputs") : nullptr;
  if (inputs == nullptr || !inputs->IsSequence()) return;
  for (const YamlNode& input : inputs->items) {
    if (input.IsMap() && input.entries.size() == 1) named_inputs->entries.push_back(input.entries.front());
  }
}

void BuildTable(const YamlNode& table, const YamlNode* hit_node, SeenIds* rule_ids, BuildContext& ctx,
                PolicyModel* model, const Declarations& decls, const std::string& what, Stage* stage) {
  std::string table_what = "the table of " + what;
  if (!ctx.ExpectMap(table, table_what)) return;
  ctx.CheckKeys(table, {"inputs", "outputs", "rows"}, table_what);
  std::vector<TableInput> inputs;
  if (const YamlNode* in = ctx.Require(table, "inputs", table_what)) {
    if (ctx.ExpectSequence(*in, "the inputs of " + what)) {
      for (const YamlNode& item : in->items) {
        TableInput input;
        input.location = item.location;
        if (item.IsMap() && item.entries.size() == 1 && item.entries.front().first.IsScalar()) {
          input.name = item.entries.front().first.value;
          if (const VarDecl* d = decls.Find(input.name)) input.type = d->type;
        } else if (item.IsScalar() && !item.value.empty()) {
          input.name = item.value;
          if (const VarDecl* d = decls.Find(input.name)) {
            input.type = d->type;
          } else {
            std::vector<std::string> names;
            for (const VarDecl& d2 : decls.all()) names.push_back(d2.name);
            ctx.Error("expr.undeclared",
                      "input '" + Quote(input.name) + "' of " + table_what +
                          " is not a fact, a named value or a decision field" +
                          SuggestionSuffix(input.name, names) +
                          " (an expression is written as a named input, 'name: expression')",
                      item.location);
          }
        } else {
          ctx.Error("schema.kind",
                    "an input of " + table_what +
                        " must be a fact's name or 'name: expression', not " + std::string(KindName(item)),
                    item.location);
          input.name = "?";
        }
        inputs.push_back(std::move(input));
      }
    }
  }
  std::vector<const YamlNode*> outputs;
  if (const YamlNode* out = ctx.Require(table, "outputs", table_what)) {
    if (ctx.ExpectSequence(*out, "the outputs of " + what)) {
      if (out->items.empty()) {
        ctx.Error("schema.empty", "the outputs of " + what + " must name at least one decision field",
                  out->location);
      }
      SeenIds seen;
      std::vector<std::string> names;
      for (const FieldDecl& f : model->schema.decisions) names.push_back(f.name);
      for (const YamlNode& item : out->items) {
        const YamlNode* ok = nullptr;
        if (!item.IsScalar() || item.value.empty()) {
          ctx.Error("schema.kind", "an output of " + table_what + " must be a decision field's name",
                    item.location);
        } else if (FindDecision(model->schema, item.value) == nullptr) {
          ctx.Error("policy.undeclared_field",
                    "output '" + Quote(item.value) + "' of " + table_what +
                        " is not a declared decision field" + SuggestionSuffix(item.value, names),
                    item.location);
        } else if (auto [first, inserted] = seen.emplace(item.value, item.location); !inserted) {
          ctx.Error("schema.duplicate",
                    "output '" + item.value + "' of " + table_what + " is named twice (first at " +
                        FormatLocation(first->second) + ")",
                    item.location);
        } else {
          ok = &item;
        }
        outputs.push_back(ok);
      }
    }
  }
  if (stage->hit == HitPolicy::kPriority && !outputs.empty()) {
    const FieldDecl* f = outputs.front() ? FindDecision(model->schema, outputs.front()->value) : nullptr;
    if (outputs.front() != nullptr && (f == nullptr || f->type->kind() != Type::Kind::kEnum)) {
      ctx.Error("schema.value",
                "hit: priority ranks rows by their first output's enum, but '" + outputs.front()->value +
                    "', the first output of " + table_what + ", is " +
                    (f ? f->type->ToString() : std::string("not a field")) +
                    " (put an enum field first)",
                hit_node ? hit_node->location : outputs.front()->location);
    } else if (f != nullptr) {
      stage->priority_slot = f->slot;
      stage->priority_enum = f->type->enum_type();
    }
  }
  const YamlNode* rows = ctx.Require(table, "rows", table_what);
  if (rows == nullptr || !ctx.ExpectSequence(*rows, "the rows of " + what)) return;
  if (rows->items.empty()) ctx.Warning("policy.empty_stage", what + " has no rows", rows->location);
  std::string always_id;
  for (const YamlNode& item : rows->items) {
    if (!ctx.ExpectMap(item, "a row")) continue;
    Rule rule;
    bool always = false;
    BuildRow(item, rule_ids, ctx, model, decls, inputs, outputs, what, &rule, &always);
    if (!always_id.empty()) {
      ctx.Warning("policy.unreachable",
                  "row '" + rule.id + "' is never tried: row '" + always_id +
                      "' before it always matches in this 'first' stage",
                  rule.location);
    } else if (stage->hit == HitPolicy::kFirst && always) {
      always_id = rule.id.empty() ? "?" : rule.id;
    }
    stage->rules.push_back(std::move(rule));
  }
}

void BuildStage(const YamlNode& node, SeenIds* stage_ids, SeenIds* rule_ids, BuildContext& ctx,
                PolicyModel* model, const Declarations& policy_values, const Declarations& policy_rules) {
  if (!ctx.ExpectMap(node, "a stage")) return;
  Stage stage;
  SharedLocation where;
  stage.id = ReadId(node, "stage", "a stage", stage_ids, ctx, &where);
  stage.location = where;
  std::string what = stage.id.empty() ? "a stage" : "stage '" + stage.id + "'";
  ctx.CheckKeys(node, {"id", "hit", "description", "variables", "rules", "table"}, what);
  CheckDescription(node, what, ctx, &stage.description);
  const YamlNode* table = node.Find("table");
  const YamlNode* hit = node.Find("hit");
  if (hit != nullptr) {
    if (const std::string* h = ctx.ExpectScalar(*hit, "the 'hit' of " + what)) {
      static const std::vector<std::string> kHits = {"first", "collect", "unique", "priority", "any",
                                                     "rule_order"};
      static const HitPolicy kPolicies[] = {HitPolicy::kFirst,    HitPolicy::kCollect, HitPolicy::kUnique,
                                            HitPolicy::kPriority, HitPolicy::kAny,     HitPolicy::kRuleOrder};
      auto it = std::find(kHits.begin(), kHits.end(), *h);
      if (it == kHits.end()) {
        ctx.Error("schema.value",
                  "the 'hit' of " + what + " must be first, collect, unique, priority, any or rule_order, not '" +
                      Quote(*h) + "'" + SuggestionSuffix(*h, kHits),
                  hit->location);
      } else {
        stage.hit = kPolicies[it - kHits.begin()];
        if (table == nullptr && (stage.hit == HitPolicy::kUnique || stage.hit == HitPolicy::kPriority ||
                                 stage.hit == HitPolicy::kAny)) {
          ctx.Error("schema.value",
                    "hit: " + *h + " is for decision tables: " + what +
                        " has rules (a stage with rules is first, collect or rule_order)",
                    hit->location);
          stage.hit = HitPolicy::kFirst;
        }
      }
    }
  }
  stage.table = table != nullptr;
  // The stage's own named values, seen by its rules only; a table's named
  // inputs are among them.
  YamlNode named_inputs;
  if (table != nullptr) CollectNamedInputs(*table, &named_inputs);
  std::vector<const YamlNode*> variable_sections;
  if (const YamlNode* variables = node.Find("variables")) variable_sections.push_back(variables);
  if (!named_inputs.entries.empty()) variable_sections.push_back(&named_inputs);
  const Declarations* decls = &policy_rules;
  Declarations stage_values, stage_rules;
  if (!variable_sections.empty()) {
    stage_values = policy_values;
    stage_rules = policy_rules;
    BuildVariables(variable_sections, stage.id.empty() ? "?" : stage.id, ctx, model, &stage_values,
                   &stage_rules);
    decls = &stage_rules;
  }
  if (table != nullptr) {
    if (const YamlNode* rules = node.Find("rules")) {
      (void)rules;
      ctx.Error("schema.value", what + " has both 'rules' and a 'table'; a stage holds one or the other",
                table->location);
    }
    BuildTable(*table, hit, rule_ids, ctx, model, *decls, what, &stage);
    model->stages.push_back(std::move(stage));
    return;
  }
  const YamlNode* rules = ctx.Require(node, "rules", what);
  if (rules != nullptr && ctx.ExpectSequence(*rules, "the rules of " + what)) {
    if (rules->items.empty()) {
      ctx.Warning("policy.empty_stage", what + " has no rules", rules->location);
    }
    std::string always_id;
    stage.rules.reserve(rules->items.size());
    for (const YamlNode& item : rules->items) {
      if (!ctx.ExpectMap(item, "a rule")) continue;
      Rule rule;
      BuildRule(item, rule_ids, ctx, model, *decls, &rule);
      if (!always_id.empty()) {
        ctx.Warning("policy.unreachable",
                    "rule '" + rule.id + "' is never tried: rule '" + always_id +
                        "' before it always matches in this 'first' stage",
                    rule.location);
      } else if (stage.hit == HitPolicy::kFirst && AlwaysTrue(item.Find("when"))) {
        always_id = rule.id.empty() ? "?" : rule.id;
      }
      stage.rules.push_back(std::move(rule));
    }
  }
  model->stages.push_back(std::move(stage));
}

}  // namespace

void BuildStages(const std::vector<const YamlNode*>& sections, BuildContext& ctx,
                 PolicyModel* model, const Declarations& values, const Declarations& rules) {
  SeenIds stage_ids, rule_ids;
  for (const YamlNode* section : sections) {
    if (!ctx.ExpectSequence(*section, "'stages'")) continue;
    for (const YamlNode& item : section->items) {
      BuildStage(item, &stage_ids, &rule_ids, ctx, model, values, rules);
    }
  }
}

void BuildInvariants(const std::vector<const YamlNode*>& sections, BuildContext& ctx,
                     PolicyModel* model, const Declarations& decls) {
  SeenIds ids;
  for (const YamlNode* section : sections) {
    if (!ctx.ExpectSequence(*section, "'invariants'")) continue;
    for (const YamlNode& node : section->items) {
      if (!ctx.ExpectMap(node, "an invariant")) continue;
      Invariant inv;
      SharedLocation where;
      inv.id = ReadId(node, "invariant", "an invariant", &ids, ctx, &where);
      inv.location = where;
      std::string what = inv.id.empty() ? "an invariant" : "invariant '" + inv.id + "'";
      ctx.CheckKeys(node, {"id", "check", "message", "description"}, what);
      std::string description;
      CheckDescription(node, what, ctx, &description);
      if (const YamlNode* message = node.Find("message")) {
        if (const std::string* m = ctx.ExpectScalar(*message, "the message of " + what)) {
          inv.message = *m;
        }
      }
      if (inv.message.empty()) inv.message = description;
      if (const YamlNode* check = ctx.Require(node, "check", what)) {
        inv.check = ctx.CompileExpr(*check, decls, Type::Bool(),
                                    "the check of " + what);
      }
      model->invariants.push_back(std::move(inv));
    }
  }
}

}  // namespace aftersales::internal
