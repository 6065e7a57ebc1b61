#include "policy/schema_builder.h"

#include <algorithm>
#include <charconv>
#include <system_error>
#include <utility>

#include "expr/ast.h"
#include "expr/parser.h"

namespace aftersales::internal {

namespace {

constexpr std::string_view kBuiltinTypes[] = {"bool",      "int",      "uint",  "double",
                                              "string",    "timestamp", "duration", "money",
                                              "list<...>"};

// Words that cannot name an enum: they already name a type or a literal.
constexpr std::string_view kReservedTypeNames[] = {
    "bool", "int", "uint", "double", "string", "bytes", "timestamp", "duration", "money",
    "list", "map",  "object", "dyn", "null",  "null_type", "type", "true", "false"};

bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }

bool IsIdentifier(std::string_view s) {
  if (s.empty() || !IsIdentStart(s[0])) return false;
  return std::all_of(s.begin(), s.end(), IsIdentChar);
}

// "order.delivered_at": identifiers joined by dots.
bool IsDottedName(std::string_view s) {
  std::size_t start = 0;
  while (true) {
    std::size_t dot = s.find('.', start);
    if (!IsIdentifier(s.substr(start, dot - start))) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<ParsedType> ParseTypeAt(std::string_view text, std::size_t base,
                                      const EnumTable& enums, int depth, std::string* error,
                                      std::size_t* error_offset) {
  std::string_view trimmed = Trim(text);
  std::size_t offset = base + (trimmed.empty() ? 0 : text.find(trimmed));
  auto fail = [&](std::string message, std::size_t at) -> std::optional<ParsedType> {
    *error = std::move(message);
    if (error_offset) *error_offset = at;
    return std::nullopt;
  };
  if (trimmed.empty()) return fail("a type is missing", offset);
  if (trimmed.substr(0, 5) == "list<" || trimmed.substr(0, 5) == "list(") {
    char close = trimmed[4] == '<' ? '>' : ')';
    if (trimmed.back() != close) {
      return fail("'" + std::string(trimmed) + "' is not closed by '" + close + "'",
                  offset + trimmed.size());
    }
    if (depth >= kMaxTypeNesting) return fail("list types nested too deeply", offset);
    std::string_view inner = trimmed.substr(5, trimmed.size() - 6);
    std::optional<ParsedType> elem =
        ParseTypeAt(inner, offset + 5, enums, depth + 1, error, error_offset);
    if (!elem) return std::nullopt;
    if (elem->object) return fail("a list cannot hold objects", offset + 5);
    return ParsedType{Type::List(elem->type), elem->money, false};
  }
  static const std::pair<std::string_view, TypePtr (*)()> kSimple[] = {
      {"bool", &Type::Bool},         {"int", &Type::Int},
      {"uint", &Type::Uint},         {"double", &Type::Double},
      {"string", &Type::String},     {"timestamp", &Type::Timestamp},
      {"duration", &Type::Duration},
  };
  for (const auto& [name, make] : kSimple) {
    if (trimmed == name) return ParsedType{make(), false, false};
  }
  if (trimmed == "money") return ParsedType{Type::Int(), true, false};
  if (trimmed == "object") return ParsedType{Type::Dyn(), false, true};
  auto it = enums.find(std::string(trimmed));
  if (it != enums.end()) return ParsedType{Type::Enum(it->second), false, false};

  std::vector<std::string> candidates;
  for (std::string_view b : kBuiltinTypes) {
    if (b != "list<...>") candidates.emplace_back(b);
  }
  for (const auto& [name, e] : enums) candidates.push_back(name);
  std::sort(candidates.begin(), candidates.end());
  return fail("unknown type '" + Quote(trimmed) + "'" + SuggestionSuffix(trimmed, candidates) +
                  "; types are bool, int, uint, double, string, timestamp, duration, money, "
                  "list<T> and the declared enums",
              offset);
}

std::string Describe(const ParsedType& t) {
  if (t.money && t.type->kind() == Type::Kind::kInt) {
    return "money (an int of minor units, e.g. 29900 for 299.00)";
  }
  switch (t.type->kind()) {
    case Type::Kind::kEnum: return "a word of enum '" + t.type->enum_type()->name + "'";
    case Type::Kind::kList: return "a list";
    default: return "a " + t.type->ToString();
  }
}

std::optional<Value> ScalarConstant(const YamlNode& node, const ParsedType& type,
                                    std::string_view what, BuildContext& ctx) {
  const std::string& text = node.value;
  auto bad = [&](std::string extra = "") -> std::optional<Value> {
    ctx.Error("schema.value",
              std::string(what) + " must be " + Describe(type) + ", not '" + Quote(text) + "'" +
                  extra,
              node.location);
    return std::nullopt;
  };
  const char* first = text.data();
  const char* last = text.data() + text.size();
  switch (type.type->kind()) {
    case Type::Kind::kBool:
      if (text == "true" || text == "True" || text == "TRUE") return Value::Bool(true);
      if (text == "false" || text == "False" || text == "FALSE") return Value::Bool(false);
      return bad();
    case Type::Kind::kInt: {
      if (first != last && *first == '+') ++first;
      std::int64_t v = 0;
      auto [end, ec] = std::from_chars(first, last, v);
      if (ec == std::errc() && end == last && first != last) return Value::Int(v);
      if (ec == std::errc::result_out_of_range) return bad(" (out of range)");
      return bad();
    }
    case Type::Kind::kUint: {
      if (first != last && *first == '+') ++first;
      std::uint64_t v = 0;
      auto [end, ec] = std::from_chars(first, last, v);
      if (ec == std::errc() && end == last && first != last) return Value::Uint(v);
      if (ec == std::errc::result_out_of_range) return bad(" (out of range)");
      return bad();
    }
    case Type::Kind::kDouble: {
      if (first != last && *first == '+') ++first;
      double v = 0;
      auto [end, ec] = std::from_chars(first, last, v);
      if (ec == std::errc() && end == last && first != last) return Value::Double(v);
      return bad();
    }
    case Type::Kind::kString:
      return Value::String(text);
    case Type::Kind::kEnum: {
      const EnumType& e = *type.type->enum_type();
      if (e.Contains(text)) return Value::String(text);
      return bad(SuggestionSuffix(text, e.values));
    }
    case Type::Kind::kTimestamp: {
      std::string why;
      if (std::optional<Timestamp> t = ParseTimestamp(text, &why)) return Value::Time(*t);
      return bad(" (an RFC 3339 time such as 2026-11-20T14:03:00+08:00)");
    }
    case Type::Kind::kDuration: {
      std::string why;
      if (std::optional<Duration> d = ParseDuration(text, &why)) return Value::Dur(*d);
      return bad(" (a duration such as 36h or 90m)");
    }
    default:
      ctx.Error("schema.value",
                std::string(what) + ": a value of type " + type.type->ToString() +
                    " cannot be written as a constant",
                node.location);
      return std::nullopt;
  }
}

// One `enums` section: name -> list of words.
void BuildEnums(const YamlNode& section, BuildContext& ctx, EnumTable* table,
                std::unordered_map<std::string, SourceLocation>* seen, Schema* schema) {
  if (!ctx.ExpectMap(section, "'enums'")) return;
  for (const auto& [key, value] : section.entries) {
    if (!key.IsScalar() || !IsIdentifier(key.value)) {
      ctx.Error("schema.name",
                "enum name '" + Quote(key.value) +
                    "' must be a word of letters, digits and '_' (not starting with a digit)",
                key.location);
      continue;
    }
    const std::string& name = key.value;
    if (std::find(std::begin(kReservedTypeNames), std::end(kReservedTypeNames), name) !=
        std::end(kReservedTypeNames)) {
      ctx.Error("schema.name", "'" + name + "' is a built-in type name and cannot name an enum",
                key.location);
      continue;
    }
    auto [first, inserted] = seen->emplace(name, key.location);
    if (!inserted) {
      ctx.Error("schema.duplicate",
                "enum '" + name + "' is declared twice (first at " + FormatLocation(first->second) +
                    ")",
                key.location);
      continue;
    }
    std::string what = "enum '" + name + "'";
    auto e = std::make_shared<EnumType>();
    e->name = name;
    if (!ctx.ExpectSequence(value, what)) {
      (*table)[name] = e;  // declared, so that its uses do not cascade
      continue;
    }
    if (value.items.empty()) {
      ctx.Error("schema.value", what + " has no words", value.location);
    }
    std::unordered_map<std::string, SourceLocation> words;
    for (const YamlNode& item : value.items) {
      if (!item.IsScalar() || !IsBareWord(item.value)) {
        ctx.Error("schema.value",
                  "a word of " + what + " must be letters, digits, '_' or '-'" +
                      (item.IsScalar() ? ", not '" + Quote(item.value) + "'"
                                       : ", not " + std::string(KindName(item))),
                  item.location);
        continue;
      }
      auto [w, fresh] = words.emplace(item.value, item.location);
      if (!fresh) {
        ctx.Error("schema.duplicate",
                  "word '" + item.value + "' appears twice in " + what + " (first at " +
                      FormatLocation(w->second) + ")",
                  item.location);
        continue;
      }
      e->values.push_back(item.value);
    }
    e->Seal();
    (*table)[name] = e;
    schema->enums.push_back(e);
  }
}

// An int below zero, or a list holding one.
bool HasNegative(const Value& v) {
  if (v.kind() == Value::Kind::kInt) return v.int_value() < 0;
  if (v.kind() == Value::Kind::kList) {
    for (const Value& e : v.list_value()) {
      if (HasNegative(e)) return true;
    }
  }
  return false;
}

struct FieldSpec {
  bool is_decision;
  std::string_view kind_word;  // "fact" / "decision field"
};

// An `at_most` to compile once every fact and decision field is declared.
struct PendingCap {
  std::size_t decision;  // index in Schema::decisions
  const YamlNode* value;
  const YamlNode* unless;  // may be null
  std::string what;
};

// One fact or decision declaration: `name: type` or `name: {type: ..., ...}`.
void BuildField(const YamlNode& key, const YamlNode& value, const FieldSpec& spec,
                const EnumTable& enums, BuildContext& ctx, Schema* schema, std::vector<PendingCap>* caps) {
  const std::string& name = key.value;
  std::string what = std::string(spec.kind_word) + " '" + name + "'";
  const YamlNode* type_node = &value;
  const YamlNode* default_node = nullptr;
  bool personal = false, required = false, nullable = false, is_signed = false;
  const YamlNode* nullable_node = nullptr;
  const YamlNode* signed_node = nullptr;
  const YamlNode* required_node = nullptr;
  const YamlNode* at_most_node = nullptr;
  if (value.IsMap()) {
    if (spec.is_decision) at_most_node = value.Find("at_most");
    if (spec.is_decision) {
      ctx.CheckKeys(value, {"type", "default", "required", "nullable", "at_most", "description"}, what);
    } else {
      ctx.CheckKeys(value, {"type", "default", "personal", "signed", "description"}, what);
    }
    signed_node = spec.is_decision ? nullptr : value.Find("signed");
    if (signed_node) is_signed = ctx.ExpectBool(*signed_node, "'signed' of " + what).value_or(false);
    type_node = ctx.Require(value, "type", what);
    default_node = value.Find("default");
    if (const YamlNode* p = value.Find("personal"); p && !spec.is_decision) {
      personal = ctx.ExpectBool(*p, "'personal' of " + what).value_or(false);
    }
    if ((required_node = value.Find("required")) && spec.is_decision) {
      required = ctx.ExpectBool(*required_node, "'required' of " + what).value_or(false);
    }
    if ((nullable_node = value.Find("nullable")) && spec.is_decision) {
      nullable = ctx.ExpectBool(*nullable_node, "'nullable' of " + what).value_or(false);
    }
    if (const YamlNode* d = value.Find("description")) {
      if (!d->IsScalar() && d->kind != YamlNode::Kind::kNull) {
        ctx.Error("schema.kind", "the description of " + what + " must be text", d->location);
      }
    }
  } else if (!value.IsScalar()) {
    ctx.Error("schema.kind",
              what + " must be declared with a type (`" + name + ": int`) or a map with 'type'" +
                  ", not " + std::string(KindName(value)),
              value.location);
    type_node = nullptr;
  }

  std::optional<ParsedType> parsed;
  if (type_node != nullptr) {
    if (const std::string* type_text = ctx.ExpectScalar(*type_node, "the type of " + what)) {
      std::string error;
      std::size_t at = 0;
      parsed = ParseTypeName(*type_text, enums, &error, &at);
      if (!parsed) {
        ctx.Error("schema.type", error, ctx.InScalar(*type_node, at));
      } else if (parsed->object && !spec.is_decision) {
        ctx.Error("schema.type", "a fact cannot be an object; declare its parts as dotted facts",
                  type_node->location);
        parsed.reset();
      }
    }
  }

  if (parsed && parsed->object) {
    if (default_node) {
      ctx.Error("schema.value", what + " is an object and cannot have a default",
                default_node->location);
    }
    if (required) {
      ctx.Error("schema.value",
                what + " is an object and cannot be required (require its fields instead)",
                required_node->location);
    }
    schema->groups.push_back(GroupDecl{name, nullable, key.location});
    return;
  }
  if (nullable_node && nullable) {
    ctx.Error("schema.value", "'nullable' is only for decision fields of type: object",
              nullable_node->location);
  }

  // `signed: true` lets a money fact go below zero; it says nothing of any
  // other type, and decision fields have no such thing (never negative).
  if (signed_node && parsed && !parsed->money) {
    ctx.Error("schema.value", "'signed' is only for money; " + what + " is not money", signed_node->location);
  }

  FieldDecl field;
  field.name = name;
  field.type = parsed ? parsed->type : Type::Dyn();
  field.money = parsed && parsed->money;
  field.signed_money = field.money && is_signed;
  field.personal = personal;
  field.required = required;
  field.location = key.location;
  if (parsed && default_node) {
    if (std::optional<Value> v = ConstantFromYaml(*default_node, *parsed, "the default of " + what,
                                                  ctx)) {
      if (field.money && !field.signed_money && HasNegative(*v)) {
        ctx.Error("schema.value",
                  "the default of " + what + " is below zero; " +
                      (spec.is_decision ? std::string("a money decision field is never negative")
                                        : std::string("money is never negative unless declared `signed: true`")),
                  default_node->location);
      }
      field.default_value = std::move(*v);
    }
  }
  // `at_most: order.total_paid_cents`, or `at_most: {value: ..., unless: ...}`:
  // the most a money field may be, compiled in BuildSchema.
  std::optional<PendingCap> cap;
  if (at_most_node) {
    if (parsed && !parsed->money) {
      ctx.Error("schema.value", "'at_most' is only for money decision fields; " + what + " is not money",
                at_most_node->location);
    } else if (at_most_node->IsMap()) {
      ctx.CheckKeys(*at_most_node, {"value", "unless"}, "'at_most' of " + what);
      if (const YamlNode* v = ctx.Require(*at_most_node, "value", "'at_most' of " + what)) {
        cap = PendingCap{0, v, at_most_node->Find("unless"), what};
      }
    } else {
      cap = PendingCap{0, at_most_node, nullptr, what};
    }
  }
  if (cap) {
    cap->decision = schema->decisions.size();
    caps->push_back(std::move(*cap));
  }
  std::vector<FieldDecl>& list = spec.is_decision ? schema->decisions : schema->facts;
  auto& index = spec.is_decision ? schema->decision_index : schema->fact_index;
  field.slot = static_cast<std::uint32_t>(list.size());
  index.emplace(name, field.slot);
  list.push_back(std::move(field));
}

void BuildFields(const YamlNode& section, const FieldSpec& spec, const EnumTable& enums,
                 BuildContext& ctx, std::unordered_map<std::string, SourceLocation>* seen,
                 Schema* schema, std::vector<PendingCap>* caps) {
  std::string section_name = spec.is_decision ? "'decisions'" : "'facts'";
  if (!ctx.ExpectMap(section, section_name)) return;
  for (const auto& [key, value] : section.entries) {
    if (!key.IsScalar() || !IsDottedName(key.value)) {
      ctx.Error("schema.name",
                std::string(spec.kind_word) + " name '" + Quote(key.value) +
                    "' must be words of letters, digits and '_' joined by '.'",
                key.location);
      continue;
    }
    const std::string& name = key.value;
    if (!spec.is_decision && (name == "decision" || name.rfind("decision.", 0) == 0)) {
      ctx.Error("schema.name",
                "fact names cannot start with 'decision': expressions read decision fields as "
                "decision.<field>",
                key.location);
      continue;
    }
    if (spec.is_decision && (name == "decision" || name.rfind("decision.", 0) == 0)) {
      ctx.Error("schema.name",
                "declare decision fields without the 'decision.' prefix ('" +
                    name.substr(std::min<std::size_t>(name.size(), 9)) +
                    "'); expressions add it",
                key.location);
      continue;
    }
    if (spec.is_decision) {
      // The decision's JSON has keys of its own beside the fields.
      const std::string head = name.substr(0, name.find('.'));
      bool own = false;
      for (const char* k : {"case_id", "script", "matched_rules", "policy", "errors", "trace"}) own = own || head == k;
      if (own) {
        ctx.Error("schema.name",
                  "decision field '" + name + "' would clash with the decision's own '" + head +
                      "' (case_id, script, matched_rules, policy, errors and trace are taken); choose another name",
                  key.location);
        continue;
      }
    }
    auto [first, inserted] = seen->emplace(name, key.location);
    if (!inserted) {
      ctx.Error("schema.duplicate",
                std::string(spec.kind_word) + " '" + name + "' is declared twice (first at " +
                    FormatLocation(first->second) + ")",
                key.location);
      continue;
    }
    BuildField(key, value, spec, enums, ctx, schema, caps);
  }
}

// "order" cannot be a fact when "order.id" is one: an expression could not
// tell the value from the namespace. For decisions, a prefix must be an
// object group.
void CheckNamePrefixes(BuildContext& ctx, Schema* schema) {
  std::unordered_map<std::string, const FieldDecl*> facts;
  for (const FieldDecl& f : schema->facts) facts.emplace(f.name, &f);
  for (const FieldDecl& f : schema->facts) {
    for (std::size_t dot = f.name.find('.'); dot != std::string::npos;
         dot = f.name.find('.', dot + 1)) {
      auto it = facts.find(f.name.substr(0, dot));
      if (it != facts.end()) {
        ctx.Error("schema.name",
                  "fact '" + f.name + "' is inside fact '" + it->first + "' (declared at " +
                      FormatLocation(it->second->location) +
                      "); a name cannot be both a value and a group",
                  f.location);
        break;
      }
    }
  }
  std::unordered_map<std::string, const FieldDecl*> fields;
  for (const FieldDecl& f : schema->decisions) fields.emplace(f.name, &f);
  for (const FieldDecl& f : schema->decisions) {
    for (std::size_t dot = f.name.find('.'); dot != std::string::npos;
         dot = f.name.find('.', dot + 1)) {
      auto it = fields.find(f.name.substr(0, dot));
      if (it != fields.end()) {
        ctx.Error("schema.name",
                  "decision field '" + f.name + "' is inside field '" + it->first +
                      "', which is not an object (declared at " +
                      FormatLocation(it->second->location) + ")",
                  f.location);
        break;
      }
    }
  }
}

}  // namespace

bool IsBareWord(std::string_view text) {
  if (text.empty()) return false;
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return IsIdentChar(c) || c == '-'; });
}

