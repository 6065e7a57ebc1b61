# cmake -DINPUT=file -DOUTPUT=file.cc -P EmbedFile.cmake
# Writes the input file's bytes as a C++ string for aftersales::internal.
file(READ ${INPUT} content HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${content}")
file(WRITE ${OUTPUT}
  "// Generated from rules/schema.yaml by EmbedFile.cmake. Do not edit.\n"
  "#include <string_view>\n"
  "namespace aftersales::internal {\n"
  "static const char kDefaultSchemaBytes[] = {${bytes} '\\0'};\n"
  "std::string_view DefaultSchemaYaml() { return {kDefaultSchemaBytes, sizeof(kDefaultSchemaBytes) - 1}; }\n"
  "}  // namespace aftersales::internal\n")
