# The rules of the house (docs/development.md, "Layers"), enforced by the compiler: each library
# target gets an include root of its own in the build tree holding only links to its own
# headers. A target sees its own root and the roots of what it links, nothing else, so a header
# of a layer it may not use (the model including an adapter, the planner including the backup
# store, jira-sim including product code) is not found and the build fails. Source files write
# includes as before ("plan/plan.h", "error.h"); only the search path changes.

# epicsync_layer(target ENTRY...): ENTRY is a folder or header of the source tree, linked into
# the target's root under its own name.
function(epicsync_layer target)
  set(root ${CMAKE_BINARY_DIR}/layers/${target})
  file(MAKE_DIRECTORY ${root})
  foreach(entry IN LISTS ARGN)
    get_filename_component(name ${entry} NAME)
    file(CREATE_LINK ${entry} ${root}/${name} SYMBOLIC)
  endforeach()
  target_include_directories(${target} PUBLIC ${root})
endfunction()
