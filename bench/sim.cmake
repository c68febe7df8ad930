# jira-sim's throughput under parallel clients. Included from bench/CMakeLists.txt with
# include(${CMAKE_CURRENT_LIST_DIR}/sim.cmake).
add_executable(bench_sim_throughput ${CMAKE_CURRENT_LIST_DIR}/sim_throughput.cpp)
target_link_libraries(bench_sim_throughput PRIVATE
  PkgConfig::HTTPLIB nlohmann_json::nlohmann_json CLI11::CLI11 Threads::Threads)
target_compile_definitions(bench_sim_throughput PRIVATE JIRA_SIM_PATH="$<TARGET_FILE:jira-sim>")
add_dependencies(bench_sim_throughput jira-sim)
