#pragma once

namespace attnscope {

/**
 * Keeps the C library's allocator from handing memory back to the kernel after every call.
 *
 * Eigen's matrix product allocates its packing buffers (hundreds of KiB) with malloc on every
 * product. With glibc's defaults such a block is served by mmap or at the top of the heap and given
 * back on free (munmap, or brk trimming), so every product page-faults its buffers in again, and on
 * a virtual machine a page fault costs microseconds: measured at S=128, E=768, H=12 on one thread,
 * 33 ms per forward pass instead of 7 ms, most of it in the kernel. Raising the mmap threshold to
 * its maximum and the trim threshold to 1 GiB keeps those pages mapped for reuse.
 *
 * A process-wide setting, so the entry points (attnscope, attnscope-cli, benchmarks) call it once
 * at start-up; the library never changes it behind their back. No effect outside glibc.
 */
void keepFreedMemoryForReuse() noexcept;

} // namespace attnscope
