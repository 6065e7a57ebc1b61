// Builtins, collections (src/expr/builtins/collections.cc): size() of
// strings, lists and maps; `in` a list or a map; indexing lists and maps.
// Types, run-time errors, the enum words of literal operands, and charges.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "builtin_env.h"

namespace aftersales::internal::testing {

BOOST_AUTO_TEST_SUITE(builtins_collections)

BOOST_AUTO_TEST_CASE(size_types_and_values) {
  BuiltinEnv env;
  CheckTypes(env, {
      {"size(t_string)", "int"},
      {"t_string.size()", "int"},
      {"t_enum.size()", "int"},
      {"size(t_ints)", "int"},
      {"t_counts.size()", "int"},
      {"size(d0)", "int"},
      {"size(t_int)", "expr.type@0: no matching overload for 'size' applied to (int)"},
      {"t_ts.size()", "expr.type@5: no matching overload for 'size' applied to (timestamp)"},
      {"size()", "expr.type@0: no matching overload for 'size' applied to ()"},
      {"size(t_string, t_string)", "expr.type@0: no matching overload for 'size' applied to (string, string)"},
  });
  CheckValues(env, {
      {"size('')", "0"},
      {"size('héllo')", "5"},
      {"'电热水壶'.size()", "4"},
      {"size([1, 2, 3])", "3"},
      {"{'a': 1, 'b': 2}.size()", "2"},
      {"size({})", "0"},
  });
  env.Set(Value::Bool(true));
  BOOST_TEST(env.Eval("size(d0)") == "error: no matching overload for 'size' applied to (bool)");
  BOOST_TEST(env.Eval("d0.size()") == "error: no matching overload for 'size' applied to (bool)");
}

BOOST_AUTO_TEST_CASE(size_of_a_string_is_charged_for_its_bytes) {
  BuiltinEnv env;
  // The call's step and its operand's, and a step per 64 bytes read.
  env.Set(Value::String(std::string(640, 'a')));
  BOOST_TEST(env.Steps("size(d0)") == 2 + 10);
  BOOST_TEST(env.Steps("d0.size()") == 2 + 10);
  env.Set(Value::String(std::string(63, 'a')));
  BOOST_TEST(env.Steps("size(d0)") == 2);
  // A list's or a map's size is not counted: it is known.
  env.Set(Value::ListOf(std::vector<Value>(6400, Value::Int(1))));
  BOOST_TEST(env.Steps("size(d0)") == 2);
  // Nor is a call that fails.
  env.Set(Value::Int(1));
  BOOST_TEST(env.Steps("size(d0)") == 2);
}

BOOST_AUTO_TEST_CASE(in_types) {
  BuiltinEnv env;
  CheckTypes(env, {
      {"t_int in t_ints", "bool"},
      {"1.5 in t_ints", "bool"},
      {"t_enum in ['tmall', 'jd']", "bool"},
      {"'a' in t_counts", "bool"},
      {"d0 in t_ints", "bool"},
      {"t_ts in d0", "bool"},
      {"'a' in t_ints", "expr.type@4: no matching overload for 'in' applied to (string, list(int))"},
      {"1 in t_counts", "expr.type@2: no matching overload for 'in' applied to (int, map(string, int))"},
      {"t_enum in t_evidences", "expr.type@7: no matching overload for 'in' applied to (platform, list(evidence))"},
      {"1 in t_string", "expr.type@2: no matching overload for 'in' applied to (int, string)"},
  });
  BOOST_TEST(env.Issue("t_enum in ['tmall', 'jdd']") ==
             "expr.enum@20: 'jdd' is not a value of enum 'platform' (did you mean 'jd'?)");
  BOOST_TEST(env.Issue("'videos' in t_evidences") ==
             "expr.enum@0: 'videos' is not a value of enum 'evidence' (did you mean 'video'?)");
}

BOOST_AUTO_TEST_CASE(in_values) {
  BuiltinEnv env;
  env.Set(Value::Int(2), Value::MapOf({{Value::String("k"), Value::Int(1)}, {Value::Int(3), Value::Int(4)}}));
  CheckValues(env, {
      {"d0 in [1, 2]", "true"},
      {"d0 in [1u, 2u]", "true"},
      {"d0 in [2.0]", "true"},
      {"d0 in []", "false"},
      {"d0 in [d0, 5]", "true"},
      {"d0 in [[2]]", "false"},
      {"'k' in d1", "true"},
      {"3u in d1", "true"},
      {"d0 in d1", "false"},
  });
  env.Set(Value::Int(2), Value::String("a2"));
  BOOST_TEST(env.Eval("d0 in d1") == "error: no matching overload for 'in' applied to (int, string)");
}

BOOST_AUTO_TEST_CASE(in_is_charged_for_what_it_looks_through) {
  BuiltinEnv env;
  std::vector<Value> items(800, Value::Int(1));
  env.Set(Value::Int(2), Value::ListOf(items));
  // The call, its two operands, and a step per 8 values compared.
  BOOST_TEST(env.Steps("d0 in d1") == 3 + 800 / 8);
  items[7] = Value::Int(2);
  env.Set(Value::Int(2), Value::ListOf(items));
  BOOST_TEST(env.Steps("d0 in d1") == 3 + 1);
  BOOST_TEST(env.Run("d0 in d1", 4).first == "true");
  items[7] = Value::Int(1);
  env.Set(Value::Int(2), Value::ListOf(items));
  BOOST_TEST(env.Run("d0 in d1", 50).first == "error: evaluation step budget exhausted");
  // A map: a step per 8 keys.
  Value::Map m;
  for (int i = 0; i < 160; ++i) m.emplace_back(Value::Int(i), Value::Int(i));
  env.Set(Value::Int(-1), Value::MapOf(m));
  BOOST_TEST(env.Steps("d0 in d1") == 3 + 160 / 8);
  // Against a list of literals, `in` holds the list: no call, no charge.
  BOOST_TEST(env.Steps("d0 in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]") == 2);
}

BOOST_AUTO_TEST_CASE(index_types) {
  BuiltinEnv env;
  CheckTypes(env, {
      {"t_ints[0]", "int"},
      {"t_ints[1u]", "int"},
      {"t_evidences[d0]", "evidence"},
      {"t_counts['a']", "int"},
      {"t_counts[t_enum]", "int"},
      {"t_names[1]", "string"},
      {"d0[1]", "dyn"},
      {"d0['a']", "dyn"},
      {"t_ints['a']", "expr.type@6: no matching overload for '[]' applied to (list(int), string)"},
      {"t_ints[1.0]", "expr.type@6: no matching overload for '[]' applied to (list(int), double)"},
      {"t_counts[1]", "expr.type@8: no matching overload for '[]' applied to (map(string, int), int)"},
      {"t_string[0]", "expr.type@8: no matching overload for '[]' applied to (string, int)"},
  });
}

BOOST_AUTO_TEST_CASE(index_values_and_errors) {
  BuiltinEnv env;
  env.Set(Value::ListOf({Value::String("a"), Value::String("b")}),
          Value::MapOf({{Value::String("k"), Value::Int(1)}, {Value::Int(2), Value::String("two")}}));
  CheckValues(env, {
      {"d0[1]", "\"b\""},
      {"d0[0u]", "\"a\""},
      {"d0[1.0]", "\"b\""},
      {"d0[2]", "error: index out of range: 2"},
      {"d0[-1]", "error: index out of range: -1"},
      {"d0[18446744073709551615u]", "error: index out of range"},
      {"d0[0.5]", "error: invalid list index: 0.5"},
      {"d0['a']", "error: no matching overload for '[]' applied to (list, string)"},
      {"d1['k']", "1"},
      {"d1[2u]", "\"two\""},
      {"d1[2.0]", "\"two\""},
      {"d1['nope']", "error: no such key: \"nope\""},
      {"d1[[1]]", "error: unsupported map key type: list"},
      {"d1[null]", "error: unsupported map key type: null_type"},
  });
  env.Set(Value::String("ab"), Value::Int(0));
  BOOST_TEST(env.Eval("d0[d1]") == "error: no matching overload for '[]' applied to (string, int)");
}

BOOST_AUTO_TEST_CASE(a_map_lookup_is_charged_for_its_keys) {
  BuiltinEnv env;
  Value::Map m;
  for (int i = 0; i < 80; ++i) m.emplace_back(Value::Int(i), Value::Int(i));
  env.Set(Value::MapOf(m), Value::ListOf(std::vector<Value>(800, Value::Int(1))));
  BOOST_TEST(env.Steps("d0[5]") == 3 + 80 / 8);
  // A list's item is reached directly.
  BOOST_TEST(env.Steps("d1[799]") == 3);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aftersales::internal::testing