std::optional<ParsedType> ParseTypeName(std::string_view text, const EnumTable& enums,
                                        std::string* error, std::size_t* error_offset) {
  return ParseTypeAt(text, 0, enums, 0, error, error_offset);
}

std::optional<Value> ConstantFromYaml(const YamlNode& node, const ParsedType& type,
                                      std::string_view what, BuildContext& ctx) {
  if (type.type->kind() == Type::Kind::kList) {
    if (!node.IsSequence()) {
      ctx.Error("schema.value",
                std::string(what) + " must be a list (written [a, b]), not " +
                    std::string(KindName(node)),
                node.location);
      return std::nullopt;
    }
    ParsedType elem{type.type->elem(), type.money, false};
    Value::List items;
    bool ok = true;
    for (std::size_t i = 0; i < node.items.size(); ++i) {
      std::optional<Value> v = ConstantFromYaml(
          node.items[i], elem, std::string(what) + " (item " + std::to_string(i + 1) + ")", ctx);
      if (v) {
        items.push_back(std::move(*v));
      } else {
        ok = false;
      }
    }
    if (!ok) return std::nullopt;
    return Value::ListOf(std::move(items));
  }
  if (node.kind == YamlNode::Kind::kNull) {
    ctx.Error("schema.empty", std::string(what) + " must not be empty", node.location);
    return std::nullopt;
  }
  if (!node.IsScalar()) {
    ctx.Error("schema.value",
              std::string(what) + " must be " + Describe(type) + ", not " +
                  std::string(KindName(node)),
              node.location);
    return std::nullopt;
  }
  return ScalarConstant(node, type, what, ctx);
}

