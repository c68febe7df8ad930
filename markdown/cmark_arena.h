#pragma once

#include <cmark-gfm.h>

#include <cstddef>
#include <memory>
#include <vector>

namespace epicsync::markdown {

// A bump allocator for cmark-gfm, reset after each chunk of the document. cmark allocates one
// small block per node and per buffer; with malloc/free that is half of the parse time, and
// keeping one chunk's tree at a time keeps memory flat however long the file is.
// Not thread-safe: one arena per parsing thread.
class CmarkArena {
 public:
  CmarkArena();
  ~CmarkArena();
  CmarkArena(const CmarkArena&) = delete;
  CmarkArena& operator=(const CmarkArena&) = delete;

  // The allocator to pass to cmark_parser_new_with_mem. Under AddressSanitizer it is the system
  // allocator, so the sanitizer still sees every cmark buffer.
  cmark_mem* mem();
  // Forgets everything allocated since the last reset; slabs are kept, zeroed, for the next
  // chunk. Memory handed out is always zero, as cmark's calloc expects.
  void reset();
  bool owns_memory() const;

 private:
  struct Slab {
    std::unique_ptr<std::byte[]> data;
    size_t size = 0;
    size_t high_water = 0;  // bytes handed out before moving to the next slab
  };
  void* allocate(size_t bytes);
  void* allocate_in_new_slab(size_t need, size_t bytes);
  void* reallocate(void* ptr, size_t bytes);

  static void* c_calloc(size_t count, size_t size);
  static void* c_realloc(void* ptr, size_t size);
  static void c_free(void* ptr);

  std::vector<Slab> slabs_;
  size_t slab_index_ = 0;
  size_t used_ = 0;
  // The current slab's bytes, cached so that the common allocation is a compare and an add.
  std::byte* base_ = nullptr;
  size_t size_ = 0;
  void* last_ = nullptr;
  cmark_mem mem_{};
};

}  // namespace epicsync::markdown
