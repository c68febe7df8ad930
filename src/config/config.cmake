# Configuration loading: flags, environment, .env and YAML config file (docs/configuration.md).
# Included from src/CMakeLists.txt; paths are relative to this file so any includer works.
# yaml-cpp is Debian's libyaml-cpp-dev (target `yaml-cpp`); found here unless the includer has.
if(NOT TARGET yaml-cpp)
  find_package(yaml-cpp REQUIRED)
endif()
cmake_path(GET CMAKE_CURRENT_LIST_DIR PARENT_PATH _epicsync_config_src)
add_library(epicsync_config STATIC
  ${CMAKE_CURRENT_LIST_DIR}/config.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dotenv.cpp
  ${CMAKE_CURRENT_LIST_DIR}/environment.cpp
  ${CMAKE_CURRENT_LIST_DIR}/load_config.cpp
  ${CMAKE_CURRENT_LIST_DIR}/paths.cpp
  ${CMAKE_CURRENT_LIST_DIR}/yaml_settings.cpp
)
epicsync_layer(epicsync_config ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(epicsync_config PUBLIC epicsync_base PRIVATE yaml-cpp)
unset(_epicsync_config_src)