// The facts an expression names (`order.total_paid_cents`, an identifier or
// a chain of fields), by slot.
void NamedFacts(const Expr& e, const Schema& schema, std::vector<std::uint32_t>* out, int depth) {
  if (depth > 4096) return;
  std::string name;
  const Expr* cur = &e;
  while (cur->kind == Expr::Kind::kSelect && !cur->args.empty()) {
    name = "." + cur->name + name;
    cur = cur->args[0].get();
  }
  if (cur->kind == Expr::Kind::kIdent) {
    name = cur->name + name;
    // The longest declared prefix: `order.total_paid_cents.x` names the fact too.
    for (std::size_t end = name.size(); end != std::string::npos && end > 0; end = name.rfind('.', end - 1)) {
      auto it = schema.fact_index.find(name.substr(0, end));
      if (it != schema.fact_index.end()) {
        out->push_back(it->second);
        break;
      }
    }
    return;
  }
  for (const ExprPtr& a : e.args) {
    if (a) NamedFacts(*a, schema, out, depth + 1);
  }
}

void BuildSchema(const SchemaSections& sections, BuildContext& ctx, Schema* schema) {
  EnumTable enums;
  std::unordered_map<std::string, SourceLocation> enum_seen;
  for (const YamlNode* section : sections.enums) {
    BuildEnums(*section, ctx, &enums, &enum_seen, schema);
  }
  // Fact and decision names share one namespace per kind; a decision group
  // and a decision field must not share a name either.
  std::unordered_map<std::string, SourceLocation> fact_seen, decision_seen;
  std::vector<PendingCap> caps;
  for (const YamlNode* section : sections.facts) {
    BuildFields(*section, FieldSpec{false, "fact"}, enums, ctx, &fact_seen, schema, &caps);
  }
  for (const YamlNode* section : sections.decisions) {
    BuildFields(*section, FieldSpec{true, "decision field"}, enums, ctx, &decision_seen,
                schema, &caps);
  }
  CheckNamePrefixes(ctx, schema);

  for (const FieldDecl& f : schema->facts) {
    schema->declarations.Add(f.name, f.type, VarRef{kFactSpace, f.slot});
  }
  for (const FieldDecl& f : schema->decisions) {
    schema->declarations.Add("decision." + f.name, f.type, VarRef{kDecisionSpace, f.slot});
  }
  for (const PendingCap& cap : caps) {
    FieldDecl& field = schema->decisions[cap.decision];
    field.at_most = ctx.CompileExpr(*cap.value, schema->declarations, Type::Int(), "the 'at_most' of " + cap.what);
    if (cap.unless) {
      field.at_most_unless =
          ctx.CompileExpr(*cap.unless, schema->declarations, Type::Bool(), "the 'unless' of " + cap.what);
    }
    if (field.at_most) {
      ParseResult parsed = Parse(cap.value->value, 1 << 16);  // it compiled: within the limits
      if (parsed.expr) NamedFacts(*parsed.expr, *schema, &field.at_most_facts, 0);
    }
  }
}

}  // namespace aftersales::internal
