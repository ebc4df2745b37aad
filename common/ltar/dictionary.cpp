// Embeds common/ltar/data/leangz-v1.dict with the assembler's .incbin. The build passes the
// absolute path as the string literal LEANCACHE_DICT_PATH (see common/CMakeLists.txt).
#include "common/ltar/dictionary.h"

#ifndef LEANCACHE_DICT_PATH
#error "LEANCACHE_DICT_PATH must be defined to the path of common/ltar/data/leangz-v1.dict"
#endif

__asm__(
    ".pushsection .rodata.leancache_ltar_dict,\"a\",@progbits\n"
    ".balign 16\n"
    ".globl leancache_ltar_dict_begin\n"
    ".hidden leancache_ltar_dict_begin\n"
    "leancache_ltar_dict_begin:\n"
    ".incbin \"" LEANCACHE_DICT_PATH "\"\n"
    ".globl leancache_ltar_dict_end\n"
    ".hidden leancache_ltar_dict_end\n"
    "leancache_ltar_dict_end:\n"
    ".popsection\n");

extern "C" const char leancache_ltar_dict_begin[];
extern "C" const char leancache_ltar_dict_end[];

namespace leancache::ltar {

std::string_view LeangzDictionary() {
  return std::string_view(leancache_ltar_dict_begin,
                          static_cast<size_t>(leancache_ltar_dict_end - leancache_ltar_dict_begin));
}

}  // namespace leancache::ltar
