#include "cmark_arena.h"

#include <cstdlib>
#include <cstring>
#include <new>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define EPICSYNC_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define EPICSYNC_ASAN 1
#endif

namespace epicsync::markdown {
namespace {

constexpr size_t kSlabSize = 1 << 20;
constexpr size_t kAlign = alignof(std::max_align_t);

// Each allocation is preceded by its size so that realloc can copy the right amount.
struct alignas(kAlign) Header {
  size_t size;
};

// cmark's allocator hooks carry no context pointer, so the arena in use is per thread.
thread_local CmarkArena* current_arena = nullptr;

size_t round_up(size_t n) {
  return (n + kAlign - 1) & ~(kAlign - 1);
}

}  // namespace

CmarkArena::CmarkArena() {
  mem_.calloc = &CmarkArena::c_calloc;
  mem_.realloc = &CmarkArena::c_realloc;
  mem_.free = &CmarkArena::c_free;
}

CmarkArena::~CmarkArena() {
  if (current_arena == this) current_arena = nullptr;
}

bool CmarkArena::owns_memory() const {
#ifdef EPICSYNC_ASAN
  return false;
#else
  return true;
#endif
}

cmark_mem* CmarkArena::mem() {
  if (!owns_memory()) return cmark_get_default_mem_allocator();
  current_arena = this;
  return &mem_;
}

void CmarkArena::reset() {
  // cmark wants zeroed memory (it asks for calloc); zeroing what was used in one pass per slab
  // is much cheaper than a memset per allocation.
  for (size_t i = 0; i < slabs_.size() && i <= slab_index_; ++i) {
    std::memset(slabs_[i].data.get(), 0, i == slab_index_ ? used_ : slabs_[i].high_water);
  }
  for (auto& slab : slabs_) slab.high_water = 0;
  slab_index_ = 0;
  used_ = 0;
  base_ = slabs_.empty() ? nullptr : slabs_[0].data.get();
  size_ = slabs_.empty() ? 0 : slabs_[0].size;
  last_ = nullptr;
}

void* CmarkArena::allocate(size_t bytes) {
  const size_t need = sizeof(Header) + round_up(bytes);
  if (used_ + need > size_) return allocate_in_new_slab(need, bytes);
  auto* header = reinterpret_cast<Header*>(base_ + used_);
  header->size = bytes;
  used_ += need;
  last_ = header + 1;
  return last_;
}

void* CmarkArena::allocate_in_new_slab(size_t need, size_t bytes) {
  // Move on to the next kept slab that can hold the request, or add one.
  if (!slabs_.empty()) slabs_[slab_index_].high_water = used_;
  size_t next = slabs_.empty() ? 0 : slab_index_ + 1;
  while (next < slabs_.size() && need > slabs_[next].size) ++next;
  if (next == slabs_.size()) {
    const size_t size = need > kSlabSize ? need : kSlabSize;
    // cmark cannot unwind an exception, and its own allocator aborts when memory runs out.
    auto* data = new (std::nothrow) std::byte[size]();
    if (data == nullptr) std::abort();
    slabs_.push_back(Slab{std::unique_ptr<std::byte[]>(data), size, 0});
  }
  slab_index_ = next;
  used_ = 0;
  base_ = slabs_[slab_index_].data.get();
  size_ = slabs_[slab_index_].size;
  return allocate(bytes);
}

void* CmarkArena::reallocate(void* ptr, size_t bytes) {
  if (ptr == nullptr) return allocate(bytes);
  auto* header = static_cast<Header*>(ptr) - 1;
  const size_t old = header->size;
  if (bytes <= round_up(old)) {
    header->size = bytes > old ? bytes : old;
    return ptr;
  }
  // Growing buffers are cmark's hot case: extend the newest allocation in place when it fits.
  if (ptr == last_) {
    const size_t start = static_cast<size_t>(static_cast<std::byte*>(ptr) - base_);
    if (start + round_up(bytes) <= size_) {
      header->size = bytes;
      used_ = start + round_up(bytes);
      return ptr;
    }
  }
  void* fresh = allocate(bytes);
  std::memcpy(fresh, ptr, old);
  return fresh;
}

void* CmarkArena::c_calloc(size_t count, size_t size) {
  return current_arena->allocate(count * size);
}

void* CmarkArena::c_realloc(void* ptr, size_t size) {
  return current_arena->reallocate(ptr, size);
}

void CmarkArena::c_free(void*) {}

}  // namespace epicsync::markdown
