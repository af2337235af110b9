#include "core/attention/gemm.h"

#include "core/attention/threading.h"

#include <algorithm>

namespace attnscope::detail {

namespace {

// One SIMD register of floats (GCC vector extension). The unaligned variant reads and writes rows
// of C and A, which have no alignment guarantee; packed panels are 64-byte aligned. Both may alias
// float, as they are laid over float buffers.
using Vec = float __attribute__((vector_size(kSimdFloats * sizeof(float)), __may_alias__));
using UnalignedVec = float __attribute__((vector_size(kSimdFloats * sizeof(float)), __may_alias__,
                                          aligned(sizeof(float))));

/**
 * The register tile: kTileRows × kTileCols accumulators, C_tile (+)= A_rows · B_panel over
 * `depth`, for kTileRows rows of A read in place (row stride lda). Starts from the bias row (or
 * zero) when `accumulate` is false, from C otherwise. Writes only rows < rows and columns < cols
 * (edge tiles go through a local buffer).
 *
 * A is read where it lies rather than packed: its rows stay in L1/L2 across the B panels of a
 * tile, and broadcasting from kTileRows row streams measured faster here than packing them first
 * (the packing pass cost ~13% of an attention forward; without it the products ran 5-35% faster).
 */
void registerTile(std::int64_t depth, const float* __restrict ap, std::int64_t lda,
                  const float* __restrict bp, float* c, std::int64_t ldc, std::int64_t rows,
                  std::int64_t cols, const float* bias, bool accumulate) {
    const bool full = rows == kTileRows && cols == kTileCols;
    alignas(64) float edge[kTileRows * kTileCols];
    float* target = c;
    std::int64_t targetStride = ldc;
    if (!full) {
        target = edge;
        targetStride = kTileCols;
        std::fill_n(edge, kTileRows * kTileCols, 0.0f);
        if (accumulate) {
            for (std::int64_t i = 0; i < rows; ++i)
                std::copy_n(c + i * ldc, cols, edge + i * kTileCols);
        }
    }

    Vec acc[kTileRows][2];
    if (accumulate) {
        for (std::int64_t i = 0; i < kTileRows; ++i) {
            acc[i][0] = *reinterpret_cast<const UnalignedVec*>(target + i * targetStride);
            acc[i][1] =
                *reinterpret_cast<const UnalignedVec*>(target + i * targetStride + kSimdFloats);
        }
    } else {
        Vec start0 = {}, start1 = {};
        if (bias != nullptr) {
            alignas(64) float row[kTileCols] = {};
            std::copy_n(bias, cols, row);
            start0 = *reinterpret_cast<const Vec*>(row);
            start1 = *reinterpret_cast<const Vec*>(row + kSimdFloats);
        }
        for (std::int64_t i = 0; i < kTileRows; ++i) {
            acc[i][0] = start0;
            acc[i][1] = start1;
        }
    }

    // The hot loop: two vector loads of B, then for each row one broadcast of A and two fused
    // multiply-adds (this file is compiled with -ffp-contract=fast so that a·b + c is one FMA).
#pragma GCC unroll 4
    for (std::int64_t k = 0; k < depth; ++k) {
        const Vec b0 = *reinterpret_cast<const Vec*>(bp);
        const Vec b1 = *reinterpret_cast<const Vec*>(bp + kSimdFloats);
#pragma GCC unroll 16
        for (std::int64_t i = 0; i < kTileRows; ++i) {
            acc[i][0] += b0 * ap[i * lda];
            acc[i][1] += b1 * ap[i * lda];
        }
        ap += 1;
        bp += kTileCols;
    }

    for (std::int64_t i = 0; i < kTileRows; ++i) {
        *reinterpret_cast<UnalignedVec*>(target + i * targetStride) = acc[i][0];
        *reinterpret_cast<UnalignedVec*>(target + i * targetStride + kSimdFloats) = acc[i][1];
    }
    if (!full) {
        for (std::int64_t i = 0; i < rows; ++i)
            std::copy_n(edge + i * kTileCols, cols, c + i * ldc);
    }
}

} // namespace

PackedRhsView packRhsTransposed(const float* w, std::int64_t ldw, std::int64_t width,
                                std::int64_t depth, float* out) {
    for (std::int64_t j0 = 0; j0 < width; j0 += kTileCols) {
        const std::int64_t panelCols = std::min(kTileCols, width - j0);
        float* panel = out + j0 * depth;
        if (panelCols == kTileCols) {
            // Whole panels: contiguous writes, reads from kTileCols rows that stay in L1 (~30%
            // faster than row by row with strided writes).
            for (std::int64_t k = 0; k < depth; ++k)
                for (std::int64_t j = 0; j < kTileCols; ++j)
                    panel[k * kTileCols + j] = w[(j0 + j) * ldw + k];
            continue;
        }
        std::fill_n(panel, depth * kTileCols, 0.0f);
        for (std::int64_t j = 0; j < panelCols; ++j) {
            const float* row = w + (j0 + j) * ldw;
            for (std::int64_t k = 0; k < depth; ++k)
                panel[k * kTileCols + j] = row[k];
        }
    }
    return {out, depth, width, depth * kTileCols};
}

PackedRhsView packRhsRows(const float* b, std::int64_t ldb, std::int64_t depth, std::int64_t width,
                          float* out) {
    for (std::int64_t j0 = 0; j0 < width; j0 += kTileCols) {
        const std::int64_t panelCols = std::min(kTileCols, width - j0);
        float* panel = out + j0 * depth;
        for (std::int64_t k = 0; k < depth; ++k) {
            std::copy_n(b + k * ldb + j0, panelCols, panel + k * kTileCols);
            std::fill(panel + k * kTileCols + panelCols, panel + (k + 1) * kTileCols, 0.0f);
        }
    }
    return {out, depth, width, depth * kTileCols};
}

PackedRhs PackedRhs::fromTransposed(const float* w, std::int64_t width, std::int64_t depth,
                                    int threads) {
    PackedRhs packed;
    packed.m_depth = depth;
    packed.m_width = width;
    packed.m_data.resize(static_cast<std::size_t>(packedRhsFloats(depth, width)));
    // Groups of panels per task: packing is memory-bound, a few hundred KB per task is plenty.
    constexpr std::int64_t panelsPerTask = 8;
    const std::int64_t panels = (width + kTileCols - 1) / kTileCols;
    parallelForBlocks(threads, (panels + panelsPerTask - 1) / panelsPerTask, CancellationToken(),
                      [&](std::int64_t task) {
                          const std::int64_t j0 = task * panelsPerTask * kTileCols;
                          const std::int64_t cols = std::min(panelsPerTask * kTileCols, width - j0);
                          packRhsTransposed(w + j0 * depth, depth, cols, depth,
                                            packed.m_data.data() + j0 * depth);
                      });
    return packed;
}

void multiplyPacked(const float* a, std::int64_t lda, std::int64_t rows, const PackedRhsView& b,
                    std::int64_t col0, std::int64_t cols, const float* bias, float* c,
                    std::int64_t ldc, AlignedVector<float>& scratch) {
    if (rows <= 0 || cols <= 0)
        return;
    const std::int64_t depth = b.depth;
    if (depth == 0) {
        for (std::int64_t i = 0; i < rows; ++i) {
            if (bias != nullptr)
                std::copy_n(bias, cols, c + i * ldc);
            else
                std::fill_n(c + i * ldc, cols, 0.0f);
        }
        return;
    }
    const std::int64_t firstPanel = col0 / kTileCols;
    // The last row panel may have fewer than kTileRows rows; the kernel always reads kTileRows,
    // so those rows are copied, zero-padded, into `scratch` (one depth block at a time).
    const std::int64_t fullRows = rows / kTileRows * kTileRows;
    const std::int64_t edgeRows = rows - fullRows;

    for (std::int64_t k0 = 0; k0 < depth; k0 += kGemmDepthBlock) {
        const std::int64_t kc = std::min(kGemmDepthBlock, depth - k0);
        if (edgeRows > 0) {
            scratch.resize(static_cast<std::size_t>(kTileRows * kc));
            for (std::int64_t i = 0; i < kTileRows; ++i) {
                float* row = scratch.data() + i * kc;
                if (i < edgeRows)
                    std::copy_n(a + (fullRows + i) * lda + k0, kc, row);
                else
                    std::fill_n(row, kc, 0.0f);
            }
        }
        for (std::int64_t j0 = 0; j0 < cols; j0 += kTileCols) {
            const float* bPanel = b.panel(firstPanel + j0 / kTileCols) + k0 * kTileCols;
            const std::int64_t tileCols = std::min(kTileCols, cols - j0);
            const float* tileBias = bias != nullptr ? bias + j0 : nullptr;
            for (std::int64_t i0 = 0; i0 < fullRows; i0 += kTileRows)
                registerTile(kc, a + i0 * lda + k0, lda, bPanel, c + i0 * ldc + j0, ldc, kTileRows,
                             tileCols, tileBias, k0 > 0);
            if (edgeRows > 0)
                registerTile(kc, scratch.data(), kc, bPanel, c + fullRows * ldc + j0, ldc, edgeRows,
                             tileCols, tileBias, k0 > 0);
        }
    }
}

} // namespace attnscope::detail
