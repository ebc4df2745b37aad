# leancache_link_static_grpc(TARGET): links TARGET against leancache_proto's archive and the
# static (.a) archives Debian ships for gRPC (unsecure), protobuf, absl, upb, c-ares, re2 and
# zlib, instead of the shared libraries leancache_proto would bring in. The archives are not
# position-independent, so TARGET is linked as a non-PIE executable.
function(leancache_link_static_grpc target)
  set(archives)
  foreach(name grpc++_unsecure grpc_unsecure upb gpr address_sorting cares re2 protobuf z)
    find_library(LEANCACHE_STATIC_${name} NAMES lib${name}.a)
    if(NOT LEANCACHE_STATIC_${name})
      message(FATAL_ERROR "lib${name}.a not found (install the -dev package) or configure with "
                          "-DLEANCACHE_STATIC_CLIENT=OFF")
    endif()
    list(APPEND archives ${LEANCACHE_STATIC_${name}})
  endforeach()
  get_filename_component(libdir ${LEANCACHE_STATIC_protobuf} DIRECTORY)
  file(GLOB absl_archives ${libdir}/libabsl_*.a)
  add_dependencies(${target} leancache_proto)
  target_include_directories(${target} PRIVATE
    $<TARGET_PROPERTY:leancache_proto,INTERFACE_INCLUDE_DIRECTORIES>
    $<TARGET_PROPERTY:gRPC::grpc++,INTERFACE_INCLUDE_DIRECTORIES>)
  set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE OFF)
  target_link_options(${target} PRIVATE -no-pie -static-libstdc++ -static-libgcc)
  target_link_libraries(${target} PRIVATE $<TARGET_FILE:leancache_proto>
    -Wl,--start-group ${archives} ${absl_archives} -Wl,--end-group Threads::Threads ${CMAKE_DL_LIBS} rt m)
endfunction()
