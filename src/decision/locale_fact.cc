#include "decision/locale_fact.h"

namespace aftersales::internal {

std::optional<LocaleFact> LocaleFact::For(const PolicyModel& model) {
  if (!model.locale_fact || *model.locale_fact >= model.schema.facts.size()) return std::nullopt;
  const FieldDecl& decl = model.schema.facts[*model.locale_fact];
  const std::vector<std::string>* words = nullptr;
  if (decl.type->kind() == Type::Kind::kEnum) {
    words = &decl.type->enum_type()->values;
  } else if (decl.type->kind() == Type::Kind::kString) {
    words = &model.locales;
  } else {
    return std::nullopt;  // dyn: a broken declaration, which never loads
  }
  // The fallback locale is itself negotiated: a policy whose enum says
  // zh-Hans where its locales say zh-CN still falls back to a word.
  std::optional<std::size_t> fallback;
  if (model.fallback_locale < model.locales.size()) {
    fallback = LocaleMatcher(*words).Match(model.locales[model.fallback_locale]);
  }
  return LocaleFact(*model.locale_fact, *words, fallback);
}

LocaleFact::LocaleFact(std::uint32_t slot, const std::vector<std::string>& words,
                       std::optional<std::size_t> fallback)
    : slot_(slot), words_(&words), matcher_(words), fallback_(fallback) {}

Value LocaleFact::Read(std::string_view text) const {
  std::optional<std::size_t> i = matcher_.Match(text);
  if (!i) i = fallback_;
  if (!i) return Value();
  return Value::StringRef((*words_)[*i]);
}

}  // namespace aftersales::internal
