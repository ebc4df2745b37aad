# Checks every `#include "daemon/..."` against the layers of daemon/layers.txt.
#   cmake -DLAYERS_FILE=<layers.txt> -DDAEMON_DIR=<daemon/> [-DCOMMON_DIR=<common/>]
#         [-DSTAMP=<file>] -P check_layers.cmake
# Fails (exit code 1) listing each violation: an include that points to a higher layer ("upward"),
# to another folder of the same layer without an `edge` line ("sideways"), from common/ into
# daemon/ ("common"), or a file in a folder the table does not list ("unlisted"). Writes STAMP
# when the tree is clean, so the build reruns the check only when a daemon file changes.
cmake_minimum_required(VERSION 3.25)
include("${CMAKE_CURRENT_LIST_DIR}/layers.cmake")
leancache_read_layers("${LAYERS_FILE}")

set(violations "")
set(include_regex "^[ \t]*#[ \t]*include[ \t]*\"daemon/[^\"]*\"")

file(GLOB_RECURSE files RELATIVE "${DAEMON_DIR}" "${DAEMON_DIR}/*.h" "${DAEMON_DIR}/*.hpp"
     "${DAEMON_DIR}/*.cpp" "${DAEMON_DIR}/*.cc")
list(SORT files)
foreach(rel IN LISTS files)
  string(REGEX MATCH "^[^/]+" from "${rel}")
  if(NOT DEFINED LEANCACHE_LAYER_OF_${from})
    list(APPEND violations "unlisted: daemon/${rel} is in daemon/${from}, which no layer of ${LAYERS_FILE} lists")
    continue()
  endif()
  file(STRINGS "${DAEMON_DIR}/${rel}" includes REGEX "${include_regex}")
  foreach(line IN LISTS includes)
    string(REGEX MATCH "\"daemon/[^\"]*\"" target "${line}")
    string(REGEX REPLACE "^\"daemon/([^/\"]+).*" "\\1" to "${target}")
    if(to STREQUAL from)
      continue()
    endif()
    if(NOT DEFINED LEANCACHE_LAYER_OF_${to})
      list(APPEND violations "unlisted: daemon/${rel} includes ${target}, in no layer")
    elseif(LEANCACHE_LAYER_OF_${to} GREATER LEANCACHE_LAYER_OF_${from})
      list(APPEND violations "upward include: daemon/${rel} -> ${target} (${from} may not use ${to})")
    elseif(LEANCACHE_LAYER_OF_${to} EQUAL LEANCACHE_LAYER_OF_${from}
           AND NOT "${from}>${to}" IN_LIST LEANCACHE_LAYER_EDGES)
      list(APPEND violations "sideways include: daemon/${rel} -> ${target} (no `edge ${from} ${to}` in ${LAYERS_FILE})")
    endif()
  endforeach()
endforeach()

if(COMMON_DIR)
  file(GLOB_RECURSE common_files "${COMMON_DIR}/*.h" "${COMMON_DIR}/*.cpp")
  foreach(path IN LISTS common_files)
    file(STRINGS "${path}" includes REGEX "${include_regex}")
    if(includes)
      list(APPEND violations "common: ${path} includes daemon/ (common/ stays below the daemon)")
    endif()
  endforeach()
endif()

if(violations)
  list(LENGTH violations count)
  foreach(v IN LISTS violations)
    message("${v}")
  endforeach()
  message(FATAL_ERROR "daemon layering: ${count} violation(s); see daemon/layers.txt")
endif()
list(LENGTH files checked)
message(STATUS "daemon layering: ${checked} files follow ${LAYERS_FILE}")
if(STAMP)
  file(TOUCH "${STAMP}")
endif()
