# epicsync --execute against jira-sim (needs the simulator and the test fixture).
if(TARGET epicsync_sim_fixture AND TARGET epicsync_sync AND TARGET epicsync_jira)
  add_executable(bench_sync ${CMAKE_CURRENT_LIST_DIR}/sync_bench.cpp)
  target_link_libraries(bench_sync PRIVATE epicsync_markdown epicsync_epic_generator
                                           epicsync_sim_fixture epicsync_test_support)
  add_dependencies(bench_sync jira-sim epicsync)
  target_compile_definitions(bench_sync PRIVATE EPICSYNC_PATH="$<TARGET_FILE:epicsync>")
endif()
