# The backup store, the write-ahead journal and the per-epic lock (src/backup/).
# Included from src/CMakeLists.txt; consumers write #include "backup/backup_store.h".
find_package(OpenSSL REQUIRED)
find_package(ZLIB REQUIRED)

set(_backup_dir ${CMAKE_CURRENT_LIST_DIR})
add_library(epicsync_backup STATIC
  ${_backup_dir}/atomic_file.cpp
  ${_backup_dir}/backup_id.cpp
  ${_backup_dir}/backup_retention.cpp
  ${_backup_dir}/backup_transfer.cpp
  ${_backup_dir}/backup_store.cpp
  ${_backup_dir}/backup_verify.cpp
  ${_backup_dir}/epic_lock.cpp
  ${_backup_dir}/file_io.cpp
  ${_backup_dir}/interrupted_run.cpp
  ${_backup_dir}/journal.cpp
  ${_backup_dir}/journal_record.cpp
  ${_backup_dir}/manifest.cpp
  ${_backup_dir}/sha256.cpp
  ${_backup_dir}/snapshot_json.cpp
  ${_backup_dir}/store_dir.cpp
)
get_filename_component(_backup_src ${_backup_dir} DIRECTORY)
epicsync_layer(epicsync_backup ${_backup_dir})
target_link_libraries(epicsync_backup
  PUBLIC epicsync_base nlohmann_json::nlohmann_json
  PRIVATE OpenSSL::Crypto ZLIB::ZLIB)
