#include "policy/header_builder.h"

#include <algorithm>
#include <optional>
#include <string>

#include "common/locale_match.h"
#include "common/time.h"

namespace aftersales::internal {

namespace {

// BCP 47-ish: a 2-3 letter language, then subtags of 2-8 letters/digits.
bool IsLocaleTag(std::string_view tag) {
  std::size_t start = 0;
  bool first = true;
  while (true) {
    std::size_t dash = tag.find('-', start);
    std::string_view part = tag.substr(start, dash == std::string_view::npos ? dash : dash - start);
    std::size_t min = first ? 2 : 2, max = first ? 3 : 8;
    if (part.size() < min || part.size() > max) return false;
    for (char c : part) {
      bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      bool digit = c >= '0' && c <= '9';
      if (!letter && !(digit && !first)) return false;
    }
    if (dash == std::string_view::npos) return true;
    start = dash + 1;
    first = false;
  }
}

std::optional<std::size_t> LocaleSetting(const YamlNode& section, std::string_view key,
                                         const PolicyModel& model, BuildContext& ctx) {
  const YamlNode* node = section.Find(key);
  if (node == nullptr) return std::nullopt;
  const std::string* value = ctx.ExpectScalar(*node, "'" + std::string(key) + "'");
  if (value == nullptr) return std::nullopt;
  auto it = std::find(model.locales.begin(), model.locales.end(), *value);
  if (it == model.locales.end()) {
    std::string list;
    for (const std::string& l : model.locales) list += (list.empty() ? "" : ", ") + l;
    ctx.Error("policy.locale",
              "'" + std::string(key) + "' is '" + Quote(*value) +
                  "', which is not one of the policy's locales (" + list + ")" +
                  SuggestionSuffix(*value, model.locales),
              node->location);
    return std::nullopt;
  }
  return static_cast<std::size_t>(it - model.locales.begin());
}

// case_id_fact & co: an explicit setting must name a declared string or
// enum fact; the default name is used only when it is declared.
std::optional<std::uint32_t> FactSetting(const YamlNode& section, std::string_view key,
                                         const std::string& default_name,
                                         const PolicyModel& model, BuildContext& ctx) {
  const Schema& schema = model.schema;
  const YamlNode* node = section.Find(key);
  std::string name = default_name;
  if (node != nullptr) {
    const std::string* value = ctx.ExpectScalar(*node, "'" + std::string(key) + "'");
    if (value == nullptr) return std::nullopt;
    name = *value;
  }
  auto it = schema.fact_index.find(name);
  if (it == schema.fact_index.end()) {
    if (node != nullptr) {
      std::vector<std::string> names;
      for (const FieldDecl& f : schema.facts) names.push_back(f.name);
      ctx.Error("policy.undeclared_fact",
                "'" + std::string(key) + "' names '" + Quote(name) +
                    "', which is not a declared fact" + SuggestionSuffix(name, names),
                node->location);
    }
    return std::nullopt;
  }
  const FieldDecl& fact = schema.facts[it->second];
  Type::Kind kind = fact.type->kind();
  if (kind != Type::Kind::kString && kind != Type::Kind::kEnum && kind != Type::Kind::kDyn) {
    ctx.Error("schema.type",
              "'" + std::string(key) + "' must name a string or enum fact, but '" + name +
                  "' is " + fact.type->ToString(),
              node != nullptr ? SourceLocation(node->location) : fact.location);
    return std::nullopt;
  }
  return it->second;
}

// A case's locale that matches no word of an enum locale fact falls back
// to the word the fallback locale matches (decision/locale_fact.h); when
// it matches none either, the fact is left absent, which is likely a slip.
void LocaleFallbackCheck(const YamlNode& section, BuildContext& ctx, const PolicyModel& model) {
  if (!model.locale_fact || model.fallback_locale >= model.locales.size()) return;
  const FieldDecl& fact = model.schema.facts[*model.locale_fact];
  if (fact.type->kind() != Type::Kind::kEnum) return;
  const std::string& fallback = model.locales[model.fallback_locale];
  if (LocaleMatcher(fact.type->enum_type()->values).Match(fallback)) return;
  const YamlNode* at = section.Find("fallback_locale");
  if (at == nullptr) at = section.Find("default_locale");
  if (at == nullptr) at = section.Find("locales");
  ctx.Warning("policy.locale",
              "the fallback locale " + fallback + " is none of the words of " + fact.type->enum_type()->name +
                  ", the type of " + fact.name + ": a case whose locale the policy does not know will have no " +
                  fact.name,
              at != nullptr ? at->location : section.location);
}

// `platforms: {fact: case.platform, overlays: {jd: platforms/jd, ...}}`:
// checked here, read (from disk, memory or git) by the loader.
void BuildPlatforms(const YamlNode& key, const YamlNode& node, PlatformsUse use, BuildContext& ctx,
                    PolicyModel* model) {
  if (use == PlatformsUse::kOverlay) {
    ctx.Error("policy.platforms",
              "this policy is loaded as a platform overlay of another policy, and an overlay cannot have "
              "platform overlays of its own",
              key.location);
    return;
  }
  const std::string what = "'platforms'";
  if (!ctx.ExpectMap(node, what)) return;
  ctx.CheckKeys(node, {"fact", "overlays"}, what);
  const Schema& schema = model->schema;
  PlatformsDecl decl;
  decl.location = key.location;
  bool fact_ok = true;
  std::string fact_name = "case.platform";
  const YamlNode* fact_node = node.Find("fact");
  if (fact_node != nullptr) {
    const std::string* v = ctx.ExpectScalar(*fact_node, "'platforms.fact'");
    if (v == nullptr) return;
    fact_name = *v;
  }
  auto it = schema.fact_index.find(fact_name);
  if (it == schema.fact_index.end()) {
    std::vector<std::string> names;
    for (const FieldDecl& f : schema.facts) names.push_back(f.name);
    ctx.Error("policy.undeclared_fact",
              fact_node != nullptr
                  ? "'platforms.fact' names '" + Quote(fact_name) + "', which is not a declared fact" +
                        SuggestionSuffix(fact_name, names)
                  : std::string("'platforms' needs 'fact', the enum fact that names a case's platform "
                                "(case.platform, the default, is not declared)"),
              fact_node != nullptr ? fact_node->location : key.location);
    fact_ok = false;
  } else if (schema.facts[it->second].type->kind() != Type::Kind::kEnum) {
    ctx.Error("schema.type",
              "'platforms.fact' must name an enum fact (its words choose the overlays), but '" + fact_name +
                  "' is " + schema.facts[it->second].type->ToString(),
              fact_node != nullptr ? fact_node->location : key.location);
    fact_ok = false;
  } else {
    decl.fact_slot = it->second;
    decl.platforms = schema.facts[it->second].type->enum_type();
  }
  const YamlNode* overlays = ctx.Require(node, "overlays", what);
  if (overlays == nullptr || !ctx.ExpectMap(*overlays, "'platforms.overlays'")) return;
  for (const auto& [word_node, path_node] : overlays->entries) {
    const std::string* word = ctx.ExpectScalar(word_node, "a platform");
    if (word == nullptr) continue;
    if (decl.platforms && decl.platforms->IndexOf(*word) < 0) {
      std::string list;
      for (const std::string& w : decl.platforms->values) list += (list.empty() ? "" : ", ") + w;
      ctx.Error("policy.platforms",
                "'" + Quote(*word) + "' is not a value of " + decl.platforms->name + ", the type of " + fact_name +
                    " (expected one of: " + list + ")" + SuggestionSuffix(*word, decl.platforms->values),
                word_node.location);
      continue;
    }
    const std::string* path = ctx.ExpectScalar(path_node, "the overlay of platform '" + *word + "'");
    if (path == nullptr) continue;
    // As written: the loader resolves it against the folder of the file
    // that names it (path_node.location.file), as it does `extends`.
    decl.overlays.push_back(PlatformEntry{*word, *path, path_node.location});
  }
  if (fact_ok) model->platforms = std::move(decl);
}

}  // namespace

const std::vector<std::string>& DefaultLocales() {
  static const std::vector<std::string> kLocales = {"zh-CN", "zh-TW", "en"};
  return kLocales;
}

void BuildHeader(const YamlNode& section, BuildContext& ctx, PolicyModel* model, PlatformsUse platforms) {
  const std::string what = "the 'policy' section";
  model->locales = DefaultLocales();
  if (!ctx.ExpectMap(section, what)) return;
  ctx.CheckKeys(section,
                {"name", "version", "extends", "description", "locales", "default_locale",
                 "fallback_locale", "default_timezone", "case_id_fact", "locale_fact",
                 "timezone_fact", "platforms"},
                what);
  if (const YamlNode* name = ctx.Require(section, "name", what)) {
    if (const std::string* v = ctx.ExpectScalar(*name, "the policy's 'name'")) model->name = *v;
  }
  if (const YamlNode* version = ctx.Require(section, "version", what)) {
    if (const std::string* v = ctx.ExpectScalar(*version, "the policy's 'version'")) {
      model->version = *v;
    }
  }
  if (const YamlNode* e = section.Find("extends")) {
    // Resolved by the loader; here only its shape is checked.
    ctx.ExpectScalar(*e, "the policy's 'extends'");
  }
  if (const YamlNode* d = section.Find("description")) {
    if (d->IsScalar()) {
      model->description = d->value;
    } else if (d->kind != YamlNode::Kind::kNull) {
      ctx.Error("schema.kind", "the policy's 'description' must be text", d->location);
    }
  }

  if (const YamlNode* locales = section.Find("locales")) {
    if (ctx.ExpectSequence(*locales, "'locales'")) {
      std::vector<std::string> list;
      for (const YamlNode& item : locales->items) {
        const std::string* tag = ctx.ExpectScalar(item, "a locale");
        if (tag == nullptr) continue;
        if (!IsLocaleTag(*tag)) {
          ctx.Error("policy.locale",
                    "'" + Quote(*tag) + "' is not a locale tag such as zh-CN or en",
                    item.location);
          continue;
        }
        if (std::find(list.begin(), list.end(), *tag) != list.end()) {
          ctx.Error("schema.duplicate", "locale '" + *tag + "' is listed twice", item.location);
          continue;
        }
        list.push_back(*tag);
      }
      if (locales->items.empty()) {
        ctx.Error("policy.locale", "'locales' must name at least one locale", locales->location);
      }
      if (!list.empty()) model->locales = std::move(list);
    }
  }
  model->default_locale = 0;
  if (std::optional<std::size_t> i = LocaleSetting(section, "default_locale", *model, ctx)) {
    model->default_locale = *i;
  }
  model->fallback_locale = model->default_locale;
  if (std::optional<std::size_t> i = LocaleSetting(section, "fallback_locale", *model, ctx)) {
    model->fallback_locale = *i;
  }

  if (const YamlNode* tz = section.Find("default_timezone")) {
    if (const std::string* zone = ctx.ExpectScalar(*tz, "'default_timezone'")) {
      if (FindTimeZone(*zone) == nullptr) {
        ctx.Error("policy.timezone",
                  "unknown time zone '" + Quote(*zone) +
                      "' (an IANA name such as Asia/Shanghai, or an offset such as +08:00)",
                  tz->location);
      } else {
        model->default_timezone = *zone;
      }
    }
  }
  model->case_id_fact = FactSetting(section, "case_id_fact", "case.id", *model, ctx);
  model->locale_fact = FactSetting(section, "locale_fact", "case.locale", *model, ctx);
  model->timezone_fact = FactSetting(section, "timezone_fact", "case.timezone", *model, ctx);
  if (model->timezone_fact) model->schema.facts[*model->timezone_fact].zone_name = true;
  LocaleFallbackCheck(section, ctx, *model);
  for (const auto& [key, value] : section.entries) {
    if (key.IsScalar() && key.value == "platforms") BuildPlatforms(key, value, platforms, ctx, model);
  }
}

}  // namespace aftersales::internal
