# Warning and optimisation flags, applied per target through an interface library (no global flags).
add_library(isoster_flags INTERFACE)
# errno is never read: without it sqrt needs no error branch and loops over it vectorise.
target_compile_options(isoster_flags INTERFACE -fno-math-errno)
target_compile_options(isoster_flags INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wshadow>
  $<$<COMPILE_LANGUAGE:C>:-Wall -Wextra>)
if(ISOSTER_NATIVE)
  target_compile_options(isoster_flags INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-march=native>)
endif()
if(ISOSTER_SANITIZE)
  target_compile_options(isoster_flags INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
    -fno-sanitize-recover=undefined)
  target_link_options(isoster_flags INTERFACE -fsanitize=address,undefined)
endif()
