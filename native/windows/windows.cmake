# Windows only (included by ../CMakeLists.txt): embed the trainer's manifest (UTF-8 paths, long paths) and,
# with MinGW, link the GCC runtime statically so the .exe needs no libstdc++/libgcc/winpthread DLLs beside it.
if (NOT WIN32)
  return()
endif()
set(_manifest ${CMAKE_CURRENT_LIST_DIR}/autodidact-trainer.manifest)
if (MSVC)
  # MSVC's linker merges a .manifest source into the one it writes
  target_sources(autodidact-trainer PRIVATE ${_manifest})
else()
  # 1 = CREATEPROCESS_MANIFEST_RESOURCE_ID, 24 = RT_MANIFEST
  file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/autodidact-trainer.rc "1 24 \"${_manifest}\"\n")
  target_sources(autodidact-trainer PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/autodidact-trainer.rc)
endif()
if (MINGW)
  target_link_options(autodidact-trainer PRIVATE -static)
endif()
