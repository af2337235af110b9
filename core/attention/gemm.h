#pragma once

// The engine's matrix product: C = A · B (+ bias) on one thread, in float32, built for the three
// products of attention (x·Wᵀ, q·kᵀ, p·v). Callers split the work into tiles and run them on the
// oneTBB workers; every element's sum runs in an order fixed by the depth alone, so a tile gives
// bitwise the same result whichever thread computes it and however the output is tiled.
//
// Why not Eigen's product: Eigen packs both operands afresh on every call, and allocates its
// packing buffers each time; in attention one operand is reused many times (a layer's weights on
// every call, a head's keys and values for every block of queries), so here the right-hand operand
// is packed once by the caller (PackedRhs) and the left-hand rows are read in place. The
// register kernel is written once with GCC vector types sized to the widest registers the compiler
// targets (AVX-512: 8 × 32 floats in 16 zmm accumulators), so the same code is the fast path on
// this machine and a correct one elsewhere.

#include "core/base/alignedallocator.h"

#include <cstdint>

namespace attnscope::detail {

#if defined(__AVX512F__)
inline constexpr std::int64_t kSimdFloats = 16;
// 8 rows × 2 vectors = 16 accumulators. Measured on this machine's AVX-512 cores (Zen 5): 8 rows
// beat 10, 12 and 14 (the taller tiles leave fewer registers to hide load latency), ~175 GFLOP/s
// on one core against ~145-150 for 12 rows.
inline constexpr std::int64_t kTileRows = 8;
#elif defined(__AVX__)
inline constexpr std::int64_t kSimdFloats = 8;
inline constexpr std::int64_t kTileRows = 6; // 12 accumulators + 2 B vectors of 16 ymm
#else
inline constexpr std::int64_t kSimdFloats = 4;
inline constexpr std::int64_t kTileRows = 6;
#endif
/** Columns of C one register tile covers (two vectors); column tiles must be multiples of it. */
inline constexpr std::int64_t kTileCols = 2 * kSimdFloats;

/**
 * Depth summed per pass over a register tile. A kTileCols-wide slice of B this deep (48 KB on
 * AVX-512) is reused from L1/L2 while every row panel of A streams past it, and the A block it is
 * multiplied with (up to 256 rows × this depth, 384 KB) stays in the 1 MB L2. 384 measured best
 * of 128-768 on this machine (a scratch sweep over the shapes of tools/bench_vs_torch.py). Part of
 * the numerics: the depth is summed block by block, so it may depend on nothing but the shapes.
 */
inline constexpr std::int64_t kGemmDepthBlock = 384;

/**
 * A right-hand operand B [depth, width] in the kernel's order: ceil(width / kTileCols) panels,
 * panel j holding columns [j·kTileCols, (j+1)·kTileCols) as depth rows of kTileCols floats, the
 * last panel zero-padded. Points into storage the caller owns (see PackedRhs for an owning one).
 */
struct PackedRhsView {
    const float* data = nullptr;
    std::int64_t depth = 0;
    std::int64_t width = 0;
    /** Floats from one panel to the next: the packed depth, which `leading` may shorten. */
    std::int64_t panelStride = 0;

    [[nodiscard]] const float* panel(std::int64_t j) const noexcept {
        return data + j * panelStride;
    }
    /** The first `rows` rows of B (a causal block of queries sees only the first keys). */
    [[nodiscard]] PackedRhsView leading(std::int64_t rows) const noexcept {
        return {data, rows, width, panelStride};
    }
};

/** Floats that a packed depth × width operand occupies. */
[[nodiscard]] constexpr std::int64_t packedRhsFloats(std::int64_t depth, std::int64_t width) {
    return ((width + kTileCols - 1) / kTileCols) * kTileCols * depth;
}

/**
 * Packs B = Wᵀ for W [width, depth] (row stride ldw) into `out` (packedRhsFloats(depth, width)):
 * a linear layer's weight, a head's keys.
 */
PackedRhsView packRhsTransposed(const float* w, std::int64_t ldw, std::int64_t width,
                                std::int64_t depth, float* out);

/** Packs B [depth, width] (row stride ldb) into `out`: a head's values. */
PackedRhsView packRhsRows(const float* b, std::int64_t ldb, std::int64_t depth, std::int64_t width,
                          float* out);

/** An owned packed operand, e.g. a layer's weight packed once when the layer is made. */
class PackedRhs {
public:
    PackedRhs() = default;
    /**
     * B = Wᵀ for a weight W [width, depth] stored row-major (PyTorch's [out, in]), packed on
     * `threads` workers.
     */
    static PackedRhs fromTransposed(const float* w, std::int64_t width, std::int64_t depth,
                                    int threads = 1);

    [[nodiscard]] PackedRhsView view() const noexcept {
        return {m_data.data(), m_depth, m_width, m_depth * kTileCols};
    }
    /** Bytes the packed copy holds. */
    [[nodiscard]] std::uint64_t bytes() const noexcept { return m_data.size() * sizeof(float); }

private:
    AlignedVector<float> m_data;
    std::int64_t m_depth = 0;
    std::int64_t m_width = 0;
};

/**
 * C[rows, cols] = A[rows, depth] · B[:, col0 : col0 + cols] + bias[col0 : col0 + cols], with A
 * row-major (row stride lda), B packed (depth == b.depth), C row-major (row stride ldc), bias
 * optional. col0 must be a multiple of kTileCols. `scratch` holds a zero-padded copy of the last
 * few rows when `rows` is not a multiple of kTileRows (reuse it per thread to avoid allocations).
 * The depth is summed in fixed blocks in increasing order, so each element depends only on its row
 * of A, its column of B and the depth.
 */
void multiplyPacked(const float* a, std::int64_t lda, std::int64_t rows, const PackedRhsView& b,
                    std::int64_t col0, std::int64_t cols, const float* bias, float* c,
                    std::int64_t ldc, AlignedVector<float>& scratch);

} // namespace attnscope::detail
