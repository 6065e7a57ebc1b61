# Finds every dependency from Debian's packages; nothing is downloaded.
# Debian 12 differences are hidden here: RE2 ships only re2.pc, cctz ships
# no CMake or pkg-config file at all, yaml-cpp 0.7 exports a plain target.
find_package(PkgConfig REQUIRED)

if(NOT TARGET yaml-cpp)
  find_package(yaml-cpp REQUIRED)
endif()
if(NOT TARGET fmt::fmt)
  find_package(fmt REQUIRED)
endif()
if(NOT TARGET nlohmann_json::nlohmann_json)
  find_package(nlohmann_json 3.10 REQUIRED)
endif()
if(NOT TARGET simdjson::simdjson)
  find_package(simdjson REQUIRED)
endif()
find_package(OpenSSL REQUIRED COMPONENTS Crypto)

# RE2 and cctz ship no CMake package on Debian 12: wrap them in INTERFACE
# targets (exported with ours, so the installed static library links).
if(NOT TARGET aftersales_dep_re2)
  pkg_check_modules(AFTERSALES_RE2 REQUIRED re2)
  find_library(AFTERSALES_RE2_LIBRARY re2 HINTS ${AFTERSALES_RE2_LIBRARY_DIRS} REQUIRED)
  add_library(aftersales_dep_re2 INTERFACE)
  target_link_libraries(aftersales_dep_re2 INTERFACE ${AFTERSALES_RE2_LIBRARY})
  target_compile_options(aftersales_dep_re2 INTERFACE $<BUILD_INTERFACE:${AFTERSALES_RE2_CFLAGS_OTHER}>)
endif()

if(NOT TARGET aftersales_dep_cctz)
  find_path(AFTERSALES_CCTZ_INCLUDE cctz/time_zone.h REQUIRED)
  find_library(AFTERSALES_CCTZ_LIBRARY cctz REQUIRED)
  add_library(aftersales_dep_cctz INTERFACE)
  target_include_directories(aftersales_dep_cctz INTERFACE $<BUILD_INTERFACE:${AFTERSALES_CCTZ_INCLUDE}>)
  target_link_libraries(aftersales_dep_cctz INTERFACE ${AFTERSALES_CCTZ_LIBRARY})
endif()

if(AFTERSALES_BUILD_CLI AND NOT TARGET CLI11::CLI11)
  find_package(CLI11 REQUIRED)
endif()
if(AFTERSALES_BUILD_TESTS)
  find_package(Boost 1.74 REQUIRED COMPONENTS unit_test_framework)
endif()
if(AFTERSALES_BUILD_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()
