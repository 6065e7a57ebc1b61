# Warning and sanitizer flags, applied to our own targets only.
#
# The sanitizers are AFTERSALES_SANITIZE's; a fuzzing build
# (AFTERSALES_BUILD_FUZZERS, clang only) adds libFuzzer's coverage
# instrumentation with AddressSanitizer and UndefinedBehaviorSanitizer, so
# the library the fuzz targets link is instrumented as they are. The fuzz
# targets themselves link libFuzzer (-fsanitize=fuzzer, tests/fuzz).
set(AFTERSALES_SANITIZERS "${AFTERSALES_SANITIZE}")
if(AFTERSALES_BUILD_FUZZERS)
  if(AFTERSALES_SANITIZERS)
    string(APPEND AFTERSALES_SANITIZERS ",")
  endif()
  string(APPEND AFTERSALES_SANITIZERS "fuzzer-no-link,address,undefined")
endif()

function(aftersales_target_options target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-unused-parameter)
  if(AFTERSALES_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(AFTERSALES_SANITIZERS)
    target_compile_options(${target} PRIVATE -fsanitize=${AFTERSALES_SANITIZERS} -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_link_options(${target} PRIVATE -fsanitize=${AFTERSALES_SANITIZERS})
  endif()
endfunction()
